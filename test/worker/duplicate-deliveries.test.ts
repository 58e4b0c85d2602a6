/**
 * One job delivered several times at once runs its provider once. Four copies of one quote job
 * sit on one partition before the worker starts (a record published again, a redelivery): the
 * worker fetches them in one batch, and its provider (a local stub of Quotable, counting calls)
 * must be called once, the other copies finding the result. On the real servers, with topics,
 * group, keys and database of the test's own. Across workers the same holds: a worker whose copy
 * finds the job running in another waits for it (the job's lease in Redis).
 */
import { Kafka, logLevel } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { KafkaJobQueue } from '../../adapters/kafka/index.js';
import { JOB_MESSAGE_HEADERS } from '../../contracts/index.js';
import { quoteMessage } from '../support/dead-letters.js';
import { startEmbeddedApp, type EmbeddedApp } from '../support/embedded-app.js';
import { ProviderStub } from '../support/provider-stub.js';
import { servicesMode, type ServicesMode } from '../support/services-mode.js';
import { testLogger } from '../support/test-logger.js';
import { deferred, waitFor } from '../support/wait-for.js';

const QUOTE = [{ _id: 'q1', content: 'Well begun is half done.', author: 'Aristotle', tags: ['wisdom'], length: 24 }];

/** A sample of a worker metric (summed over label sets that match), 0 when absent. */
async function metric(app: EmbeddedApp, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await app.worker.metrics.registry.metrics();
  let sum = 0;
  for (const match of text.matchAll(new RegExp(`^${name}(?:\\{([^}]*)\\})? (\\S+)$`, 'gm'))) {
    if (Object.entries(labels).every(([k, v]) => (match[1] ?? '').includes(`${k}="${v}"`))) sum += Number(match[2]);
  }
  return sum;
}

describe('a job delivered several times at once', () => {
  const stub = new ProviderStub();
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  });

  /**
   * A run of the test's own with one quote job, and a Quotable stub that counts its calls and
   * holds every answer until `answer` resolves, so all copies are in hand while the first runs.
   */
  async function heldProvider(name: string) {
    const run: ServicesMode = servicesMode(name);
    closers.push(() => run.cleanup());
    await stub.start();
    closers.push(() => stub.stop());
    const answer = deferred<void>();
    const counted = { calls: 0 };
    stub.routes.set('/quotes/random', async () => {
      counted.calls += 1;
      await answer.promise;
      return { status: 200, body: QUOTE };
    });
    // Job types read their own settings from the environment.
    process.env.QUOTABLE_URL = stub.url;
    closers.push(async () => void delete process.env.QUOTABLE_URL);
    const env = { ...run.env, PROVIDER_MODE: 'http', PROVIDER_TIMEOUT_MS: '60000', WORKER_CONCURRENCY: '8' };
    const record = { message: quoteMessage(), topic: run.env.KAFKA_TOPIC_TEMPLATE!.replace('%s', 'quote'), brokers: run.env.KAFKA_BROKERS!.split(',') };
    return { env, answer, counted, ...record };
  }

  it('calls its provider once: copies of a running job wait for it, then find its result', { timeout: 120_000 }, async () => {
    const { env, answer, counted, message, topic, brokers } = await heldProvider('dup-deliveries');
    const producer = new KafkaJobQueue({ brokers, clientId: 'dtq-test', partitions: 3, logger: testLogger() });
    for (let copy = 0; copy < 4; copy++) {
      await producer.publish({ topic, key: message.job_id, value: Buffer.from(JSON.stringify(message)), headers: { ...JOB_MESSAGE_HEADERS } });
    }
    await producer.close();

    const app = await startEmbeddedApp(env);
    closers.push(() => app.close());
    // Either the copies ran side by side (four calls), or three wait for the one running. (A
    // producer retry can write a copy more: more copies only make the case stronger.)
    await waitFor(async () => (counted.calls >= 4 || (counted.calls === 1 && (await metric(app, 'dtq_worker_duplicates_waiting')) >= 3) ? true : undefined), {
      what: 'four provider calls, or one call and three copies waiting',
      timeoutMs: 60_000,
    });
    answer.resolve();

    // Each copy's offset is committed after its outcome: nothing is left for the group.
    await waitFor(async () => ((await metric(app, 'dtq_worker_consumer_lag', { topic })) === 0 && app.worker.inFlight() === 0 ? true : undefined), {
      what: 'every copy handled and committed',
      timeoutMs: 30_000,
    });
    expect(await app.adapters.results.get(message.job_id)).toMatchObject({ final_state: 'completed', output: { author: 'Aristotle' } });
    expect(counted.calls).toBe(1);
    const copies = await metric(app, 'dtq_worker_jobs_processed_total');
    expect(copies).toBeGreaterThanOrEqual(4);
    expect(await metric(app, 'dtq_worker_jobs_processed_total', { outcome: 'already_done' })).toBe(copies - 1);
    expect(await metric(app, 'dtq_worker_duplicates_waiting')).toBe(0);
  });

  it('runs its provider once across workers: a copy whose job runs in another worker waits for that worker', { timeout: 120_000 }, async () => {
    const { env, answer, counted, message, topic, brokers } = await heldProvider('dup-two-workers');

    // A copy on every partition (two on the first), whichever worker ends up owning which.
    const queue = new KafkaJobQueue({ brokers, clientId: 'dtq-test', partitions: 3, logger: testLogger() });
    await queue.ensureTopics([topic]);
    await queue.close();
    const producer = new Kafka({ clientId: 'dtq-test', brokers, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    const value = JSON.stringify(message);
    await producer.send({ topic, acks: -1, messages: [0, 1, 2, 0].map((partition) => ({ partition, key: message.job_id, value, headers: { ...JOB_MESSAGE_HEADERS } })) });
    await producer.disconnect();

    // The first worker owns every partition: it runs one copy and holds the three others.
    const first = await startEmbeddedApp(env);
    closers.push(() => first.close());
    await waitFor(async () => (counted.calls === 1 && (await metric(first, 'dtq_worker_duplicates_waiting', { running_in: 'this_worker' })) >= 3 ? true : undefined), {
      what: 'one provider call and three copies waiting in the first worker',
      timeoutMs: 60_000,
    });
    // A second worker joins and gets some partitions, from their start (nothing is committed yet).
    const second = await startEmbeddedApp(env);
    closers.push(() => second.close());
    await waitFor(async () => (counted.calls > 1 || (await metric(second, 'dtq_worker_duplicates_waiting', { running_in: 'other_worker' })) >= 1 ? true : undefined), {
      what: 'the second worker calling the provider again, or waiting for the first',
      timeoutMs: 60_000,
    });
    answer.resolve();

    await waitFor(async () => ((await first.adapters.results.get(message.job_id)) ? true : undefined), { what: 'the result', timeoutMs: 30_000 });
    // Every copy reaches its outcome and is committed, wherever it ended up.
    await waitFor(async () => ((await metric(second, 'dtq_worker_consumer_lag', { topic })) === 0 ? true : undefined), { what: 'every copy committed', timeoutMs: 30_000 });
    expect(counted.calls).toBe(1);
    expect(await first.adapters.results.get(message.job_id)).toMatchObject({ final_state: 'completed' });
  });
});
