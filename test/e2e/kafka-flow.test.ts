/**
 * The whole flow as it runs in Azure: the API (`start:api`) and the worker container as separate
 * processes, meeting only through the services — jobs on Apache Kafka (a broker of this run's
 * own, so the contract topics `jobs.{type}.v1` and `jobs.dlq.v1` hold only this run's records,
 * and so it can be stopped), statuses in the machine's Redis, progress RPC over its RabbitMQ,
 * results in its MongoDB wire server (FerretDB; a database of this run's own, dropped after).
 * Jobs submitted over HTTP complete; the records on the job topics follow the contract, as
 * kafkajs, kcat and kafka-python read them; records that break it are dead-lettered without
 * stopping the worker; the worker leaves the group on SIGTERM; with the broker gone a submit
 * answers 503 and the job is failed.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEAD_LETTER_HEADERS, DEAD_LETTER_TOPIC, JOB_MESSAGE_HEADERS, JobMessageSchema } from '../../contracts/index.js';
import { topicFor } from '../../core/domain/index.js';
import { startPrivateKafkaBroker, type PrivateKafkaBroker } from '../support/kafka-broker.js';
import { readWithKafkaPython, readWithKcat, type ReadRecord } from '../support/kafka-readers.js';
import { expectErrorBody, postJson, request, waitForTerminal, weatherJob } from '../support/http-client.js';
import { REPO_ROOT, freePort, startNode, type RunningChild } from '../support/processes.js';
import { servicesMode, type ServicesMode } from '../support/services-mode.js';
import { uniqueName } from '../support/unique.js';
import { waitFor } from '../support/wait-for.js';

const WEATHER_TOPIC = 'jobs.weather.v1';
const API_ENTRY = join(REPO_ROOT, 'dist/functions/fallback-host/main.js');
const WORKER_ENTRY = join(REPO_ROOT, 'dist/worker-container/main.js');

/** One job of each type, as submitted over HTTP. */
const ONE_OF_EACH = [
  { job_type: 'weather', payload: { city: 'Bergen', country_code: 'NO', units: 'metric' } },
  { job_type: 'quote', payload: {} },
  { job_type: 'exchange_rate', payload: { base: 'USD', target: 'EUR', amount: 10 } },
  { job_type: 'github_user', payload: { username: 'octocat' } },
] as const;

