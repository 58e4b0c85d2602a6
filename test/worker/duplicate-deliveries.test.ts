/**
 * One job delivered several times at once runs its provider once. Four copies of one quote job
 * sit on one partition before the worker starts (a record published again, a redelivery): the
 * worker fetches them in one batch, and its provider (a local stub of Quotable, counting calls)
 * must be called once, the other copies finding the result. On the real servers, with topics,
 * group, keys and database of the test's own.
 */
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

  it('calls its provider once: copies of a running job wait for it, then find its result', { timeout: 120_000 }, async () => {
    const run: ServicesMode = servicesMode('dup-deliveries');
    closers.push(() => run.cleanup());
    await stub.start();
    closers.push(() => stub.stop());
    // Every provider call waits here, so the copies are all in hand while the first one runs.
    const answer = deferred<void>();
    let calls = 0;
    stub.routes.set('/quotes/random', async () => {
      calls += 1;
      await answer.promise;
      return { status: 200, body: QUOTE };
    });

    const message = quoteMessage();
    const topic = run.env.KAFKA_TOPIC_TEMPLATE!.replace('%s', 'quote');
    const producer = new KafkaJobQueue({ brokers: run.env.KAFKA_BROKERS!.split(','), clientId: 'dtq-test', partitions: 3, logger: testLogger() });
    for (let copy = 0; copy < 4; copy++) {
      await producer.publish({ topic, key: message.job_id, value: Buffer.from(JSON.stringify(message)), headers: { ...JOB_MESSAGE_HEADERS } });
    }
    await producer.close();

    // Job types read their own settings from the environment.
    process.env.QUOTABLE_URL = stub.url;
    closers.push(async () => void delete process.env.QUOTABLE_URL);
    const app = await startEmbeddedApp({ ...run.env, PROVIDER_MODE: 'http', PROVIDER_TIMEOUT_MS: '60000', WORKER_CONCURRENCY: '8' });
    closers.push(() => app.close());
    // Either the copies ran side by side (four calls), or three wait for the one running.
    await waitFor(async () => (calls === 4 || (calls === 1 && (await metric(app, 'dtq_worker_duplicates_waiting')) === 3) ? true : undefined), {
      what: 'four provider calls, or one call and three copies waiting',
      timeoutMs: 60_000,
    });
    answer.resolve();

    await waitFor(async () => ((await metric(app, 'dtq_worker_jobs_processed_total')) === 4 ? true : undefined), { what: 'all four copies handled', timeoutMs: 30_000 });
    expect(await app.adapters.results.get(message.job_id)).toMatchObject({ final_state: 'completed', output: { author: 'Aristotle' } });
    expect(calls).toBe(1);
    expect(await metric(app, 'dtq_worker_jobs_processed_total', { outcome: 'already_done' })).toBe(3);
    expect(await metric(app, 'dtq_worker_duplicates_waiting')).toBe(0);
    // Each copy's offset is committed after its outcome: nothing is left for the group.
    await waitFor(async () => ((await metric(app, 'dtq_worker_consumer_lag', { topic })) === 0 ? true : undefined), { what: 'every copy committed' });
  });
});
