/**
 * The whole flow with the job queue on Kafka (the emulator, a test fixture): jobs submitted over
 * HTTP travel through Kafka topics to the worker and complete; the records on `jobs.weather.v1`
 * follow the contract; records that break it are dead-lettered without stopping the worker; with
 * the broker gone, a submit answers 503 and the job is marked failed.
 *
 * The other ports are in memory here (this build has no Redis, RabbitMQ or MongoDB adapter), so
 * API and worker share one process through startEmbeddedApp for the flow; the built worker
 * container also runs as its own process against the same broker. With those adapters the same
 * checks apply to API and worker as separate processes.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEAD_LETTER_HEADERS, DEAD_LETTER_TOPIC, JOB_MESSAGE_HEADERS, JobMessageSchema } from '../../contracts/index.js';
import { startKafkaEmulator, type KafkaEmulator } from '../../scripts/emulators/kafka/index.js';
import { startEmbeddedApp, type EmbeddedApp } from '../support/embedded-app.js';
import { expectErrorBody, postJson, request, waitForTerminal, weatherJob } from '../support/http-client.js';
import { REPO_ROOT, freePort, startNode } from '../support/processes.js';
import { uniqueName } from '../support/unique.js';
import { waitFor } from '../support/wait-for.js';

const WEATHER_TOPIC = 'jobs.weather.v1';
const WORKER_ENTRY = join(REPO_ROOT, 'dist/worker-container/main.js');

interface ReadRecord {
  partition: number;
  offset: string;
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

describe('job flow over Kafka', () => {
  let emulator: KafkaEmulator;
  let app: EmbeddedApp;
  let kafka: Kafka;
  const groupId = uniqueName('dtq-worker');

  beforeAll(async () => {
    emulator = await startKafkaEmulator({ port: 0, defaultPartitions: 3 });
    app = await startEmbeddedApp({ KAFKA_BROKERS: emulator.brokers, KAFKA_CONSUMER_GROUP: groupId });
    kafka = new Kafka({ clientId: 'dtq-e2e-reader', brokers: [emulator.brokers], logLevel: logLevel.NOTHING });
  });

  afterAll(async () => {
    await app?.close();
    await emulator?.close();
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

  it('runs submitted jobs to completion and puts contract-shaped records on jobs.weather.v1', async () => {
    const submitted = await Promise.all(['Austin', 'Oslo', 'Lima'].map((city) => postJson(`${app.baseUrl}/v1/jobs`, weatherJob(city))));
    for (const response of submitted) expect(response.status).toBe(202);
    for (const response of submitted) {
      expect(await waitForTerminal(app.baseUrl, response.body.job_id)).toMatchObject({ state: 'completed', progress_percent: 100 });
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

  it('commits and dead-letters records that break the contract, and keeps consuming', async () => {
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const missingJobId = { schema_version: '1.0', job_type: 'weather', submitted_at: new Date().toISOString(), payload: weatherJob().payload };
    const [notJson, noJobId] = await Promise.all([
      producer.send({ topic: WEATHER_TOPIC, acks: -1, messages: [{ key: 'malformed-1', value: 'this is not JSON', headers: { 'content-type': 'application/json' } }] }),
      producer.send({ topic: WEATHER_TOPIC, acks: -1, messages: [{ key: 'malformed-2', value: JSON.stringify(missingJobId) }] }),
    ]);
    await producer.disconnect();

    const later = await postJson(`${app.baseUrl}/v1/jobs`, weatherJob('Nairobi'));
    expect(later.status).toBe(202);
    expect(await waitForTerminal(app.baseUrl, later.body.job_id)).toMatchObject({ state: 'completed' });

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

    // Committed: the worker group's offsets are past both records.
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [WEATHER_TOPIC] });
      const committed = new Map(offsets!.partitions.map((p) => [p.partition, BigInt(p.offset)]));
      for (const sent of [notJson[0]!, noJobId[0]!]) {
        expect(committed.get(sent.partition)! > BigInt(sent.baseOffset!)).toBe(true);
      }
    } finally {
      await admin.disconnect();
    }
  });

  it('runs the worker container as its own process on Kafka, ready, and leaving the group on SIGTERM', async () => {
    if (!existsSync(WORKER_ENTRY)) throw new Error(`${WORKER_ENTRY} is missing: run npm run build:server first (npm test does)`);
    const workerGroup = uniqueName('dtq-worker-process');
    const healthPort = await freePort();
    const worker = startNode(WORKER_ENTRY, {
      KAFKA_BROKERS: emulator.brokers,
      KAFKA_CONSUMER_GROUP: workerGroup,
      WORKER_METRICS_PORT: String(healthPort),
      SIMULATED_PROVIDER_DELAY_MS: '10',
    });
    try {
      await worker.waitForLine(/worker started/);
      const message = {
        schema_version: '1.0',
        job_id: randomUUID(),
        job_type: 'weather',
        submitted_at: new Date().toISOString(),
        trace_id: randomUUID(),
        payload: weatherJob('Process City').payload,
      };
      const producer = kafka.producer({ allowAutoTopicCreation: false });
      await producer.connect();
      const [sent] = await producer.send({
        topic: WEATHER_TOPIC,
        acks: -1,
        messages: [{ key: message.job_id, value: JSON.stringify(JobMessageSchema.parse(message)), headers: { ...JOB_MESSAGE_HEADERS } }],
      });
      await producer.disconnect();

      const admin = kafka.admin();
      await admin.connect();
      try {
        // A new group reads from the beginning, so it commits past every record on the topic.
        await waitFor(
          async () => {
            const [offsets] = await admin.fetchOffsets({ groupId: workerGroup, topics: [WEATHER_TOPIC] });
            const committed = offsets?.partitions.find((p) => p.partition === sent!.partition)?.offset;
            return committed !== undefined && BigInt(committed) > BigInt(sent!.baseOffset!) ? true : undefined;
          },
          { what: 'the worker process to commit the job record' },
        );
        const ready = await request(`http://127.0.0.1:${healthPort}/readyz`);
        expect(ready).toMatchObject({ status: 200, body: { status: 'ok' } });
        const metrics = await fetch(`http://127.0.0.1:${healthPort}/metrics`).then((r) => r.text());
        expect(metrics).toMatch(/dtq_worker_jobs_processed_total\{job_type="weather",outcome="completed"\} [1-9]/);

        expect((await worker.stop('SIGTERM')).code).toBe(0);
        const { groups } = await admin.describeGroups([workerGroup]);
        expect(groups[0]?.members).toEqual([]);
      } finally {
        await admin.disconnect();
      }
    } finally {
      await worker.stop('SIGKILL');
    }
  });

  // Stops the broker: keep this test last.
  it('answers 503 when the broker is gone and marks the job failed with ENQUEUE_FAILED', { timeout: 60_000 }, async () => {
    await emulator.close();
    const response = await postJson(`${app.baseUrl}/v1/jobs`, weatherJob('Nowhere'));
    const error = expectErrorBody(response, 503, 'SERVICE_UNAVAILABLE');
    expect(error.message).toContain('kafka');

    const failed = await request(`${app.baseUrl}/v1/jobs?state=failed`);
    expect(failed.status).toBe(200);
    const job = (failed.body.items as Array<Record<string, string>>).find((item) => item.trace_id === error.trace_id);
    expect(job).toMatchObject({ state: 'failed', error_code: 'ENQUEUE_FAILED', job_type: 'weather' });

    const ready = await request(`${app.baseUrl}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.body.checks.kafka).toMatchObject({ ok: false });
  });
});
