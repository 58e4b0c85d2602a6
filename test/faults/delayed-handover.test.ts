/**
 * The delayed-job hand-over when its process dies or loses Kafka at the due moment, on the real
 * servers: API and workers are built processes (test/support/job-stack.ts) with topics, group,
 * Redis prefix and MongoDB database of this run's own. The worker doing the hand-over reaches
 * Kafka through a proxy of its own (test/support/kafka-proxy.ts), so its publishes can be held
 * or refused while everything else keeps using the broker.
 *
 * - SIGKILL: the proxy is frozen before the jobs are due; the worker takes them (one batch) and
 *   its publishes wait in the proxy; it is killed there, the held requests are let through, and a
 *   second worker (direct to Kafka) finds the claims lapsed and hands the jobs over again.
 * - Kafka cut: the proxy refuses the worker's connections at the due moment; once it is restored
 *   the same worker hands the jobs over.
 * - Redis cut: the worker reaches Redis through a fault proxy (testkit/) cut before the jobs are
 *   due; it hands them over, and they run once Redis is back.
 * - Two workers polling fast on the same due jobs: each job is handed over by one of them.
 * Every job ends completed with one result, run once (one "job running" line per job).
 */
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, weatherJob } from '../support/http-client.js';
import { API_PRODUCE, startKafkaProxy, type KafkaProxy } from '../support/kafka-proxy.js';
import { startJobStack, type JobStack, type StackWorker } from '../support/job-stack.js';
import { TEST_KAFKA_BROKERS, TEST_MONGODB_URI, TEST_REDIS_URL } from '../support/services.js';
import { startFaultProxy, type FaultProxy } from '../../testkit/fault-proxy.js';
import { waitFor } from '../support/wait-for.js';

const JOBS = 20;
/** Far enough ahead that every submit is in before the jobs are due, even on a busy machine. */
const DELAY_MS = 4_000;

