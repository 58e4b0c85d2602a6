/**
 * In-flight jobs are safe when workers stop: API and workers run as separate built processes on
 * Kafka (emulator), Redis, RabbitMQ and MongoDB (emulator). 30 slow jobs are submitted; the first
 * worker is stopped with SIGTERM mid-run (it drains and exits 0), the second is killed with
 * SIGKILL mid-run (its uncommitted jobs are redelivered), a third finishes the rest. Every job
 * ends completed with exactly one result document.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESULT_COLLECTION } from '../../contracts/index.js';
import { startKafkaEmulator, type KafkaEmulator } from '../../scripts/emulators/kafka/index.js';
import { startMongoEmulator, type MongoEmulator } from '../../scripts/emulators/mongo/index.js';
import { postJson, request, weatherJob } from '../support/http-client.js';
import { REPO_ROOT, freePort, startNode, type RunningChild } from '../support/processes.js';
import { deleteRabbitQueues, deleteRedisKeys, TEST_RABBITMQ_URL, TEST_REDIS_URL } from '../support/services.js';
import { uniqueName } from '../support/unique.js';
import { waitFor } from '../support/wait-for.js';

const API_ENTRY = join(REPO_ROOT, 'dist/functions/fallback-host/main.js');
const WORKER_ENTRY = join(REPO_ROOT, 'dist/worker-container/main.js');
const JOBS = 30;

describe('worker shutdown and crash keep every job exactly once', () => {
  const groupId = uniqueName('dtq-worker');
  const keyPrefix = `${uniqueName('dtq-shutdown-e2e')}:`;
  const requestQueue = uniqueName('progress.shutdown-e2e');
  const database = uniqueName('dtq').replace(/-/g, '_');
  let kafka: KafkaEmulator;
  let mongo: MongoEmulator;
  let mongoClient: MongoClient;
  let api: RunningChild;
  const workers: RunningChild[] = [];
  let services: Record<string, string>;
  let apiBase: string;

  beforeAll(async () => {
    for (const entry of [API_ENTRY, WORKER_ENTRY]) {
      if (!existsSync(entry)) throw new Error(`${entry} is missing: run npm run build:server first (npm test does)`);
    }
    kafka = await startKafkaEmulator({ port: 0, defaultPartitions: 3 });
    mongo = await startMongoEmulator();
    mongoClient = new MongoClient(mongo.uri);
    services = {
      KAFKA_BROKERS: kafka.brokers,
      KAFKA_CONSUMER_GROUP: groupId,
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: keyPrefix,
      RABBITMQ_URL: TEST_RABBITMQ_URL,
      PROGRESS_REQUEST_QUEUE: requestQueue,
      MONGODB_URI: mongo.uri,
      MONGODB_DATABASE: database,
      SIMULATED_PROVIDER_DELAY_MS: '1000',
      WORKER_CONCURRENCY: '3',
      SHUTDOWN_TIMEOUT_MS: '10000',
    };
    const apiPort = await freePort();
    apiBase = `http://127.0.0.1:${apiPort}`;
    api = startNode(API_ENTRY, { ...services, PORT: String(apiPort), SERVE_WEB: 'false' });
    await api.waitForLine(/dtq API ready/);
  });

  afterAll(async () => {
    for (const worker of workers) await worker.stop('SIGKILL');
    await api?.stop('SIGKILL');
    await mongoClient?.close();
    await kafka?.close();
    await mongo?.close();
    await deleteRedisKeys(keyPrefix);
    await deleteRabbitQueues([requestQueue]);
  });

  async function startWorker(): Promise<{ worker: RunningChild; metrics: string }> {
    const port = await freePort();
    const worker = startNode(WORKER_ENTRY, { ...services, WORKER_METRICS_PORT: String(port) });
    workers.push(worker);
    await worker.waitForLine(/worker started/);
    return { worker, metrics: `http://127.0.0.1:${port}/metrics` };
  }

  async function gauge(metricsUrl: string, name: string): Promise<number> {
    const text = await fetch(metricsUrl).then((r) => r.text());
    const values = [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+(?:\\.\\d+)?)$`, 'gm'))].map((m) => Number(m[1]));
    return values.reduce((a, b) => a + b, 0);
  }

  /** Job ids of a worker's log lines whose message contains `text`. */
  function jobsLogged(worker: RunningChild, text: string): Set<string> {
    const ids = new Set<string>();
    for (const line of worker.lines) {
      const entry = JSON.parse(line) as { msg?: string; job_id?: string };
      if (entry.job_id && entry.msg?.includes(text)) ids.add(entry.job_id);
    }
    return ids;
  }

  const results = () => mongoClient.db(database).collection(RESULT_COLLECTION);

  it('drains on SIGTERM, survives SIGKILL, and completes all 30 jobs once', async () => {
    const first = await startWorker();
    const submitted = await Promise.all(Array.from({ length: JOBS }, (_, i) => postJson(`${apiBase}/v1/jobs`, weatherJob(`City ${i}`))));
    expect(submitted.map((r) => r.status)).toEqual(Array(JOBS).fill(202));
    const ids = submitted.map((r) => r.body.job_id as string);

    // SIGTERM while jobs run: in-flight work finishes and commits, the process exits 0.
    await waitFor(async () => ((await gauge(first.metrics, 'dtq_worker_jobs_in_flight')) > 0 && (await results().countDocuments()) >= 3 ? true : undefined), {
      timeoutMs: 30_000,
      what: 'the first worker mid-run',
    });
    const drained = await Promise.race([first.worker.stop('SIGTERM'), new Promise<'hung'>((r) => setTimeout(() => r('hung'), 20_000))]);
    expect(drained).toEqual({ code: 0, signal: null });
    expect(first.worker.lines.some((l) => l.includes('worker stopped'))).toBe(true);
    const afterFirst = await results().countDocuments();
    expect(afterFirst).toBeGreaterThanOrEqual(3);
    expect(afterFirst).toBeLessThan(JOBS);

    // SIGKILL while jobs run: nothing drains, the uncommitted records go to the next worker.
    const second = await startWorker();
    await waitFor(async () => ((await gauge(second.metrics, 'dtq_worker_jobs_in_flight')) > 0 && (await results().countDocuments()) > afterFirst ? true : undefined), {
      timeoutMs: 30_000,
      what: 'the second worker mid-run',
    });
    expect(await second.worker.stop('SIGKILL')).toMatchObject({ signal: 'SIGKILL' });
    expect(await results().countDocuments()).toBeLessThan(JOBS);

    const third = await startWorker();
    await waitFor(async () => ((await results().countDocuments()) === JOBS ? true : undefined), { timeoutMs: 90_000, intervalMs: 250, what: 'all 30 results' });

    const docs = await results().find({}, { projection: { _id: 0, job_id: 1, final_state: 1 } }).toArray();
    expect(docs.map((d) => d.job_id).sort()).toEqual([...ids].sort());
    expect(docs.every((d) => d.final_state === 'completed')).toBe(true);
    // The jobs the killed worker had started but not finished were run again by the third.
    const interrupted = [...jobsLogged(second.worker, 'job running')].filter((id) => !jobsLogged(second.worker, 'job finished').has(id));
    expect(interrupted.length).toBeGreaterThan(0);
    const finishedByThird = new Set([...jobsLogged(third.worker, 'job finished'), ...jobsLogged(third.worker, 'not executing it again')]);
    for (const id of interrupted) expect(finishedByThird.has(id), `job ${id} interrupted by SIGKILL`).toBe(true);

    for (const id of ids) {
      const status = await request(`${apiBase}/v1/jobs/${id}/status`);
      expect(status.body).toMatchObject({ state: 'completed', progress_percent: 100 });
    }
  });
});
