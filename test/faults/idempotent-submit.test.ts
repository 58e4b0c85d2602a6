/**
 * A client that retries a submit with its Idempotency-Key always ends with a job that runs, once:
 * when the API is killed while its publish hangs, and when a publish runs out of time and the
 * record reaches the broker afterwards. Built API and worker processes on the real servers; only
 * the API's link to Kafka passes through a proxy that can stall it, the worker's does not.
 */
import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IDEMPOTENCY_KEY_HEADER, RESULT_COLLECTION } from '../../contracts/index.js';
import { IDEMPOTENCY_COLLECTION } from '../../adapters/mongodb/index.js';
import { expectErrorBody, postJson, weatherJob } from '../support/http-client.js';
import { API_PRODUCE, startKafkaProxy, type KafkaProxy } from '../support/kafka-proxy.js';
import { REPO_ROOT, freePort, startNode, type RunningChild } from '../support/processes.js';
import { TEST_KAFKA_BROKERS, TEST_MONGODB_URI, TEST_REDIS_URL } from '../support/services.js';
import { servicesMode } from '../support/services-mode.js';
import { waitFor } from '../support/wait-for.js';

const API_ENTRY = join(REPO_ROOT, 'dist/functions/fallback-host/main.js');
const WORKER_ENTRY = join(REPO_ROOT, 'dist/worker-container/main.js');

describe('submits retried with their Idempotency-Key through a stalled Kafka link', () => {
  const services = servicesMode('dtq-idem-submit');
  const prefix = services.env.REDIS_KEY_PREFIX;
  let proxy: KafkaProxy;
  let redis: Redis;
  let mongo: MongoClient;
  let worker: RunningChild;
  let api: { process: RunningChild; base: string };

  const startApi = async () => {
    const port = await freePort();
    const child = startNode(API_ENTRY, { ...services.env, KAFKA_BROKERS: proxy.brokers.join(','), PORT: String(port), SERVE_WEB: 'false', LOG_LEVEL: 'info' });
    await child.waitForLine(/dtq API ready/, 30_000);
    return { process: child, base: `http://127.0.0.1:${port}` };
  };
  const submit = (key: string, city: string) => postJson(`${api.base}/v1/jobs`, weatherJob(city), { [IDEMPOTENCY_KEY_HEADER]: key });
  const results = () => mongo.db(services.env.MONGODB_DATABASE).collection(RESULT_COLLECTION);
  const status = (jobId: string) => redis.hgetall(`${prefix}job:${jobId}:status`);
  /** The key's record where dtq keeps it with a durable store: MongoDB, beside the results. */
  const keyRecord = async (key: string) => {
    const found = await mongo
      .db(services.env.MONGODB_DATABASE)
      .collection<{ _id: string; job_id: string; enqueued: boolean }>(IDEMPOTENCY_COLLECTION)
      .findOne({ _id: createHash('sha256').update(key).digest('hex') });
    return found ?? undefined;
  };
  /** Waits for the job's result, then checks it is the only one and the status says completed. */
  const expectCompletedOnce = async (jobId: string) => {
    await waitFor(async () => ((await results().countDocuments({ job_id: jobId })) > 0 ? true : undefined), { timeoutMs: 20_000, what: `a result of job ${jobId}` });
    const docs = await results().find({ job_id: jobId }).toArray();
    expect(docs.map((doc) => doc.final_state)).toEqual(['completed']);
    await waitFor(async () => ((await status(jobId)).state === 'completed' ? true : undefined), { timeoutMs: 5_000, what: `status completed of ${jobId}` });
  };
  const apiMetric = async (name: string) => {
    const text = await fetch(`${api.base}/metrics`).then((r) => r.text());
    return Number(new RegExp(`^${name}\\{job_type="weather"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  };

  const running = (child: RunningChild | undefined) => child !== undefined && child.child.exitCode === null && child.child.signalCode === null;
  // Each test starts with a live API, also when an earlier one failed after killing it.
  beforeEach(async () => {
    if (!running(api.process)) api = await startApi();
  }, 30_000);

  beforeAll(async () => {
    proxy = await startKafkaProxy(TEST_KAFKA_BROKERS[0]!);
    redis = new Redis(TEST_REDIS_URL);
    mongo = new MongoClient(TEST_MONGODB_URI);
    worker = startNode(WORKER_ENTRY, { ...services.env, WORKER_METRICS_PORT: String(await freePort()), SIMULATED_PROVIDER_DELAY_MS: '20', LOG_LEVEL: 'info' });
    await worker.waitForLine(/worker started/, 30_000);
    api = await startApi();
    // One job end to end: the topics exist and the API's producer is connected, so a later
    // publish is a single Produce request on the proxied link.
    const warmUp = await submit(randomUUID(), 'Warm Up');
    expect(warmUp.status).toBe(202);
    await expectCompletedOnce(warmUp.body.job_id);
  }, 60_000);

  afterAll(async () => {
    proxy?.restore();
    for (const child of [api?.process, worker]) if (running(child)) await child!.stop('SIGTERM');
    await proxy?.close();
    redis?.disconnect();
    await mongo?.close();
    await services.cleanup();
  }, 30_000);

  it('runs the job once when the API is killed mid-publish and a fresh API gets the retry', async () => {
    const key = randomUUID();
    proxy.freeze();
    const hung = submit(key, 'Crash').catch(() => 'no answer');
    // The key and the queued status are written, and the Produce request hangs in the proxy.
    const jobId = await waitFor(
      async () => {
        const claimed = await keyRecord(key);
        if (!claimed || proxy.heldRequests(API_PRODUCE) < 1) return undefined;
        return (await status(claimed.job_id)).state === 'queued' ? claimed.job_id : undefined;
      },
      { timeoutMs: 5_000, intervalMs: 20, what: 'the submit to hang in its publish' },
    );
    await api.process.stop('SIGKILL');
    expect(await hung).toBe('no answer');
    // The stalled link is reset: what the dead API had sent never reaches the broker.
    proxy.cut();
    proxy.restore();
    expect(await keyRecord(key)).toMatchObject({ job_id: jobId });

    api = await startApi();
    const retried = await submit(key, 'Crash');
    expect(retried.status).toBe(202);
    expect(retried.body.job_id).toBe(jobId);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    await expectCompletedOnce(jobId);
    expect(await keyRecord(key)).toMatchObject({ enqueued: true });
    expect(await apiMetric('dtq_api_jobs_republished_total')).toBe(1);
  }, 60_000);

  it('answers a publish that runs out of time 503 with the job id, and the retry ends in that one job', async () => {
    const key = randomUUID();
    proxy.freeze();
    let refused;
    try {
      refused = await submit(key, 'Timeout');
    } finally {
      proxy.restore();
    }
    const error = expectErrorBody(refused, 503, 'SERVICE_UNAVAILABLE');
    const jobId = error.details?.job_id as string;
    expect(error.details).toMatchObject({ dependency: 'job queue', enqueue: 'unconfirmed' });
    expect(await keyRecord(key)).toMatchObject({ job_id: jobId });
    expect((await status(jobId)).state).not.toBe('failed');
    expect(await apiMetric('dtq_api_enqueue_unconfirmed_total')).toBe(1);

    // The held record reached the broker when the link came back; the worker may run it already.
    const retried = await submit(key, 'Timeout');
    expect(retried.status).toBe(202);
    expect(retried.body.job_id).toBe(jobId);
    await expectCompletedOnce(jobId);
    // Exactly the jobs of this file have results: no second job was made for the key.
    expect(await results().countDocuments({})).toBe(3);
  }, 60_000);
});