describe('delayed jobs: the hand-over killed, or cut from Kafka, at the due moment', () => {
  let stack: JobStack;
  let proxy: KafkaProxy;
  let redisProxy: FaultProxy;
  const mongo = new MongoClient(TEST_MONGODB_URI);

  beforeAll(async () => {
    proxy = await startKafkaProxy(TEST_KAFKA_BROKERS[0]!);
    const redis = new URL(TEST_REDIS_URL);
    redisProxy = await startFaultProxy({ host: redis.hostname, port: Number(redis.port || 6379) });
    stack = await startJobStack({ name: 'delayed', partitions: 2, providerDelayMs: 0, sessionTimeoutMs: 10_000 });
  }, 120_000);

  afterAll(async () => {
    proxy?.restore();
    redisProxy?.restore();
    await stack?.close();
    await proxy?.close();
    await redisProxy?.close();
    await mongo.close();
  });

  const submitted: string[] = [];
  const held = () => mongo.db(stack.database).collection('delayed_jobs');

  async function submitDelayed(label: string, count = JOBS, delayMs = DELAY_MS): Promise<string[]> {
    const responses = await Promise.all(Array.from({ length: count }, (_, i) => postJson(`${stack.apiBase}/v1/jobs`, { ...weatherJob(`${label} ${i}`), delay_ms: delayMs })));
    const refused = responses.filter((r) => r.status !== 202);
    if (refused.length > 0) throw new Error(`${refused.length} delayed submits refused: ${JSON.stringify(refused[0]!.body)}`);
    const ids = responses.map((r) => r.body.job_id as string);
    // The stack's check wants every job of the run, of both tests.
    submitted.push(...ids);
    return ids;
  }

  /** Each job run once across the workers, by their "job running" lines. */
  function expectRunOnce(ids: string[], workers: StackWorker[]): void {
    const runs = new Map<string, number>();
    for (const worker of workers) {
      for (const line of worker.process.lines) {
        const entry = safeJson(line);
        if (entry?.msg === 'job running' && typeof entry.job_id === 'string') runs.set(entry.job_id, (runs.get(entry.job_id) ?? 0) + 1);
      }
    }
    expect(ids.map((id) => runs.get(id) ?? 0)).toEqual(ids.map(() => 1));
  }

  /** How many times each job was handed over to Kafka across the workers, by their log lines. */
  function handOvers(ids: string[], workers: StackWorker[]): number[] {
    const counts = new Map<string, number>();
    for (const worker of workers) {
      for (const line of worker.process.lines) {
        const entry = safeJson(line);
        if (entry?.msg === 'delayed job handed over to the queue' && typeof entry.job_id === 'string') counts.set(entry.job_id, (counts.get(entry.job_id) ?? 0) + 1);
      }
    }
    return ids.map((id) => counts.get(id) ?? 0);
  }

  it('SIGKILL of the worker handing jobs over, its publishes in flight: none lost, none run twice', { timeout: 240_000 }, async () => {
    const first = await stack.startWorker('handover-killed', { KAFKA_BROKERS: proxy.brokers.join(',') });
    // One delayed job through first: its producer is connected and knows the topic, so the
    // publishes below are Produce requests the proxy holds.
    await submitDelayed('Warm-up', 1, 500);
    await stack.expectAllCompletedOnce(submitted, 60_000);
    const ids = await submitDelayed('Killed');
    proxy.freeze();
    await waitFor(
      () => (proxy.heldRequests(API_PRODUCE) > 0 ? true : undefined),
      { timeoutMs: 60_000, intervalMs: 50, what: 'the first worker to hand the jobs over, its publishes held' },
    ).catch((error: unknown) => {
      proxy.restore();
      throw error;
    });
    await first.process.stop('SIGKILL');
    // What it had sent reaches the broker now, or never: either way no claim of it is marked.
    proxy.restore();
    const second = await stack.startWorker('handover-after');
    try {
      await stack.expectAllCompletedOnce(submitted, 120_000);
      expectRunOnce(ids, [first, second]);
      expect(await held().countDocuments({ _id: { $in: ids as never[] } })).toBe(0);
    } finally {
      // The next test's jobs must reach Kafka through the proxy only.
      await second.process.stop('SIGTERM');
    }
  });

  it('Kafka cut from the hand-over at the due moment: the jobs run once it is back', { timeout: 240_000 }, async () => {
    const worker = await stack.startWorker('handover-cut', { KAFKA_BROKERS: proxy.brokers.join(',') });
    try {
      const ids = await submitDelayed('Cut');
      proxy.cut();
      await waitFor(() => (worker.process.lines.some((line) => line.includes('could not hand a due delayed job over')) ? true : undefined), {
        timeoutMs: 60_000,
        intervalMs: 100,
        what: 'the hand-over to fail while Kafka is cut',
      });
      expect(await stack.resultCounts(ids).then((counts) => [...counts.values()].every((n) => n === 0))).toBe(true);
      proxy.restore();
      await stack.expectAllCompletedOnce(submitted, 120_000);
      expectRunOnce(ids, [worker]);
      expect(await held().countDocuments({ _id: { $in: ids as never[] } })).toBe(0);
    } finally {
      proxy.restore();
      await worker.process.stop('SIGTERM');
    }
  });

  it('Redis cut from the worker at the due moment: the jobs run once it is back', { timeout: 240_000 }, async () => {
    const worker = await stack.startWorker('redis-cut', { REDIS_URL: `redis://127.0.0.1:${redisProxy.port}` });
    try {
      const ids = await submitDelayed('RedisCut');
      redisProxy.cut();
      // Kafka and MongoDB are there: the hand-over goes on, and the jobs wait for Redis in the worker.
      await waitFor(() => (handOvers(ids, [worker]).every((n) => n >= 1) ? true : undefined), {
        timeoutMs: 60_000,
        intervalMs: 100,
        what: 'every job handed over while Redis is cut',
      });
      redisProxy.restore();
      await stack.expectAllCompletedOnce(submitted, 120_000);
      expectRunOnce(ids, [worker]);
      expect(handOvers(ids, [worker])).toEqual(ids.map(() => 1));
    } finally {
      redisProxy.restore();
      await worker.process.stop('SIGTERM');
    }
  });

  it('two workers claiming the same due jobs: each job is handed over once', { timeout: 240_000 }, async () => {
    // Both look for due jobs every 20 ms, so their claims meet on the same jobs.
    const fast = { DELAYED_POLL_MS: '20' };
    const a = await stack.startWorker('two-a', fast);
    const b = await stack.startWorker('two-b', fast);
    try {
      const ids: string[] = [];
      // Rounds of jobs due a moment apart: each moment is one race between the two.
      for (let round = 0; round < 5; round++) ids.push(...(await submitDelayed(`Two ${round}`, 40, DELAY_MS + round * 300)));
      await stack.expectAllCompletedOnce(submitted, 120_000);
      expect(handOvers(ids, [a, b])).toEqual(ids.map(() => 1));
      expectRunOnce(ids, [a, b]);
    } finally {
      await Promise.all([a.process.stop('SIGTERM'), b.process.stop('SIGTERM')]);
    }
  });
});

function safeJson(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
