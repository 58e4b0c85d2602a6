/**
 * Priorities on the real servers (Kafka, Redis, RabbitMQ; results in the in-process store, as the
 * order of starts is the queue's and the worker's business), with topics, group and keys of the
 * test's own. A backlog of normal jobs is on Kafka before the worker starts, so the worker takes
 * it in hand at its first fetch; the worker has two slots and a provider that takes 300 ms. A high
 * job submitted once the backlog runs starts before it drains; low jobs submitted behind a normal
 * backlog start while most of it still waits. The order is read from the results' `started_at`,
 * never from how long anything took.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { KafkaJobQueue } from '../../adapters/kafka/index.js';
import type { JobMessage } from '../../contracts/index.js';
import { encodeJobRecord } from '../../core/domain/index.js';
import { startEmbeddedApp, type EmbeddedApp } from '../support/embedded-app.js';
import { expectErrorBody, postJson, request } from '../support/http-client.js';
import { deleteKafkaTopicsAndGroups } from '../support/kafka-admin.js';
import { TEST_KAFKA_BROKERS, deleteRabbitQueues, deleteRedisKeys } from '../support/services.js';
import { servicesMode } from '../support/services-mode.js';
import { testLogger } from '../support/test-logger.js';
import { waitFor } from '../support/wait-for.js';

const weather = (city: string, priority?: string) => ({
  job_type: 'weather',
  payload: { city, country_code: 'US', units: 'metric' },
  ...(priority ? { priority } : {}),
});

describe('job priorities', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  });

  /** A run of the test's own with `backlog` normal weather jobs on Kafka, then its API and worker. Returns the app and the backlog's job ids. */
  async function withBacklog(name: string, backlog: number): Promise<{ app: EmbeddedApp; backlog: string[] }> {
    const run = servicesMode(name);
    closers.push(async () => {
      await Promise.all([
        deleteRedisKeys(run.env.REDIS_KEY_PREFIX!),
        deleteRabbitQueues([run.env.PROGRESS_REQUEST_QUEUE!]),
        deleteKafkaTopicsAndGroups(TEST_KAFKA_BROKERS, new RegExp(`^${run.id}\\.`)),
      ]);
    });
    const template = run.env.KAFKA_TOPIC_TEMPLATE!;
    const producer = new KafkaJobQueue({ brokers: TEST_KAFKA_BROKERS, clientId: 'dtq-test', partitions: 3, logger: testLogger() });
    const ids: string[] = [];
    try {
      for (let i = 0; i < backlog; i++) {
        const message = {
          schema_version: '1.0',
          job_id: randomUUID(),
          job_type: 'weather',
          submitted_at: new Date().toISOString(),
          trace_id: randomUUID(),
          payload: { city: `Backlog ${i}`, country_code: 'US', units: 'metric' },
        } as JobMessage;
        await producer.publish(encodeJobRecord(message, template));
        ids.push(message.job_id);
      }
    } finally {
      await producer.close();
    }
    const { MONGODB_URI: _results, MONGODB_DATABASE: _database, ...services } = run.env;
    const app = await startEmbeddedApp({ ...services, WORKER_CONCURRENCY: '2', SIMULATED_PROVIDER_DELAY_MS: '300', KAFKA_COMMIT_INTERVAL_MS: '100' });
    closers.push(() => app.close());
    return { app, backlog: ids };
  }

  async function submit(app: EmbeddedApp, body: object): Promise<string> {
    const response = await postJson(`${app.baseUrl}/v1/jobs`, body);
    if (response.status !== 202) throw new Error(`submit refused: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body.job_id as string;
  }

  /** When each job's run started, by job id, once every one has its result. */
  async function startTimes(app: EmbeddedApp, ids: string[]): Promise<Map<string, number>> {
    const started = new Map<string, number>();
    await waitFor(
      async () => {
        for (const id of ids) {
          if (started.has(id)) continue;
          const result = await app.adapters.results.get(id);
          if (result) started.set(id, Date.parse(result.started_at));
        }
        return started.size === ids.length ? true : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 200, what: `results of ${ids.length} jobs` },
    );
    return started;
  }

  /** Waits until the first of `ids` has a result: the worker has the backlog in hand and runs it. */
  async function backlogRunning(app: EmbeddedApp, ids: string[]): Promise<void> {
    await waitFor(async () => ((await Promise.all(ids.map((id) => app.adapters.results.get(id)))).some(Boolean) ? true : undefined), {
      timeoutMs: 60_000,
      intervalMs: 50,
      what: 'the backlog to run',
    });
  }

  it('starts a high job before a normal backlog already waiting has drained', { timeout: 150_000 }, async () => {
    const { app, backlog } = await withBacklog('dtq-prio-high', 20);
    await backlogRunning(app, backlog);
    // The operator sees the backlog waiting, by priority (the group's lag on each priority's topics).
    const metrics = await app.worker.metrics.registry.metrics();
    expect(Number(/^dtq_worker_jobs_waiting_by_priority\{priority="normal"\} (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
    expect(metrics).toMatch(/^dtq_worker_jobs_waiting_by_priority\{priority="high"\} 0$/m);
    const high = await submit(app, weather('Urgent', 'high'));

    const started = await startTimes(app, [...backlog, high]);
    const highStarted = started.get(high)!;
    const normalsAfter = backlog.filter((id) => started.get(id)! > highStarted).length;
    // First come, first served, it would start after all twenty.
    expect(normalsAfter, 'normal jobs of the backlog that started after the high one').toBeGreaterThanOrEqual(10);

    const status = await request(`${app.baseUrl}/v1/jobs/${high}/status`);
    expect(status.body.priority).toBe('high');
    const listed = await request(`${app.baseUrl}/v1/jobs?limit=100`);
    expect(listed.body.items.find((item: { job_id: string }) => item.job_id === high)?.priority).toBe('high');
  });

  it('gives low jobs turns while normal jobs keep waiting', { timeout: 150_000 }, async () => {
    const { app, backlog } = await withBacklog('dtq-prio-low', 30);
    await backlogRunning(app, backlog);
    const lows: string[] = [];
    for (let i = 0; i < 3; i++) lows.push(await submit(app, weather(`Later ${i}`, 'low')));
    // The normal stream goes on while the low jobs wait.
    const stream: string[] = [];
    for (let i = 0; i < 10; i++) stream.push(await submit(app, weather(`Stream ${i}`)));

    const started = await startTimes(app, [...backlog, ...stream, ...lows]);
    const lastLow = Math.max(...lows.map((id) => started.get(id)!));
    const normalsAfter = backlog.filter((id) => started.get(id)! > lastLow).length;
    // Behind every normal job, as first come first served or strict priorities run them, none would start after them.
    expect(normalsAfter, 'normal jobs submitted before the low ones that started after the last of them').toBeGreaterThanOrEqual(10);
    const status = await request(`${app.baseUrl}/v1/jobs/${lows[0]}/status`);
    expect(status.body.priority).toBe('low');
  });

  it('refuses a priority it does not know, naming the field', { timeout: 60_000 }, async () => {
    const { app } = await withBacklog('dtq-prio-bad', 0);
    const response = await postJson(`${app.baseUrl}/v1/jobs`, weather('Austin', 'urgent'));
    const error = expectErrorBody(response, 400, 'INVALID_BODY');
    expect(error.message).toMatch(/priority/);
  });
});