describe('job flow over Kafka, Redis and RabbitMQ with API and worker as separate processes', () => {
  let run: ServicesMode;
  let broker: PrivateKafkaBroker;
  let kafka: Kafka;
  let api: RunningChild;
  let worker: RunningChild;
  let apiBase: string;
  let workerBase: string;

  beforeAll(async () => {
    for (const entry of [API_ENTRY, WORKER_ENTRY]) {
      if (!existsSync(entry)) throw new Error(`${entry} is missing: run npm run build:server first (npm test does)`);
    }
    broker = await startPrivateKafkaBroker({ partitions: 3 });
    kafka = new Kafka({ clientId: 'dtq-e2e-reader', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    // The contract's topic names, on a broker nobody else writes to.
    run = servicesMode('dtq-kafka-e2e', { brokers: broker.brokers, contractTopics: true });
    const services = { ...run.env, SIMULATED_PROVIDER_DELAY_MS: '10' };
    const [apiPort, workerPort] = [await freePort(), await freePort()];
    apiBase = `http://127.0.0.1:${apiPort}`;
    workerBase = `http://127.0.0.1:${workerPort}`;
    worker = startNode(WORKER_ENTRY, { ...services, WORKER_METRICS_PORT: String(workerPort) });
    api = startNode(API_ENTRY, { ...services, PORT: String(apiPort), SERVE_WEB: 'false' });
    await Promise.all([worker.waitForLine(/worker started/, 90_000), api.waitForLine(/dtq API ready/, 90_000)]);
  }, 240_000);

  afterAll(async () => {
    await api?.stop('SIGKILL');
    await worker?.stop('SIGKILL');
    await broker?.close();
    await run?.cleanup({ kafka: false });
  });

  /**
   * Reads a topic from the beginning in a group of its own while `use` runs, collecting what
   * arrives, and disconnects afterwards (while the broker is still there to leave the group).
   */
  async function readingTopic(topic: string, use: (records: ReadRecord[]) => Promise<void>): Promise<void> {
    const reader: Consumer = kafka.consumer({ groupId: uniqueName('e2e-reader'), maxWaitTimeInMs: 100, heartbeatInterval: 100 });
    const records: ReadRecord[] = [];
    await reader.connect();
    try {
      await reader.subscribe({ topic, fromBeginning: true });
      await reader.run({
        eachMessage: async ({ partition, message }) => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
          records.push({ partition, offset: message.offset, key: message.key?.toString() ?? null, value: message.value?.toString() ?? '', headers });
        },
      });
      await use(records);
    } finally {
      await reader.disconnect();
    }
  }

  /** The worker group's committed offset of a partition (-1 when none). */
  async function committedOffset(partition: number): Promise<bigint> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [offsets] = await admin.fetchOffsets({ groupId: run.env.KAFKA_CONSUMER_GROUP!, topics: [WEATHER_TOPIC] });
      return BigInt(offsets?.partitions.find((p) => p.partition === partition)?.offset ?? '-1');
    } finally {
      await admin.disconnect();
    }
  }

  it('runs submitted jobs to completion and puts contract-shaped records on jobs.weather.v1', async () => {
    const submitted = await Promise.all(['Austin', 'Oslo', 'Lima'].map((city) => postJson(`${apiBase}/v1/jobs`, weatherJob(city))));
    for (const response of submitted) expect(response.status).toBe(202);
    for (const response of submitted) {
      expect(await waitForTerminal(apiBase, response.body.job_id)).toMatchObject({ state: 'completed', progress_percent: 100 });
      const result = await request(`${apiBase}/v1/jobs/${response.body.job_id}/result`);
      expect(result).toMatchObject({ status: 200, body: { job_id: response.body.job_id, final_state: 'completed' } });
    }

    await readingTopic(WEATHER_TOPIC, async (onTopic) => {
      await waitFor(() => (submitted.every((r) => onTopic.some((m) => m.key === r.body.job_id)) ? true : undefined), {
        what: 'the three job records on jobs.weather.v1',
      });
      for (const response of submitted) {
        const record = onTopic.find((m) => m.key === response.body.job_id)!;
        expect(record.headers).toMatchObject({ 'content-type': 'application/json', 'schema-version': '1.0' });
        expect(record.headers).toMatchObject(JOB_MESSAGE_HEADERS);
        const body = JobMessageSchema.parse(JSON.parse(record.value));
        expect(body).toMatchObject({ job_id: response.body.job_id, trace_id: response.body.trace_id, job_type: 'weather' });
      }
    });
  });

  it('puts records kcat and kafka-python read on jobs.{type}.v1: keyed by job_id, with the contract headers and body', { timeout: 120_000 }, async () => {
    const submitted = await Promise.all(ONE_OF_EACH.map((job) => postJson(`${apiBase}/v1/jobs`, job)));
    for (const response of submitted) expect(response.status, JSON.stringify(response.body)).toBe(202);
    for (const response of submitted) expect(await waitForTerminal(apiBase, response.body.job_id)).toMatchObject({ state: 'completed' });

    for (const [i, job] of ONE_OF_EACH.entries()) {
      const topic = topicFor(job.job_type);
      const { job_id, trace_id } = submitted[i]!.body as { job_id: string; trace_id: string };
      const [byKcat, byPython] = [await readWithKcat(broker.brokers[0]!, topic), await readWithKafkaPython(broker.brokers[0]!, topic)];
      for (const [client, records] of [['kcat', byKcat], ['kafka-python', byPython]] as const) {
        const mine = records.filter((r) => r.key === job_id);
        expect(mine, `${client} on ${topic}`).toHaveLength(1);
        expect(mine[0]!.headers, `${client} on ${topic}`).toMatchObject({ 'content-type': 'application/json', 'schema-version': '1.0' });
        const body = JobMessageSchema.parse(JSON.parse(mine[0]!.value));
        expect(body, `${client} on ${topic}`).toMatchObject({ schema_version: '1.0', job_id, trace_id, job_type: job.job_type, payload: job.payload });
      }
      // Both read the same records of the topic, at the same places.
      const places = (records: ReadRecord[]) => records.map((r) => `${r.partition}/${r.offset}/${r.key}`).sort();
      expect(places(byPython)).toEqual(places(byKcat));
    }
  });

  it('commits and dead-letters records that break the contract, and keeps consuming', async () => {
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const missingJobId = { schema_version: '1.0', job_type: 'weather', submitted_at: new Date().toISOString(), trace_id: randomUUID(), payload: weatherJob().payload };
    const [notJson, noJobId] = await Promise.all([
      producer.send({ topic: WEATHER_TOPIC, acks: -1, messages: [{ key: 'malformed-1', value: 'this is not JSON', headers: { 'content-type': 'application/json' } }] }),
      producer.send({ topic: WEATHER_TOPIC, acks: -1, messages: [{ key: 'malformed-2', value: JSON.stringify(missingJobId) }] }),
    ]);
    await producer.disconnect();

    const later = await postJson(`${apiBase}/v1/jobs`, weatherJob('Nairobi'));
    expect(later.status).toBe(202);
    expect(await waitForTerminal(apiBase, later.body.job_id)).toMatchObject({ state: 'completed' });

    await readingTopic(DEAD_LETTER_TOPIC, async (dead) => {
      await waitFor(() => (dead.length >= 2 ? true : undefined), { what: 'two dead letters' });
      const byKey = new Map(dead.map((m) => [m.key, m]));
      expect(byKey.get('malformed-1')).toMatchObject({
        value: 'this is not JSON',
        headers: {
          'content-type': 'application/json',
          [DEAD_LETTER_HEADERS.sourceTopic]: WEATHER_TOPIC,
          [DEAD_LETTER_HEADERS.sourcePartition]: String(notJson[0]!.partition),
          [DEAD_LETTER_HEADERS.sourceOffset]: notJson[0]!.baseOffset,
        },
      });
      expect(byKey.get('malformed-1')!.headers[DEAD_LETTER_HEADERS.reason]).toMatch(/^value is not JSON/);
      expect(byKey.get('malformed-2')!.headers[DEAD_LETTER_HEADERS.reason]).toMatch(/^job_id: /);
      expect(JSON.parse(byKey.get('malformed-2')!.value)).toEqual(missingJobId);
      for (const letter of dead) expect(Date.parse(letter.headers[DEAD_LETTER_HEADERS.failedAt]!)).not.toBeNaN();
    });

    // Committed: the worker group's offsets move past both records (the worker commits in batches).
    for (const sent of [notJson[0]!, noJobId[0]!]) {
      await waitFor(async () => ((await committedOffset(sent.partition)) > BigInt(sent.baseOffset!) ? true : undefined), {
        what: `the offset after ${sent.baseOffset} committed on partition ${sent.partition}`,
      });
    }
  });

  it('reports the worker ready with Kafka and its lag, and leaves the group at once on SIGTERM', async () => {
    const ready = await request(`${workerBase}/readyz`);
    expect(ready).toMatchObject({ status: 200, body: { status: 'ok' } });
    const metrics = await fetch(`${workerBase}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/dtq_worker_jobs_processed_total\{job_type="weather",outcome="completed"\} [1-9]/);
    expect(metrics).toMatch(/dtq_worker_dead_lettered_total\{topic="jobs\.weather\.v1"\} 2/);
    // The lag of every partition the worker owns, read from the cluster when scraped: all caught up.
    await waitFor(
      async () => {
        const text = await fetch(`${workerBase}/metrics`).then((r) => r.text());
        const lags = [...text.matchAll(/^dtq_worker_consumer_lag\{topic="jobs\.weather\.v1",partition="(\d+)"\} (\d+)$/gm)];
        return lags.length === 3 && lags.every((m) => m[2] === '0') ? true : undefined;
      },
      { what: 'lag 0 on the three partitions of jobs.weather.v1' },
    );

    expect((await worker.stop('SIGTERM')).code).toBe(0);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const { groups } = await admin.describeGroups([run.env.KAFKA_CONSUMER_GROUP!]);
      expect(groups[0]?.members).toEqual([]);
    } finally {
      await admin.disconnect();
    }
  });

  // Stops the broker: keep this test last.
  it('answers 503 with the job id when the broker is gone, and leaves the job queued: its enqueue is unconfirmed, not failed', { timeout: 120_000 }, async () => {
    await broker.stop();
    const response = await postJson(`${apiBase}/v1/jobs`, weatherJob('Nowhere'));
    const error = expectErrorBody(response, 503, 'SERVICE_UNAVAILABLE');
    expect(error.message).toContain('job queue');
    expect(error.details).toMatchObject({ dependency: 'job queue', enqueue: 'unconfirmed' });

    const queued = await request(`${apiBase}/v1/jobs?state=queued`);
    expect(queued.status).toBe(200);
    const job = (queued.body.items as Array<Record<string, string>>).find((item) => item.trace_id === error.trace_id);
    expect(job).toMatchObject({ job_id: error.details?.job_id, state: 'queued', message: 'queued; enqueue unconfirmed', job_type: 'weather' });
    expect(job).not.toHaveProperty('error_code');

    const ready = await request(`${apiBase}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.body.checks.kafka).toMatchObject({ ok: false });
  });
});
