/**
 * Submit when the queue does not confirm a job: the key is never released, the job is never
 * marked failed, a 503 carries its id, and a retry with the same key and body ends with that job
 * enqueued. The stores are the in-memory adapters; the queue failures are real ones: a Kafka job
 * queue that is closed, one behind a proxy that freezes the link, a Redis nobody listens on.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryDelayedJobStore, MemoryIdempotencyStore, MemoryJobQueue, MemoryStatusStore } from '../../adapters/memory/index.js';
import { KafkaJobQueue } from '../../adapters/kafka/index.js';
import { RedisStatusStore } from '../../adapters/redis/index.js';
import { decodeJobRecord, submitJob, topicFor, type SubmitJobDeps, type SubmitJobInput } from '../../core/domain/index.js';
import { EnqueueUnconfirmedError } from '../../core/errors/index.js';
import type { JobQueue } from '../../core/ports/index.js';
import { closeAfterEach } from '../support/closers.js';
import { weatherJob } from '../support/http-client.js';
import { deleteKafkaTopicsAndGroups, ownNames } from '../support/kafka-admin.js';
import { API_PRODUCE, startKafkaProxy, type KafkaProxy } from '../support/kafka-proxy.js';
import { freePort } from '../support/processes.js';
import { TEST_KAFKA_BROKERS } from '../support/services.js';
import { testLogger } from '../support/test-logger.js';
import { uniqueName } from '../support/unique.js';
import { waitFor } from '../support/wait-for.js';

const TEMPLATE = 'jobs.%s.v1';
const logger = testLogger();

function memoryDeps(overrides: Partial<SubmitJobDeps> = {}) {
  const counts = { unconfirmed: 0, republished: 0 };
  const deps: SubmitJobDeps = {
    statuses: new MemoryStatusStore(),
    queue: new MemoryJobQueue(),
    delayed: new MemoryDelayedJobStore(),
    idempotency: new MemoryIdempotencyStore(),
    topicTemplate: TEMPLATE,
    now: () => new Date(),
    newId: randomUUID,
    logger,
    replayWaitMs: 300,
    events: { onEnqueueUnconfirmed: () => void counts.unconfirmed++, onRepublished: () => void counts.republished++ },
    ...overrides,
  };
  return { deps, counts };
}

/** A real Kafka job queue that has been closed: every publish rejects at once. */
async function closedKafkaQueue(): Promise<JobQueue> {
  const queue = new KafkaJobQueue({ brokers: TEST_KAFKA_BROKERS, clientId: 'dtq-test', partitions: 1, logger });
  await queue.close();
  return queue;
}

/** Every job message on a memory queue's weather topic. */
async function published(queue: MemoryJobQueue) {
  const topic = topicFor('weather', TEMPLATE);
  const messages = [];
  for (let partition = 0; partition < queue.partitions; partition += 1) {
    const tp = { topic, partition };
    for (let offset = 0; offset < queue.endOffset(tp); offset += 1) {
      const record = (await queue.next(tp, offset, new AbortController().signal))!;
      const decoded = decodeJobRecord(record, TEMPLATE);
      if (!decoded.ok) throw new Error(decoded.reason);
      messages.push(decoded.message);
    }
  }
  return messages;
}

async function unconfirmed(work: Promise<unknown>): Promise<EnqueueUnconfirmedError> {
  const error = await work.then(
    () => {
      throw new Error('submit was accepted');
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(EnqueueUnconfirmedError);
  return error as EnqueueUnconfirmedError;
}

describe('submit on the in-memory stores', () => {
  it('enqueues racing identical submits once and answers every one with that job', async () => {
    const { deps, counts } = memoryDeps({ replayWaitMs: 5_000 });
    const input: SubmitJobInput = { body: weatherJob('Racing'), idempotencyKey: uniqueName('race') };
    const answers = await Promise.all(Array.from({ length: 10 }, () => submitJob(deps, input)));
    expect(new Set(answers.map((a) => a.job_id)).size).toBe(1);
    expect(answers.filter((a) => !a.replayed)).toHaveLength(1);
    expect(answers.filter((a) => a.republished)).toHaveLength(0);
    expect((await published(deps.queue as MemoryJobQueue)).map((m) => m.job_id)).toEqual([answers[0]!.job_id]);
    expect(counts).toEqual({ unconfirmed: 0, republished: 0 });
  });

  it('answers a failed publish 503 with the job id, leaves it queued and the key claimed, and a retry enqueues that job', async () => {
    const { deps, counts } = memoryDeps({ queue: await closedKafkaQueue() });
    const key = uniqueName('key');
    const input: SubmitJobInput = { body: weatherJob('Outage'), idempotencyKey: key, traceId: randomUUID() };

    const error = await unconfirmed(submitJob(deps, input));
    expect(error.code).toBe('SERVICE_UNAVAILABLE');
    const jobId = error.details.job_id as string;
    expect(error.details).toMatchObject({ dependency: 'job queue', job_id: jobId, enqueue: 'unconfirmed' });
    expect(await deps.statuses.get(jobId)).toMatchObject({ state: 'queued', progress_percent: 0, message: expect.stringMatching(/unconfirmed.*Idempotency-Key/) });
    expect(await deps.idempotency.get(key)).toMatchObject({ job_id: jobId, enqueued: false });
    expect(counts.unconfirmed).toBe(1);

    // The queue is back; the client retries with the same key and body, from another trace.
    const queue = new MemoryJobQueue();
    const retried = await submitJob({ ...deps, queue }, { ...input, traceId: randomUUID() });
    expect(retried).toMatchObject({ job_id: jobId, trace_id: input.traceId, replayed: true, republished: true });
    const [message, ...more] = await published(queue);
    expect(more).toEqual([]);
    const original = await deps.idempotency.get(key);
    expect(message).toEqual({
      schema_version: '1.0',
      job_id: jobId,
      job_type: 'weather',
      submitted_at: original!.submitted_at,
      trace_id: input.traceId,
      // The timeout the job runs with, resolved at submit: here the deployment default.
      timeout_ms: 300_000,
      // And its priority: the type's default.
      priority: 'normal',
      payload: weatherJob('Outage').payload,
    });
    expect(original!.enqueued).toBe(true);
    expect(await deps.statuses.get(jobId)).toMatchObject({ state: 'queued', message: 'queued' });
    expect(counts.republished).toBe(1);

    // Confirmed now: a further retry is a plain replay and publishes nothing.
    expect(await submitJob({ ...deps, queue }, input)).toMatchObject({ job_id: jobId, replayed: true, republished: false });
    expect(await published(queue)).toHaveLength(1);
  });

  it('without a key, answers a failed publish 503 with the job id and leaves the job queued, not failed', async () => {
    const { deps } = memoryDeps({ queue: await closedKafkaQueue() });
    const error = await unconfirmed(submitJob(deps, { body: weatherJob('Keyless') }));
    expect(await deps.statuses.get(error.details.job_id as string)).toMatchObject({ state: 'queued', message: 'queued; enqueue unconfirmed' });
  });

  it('finishes a submit whose status could not be written: the retry writes it and enqueues the claimed job', async () => {
    const deadRedis = `redis://127.0.0.1:${await freePort()}`;
    const statuses = new RedisStatusStore({ redis: deadRedis, logger });
    const { deps } = memoryDeps({ statuses });
    try {
      const key = uniqueName('key');
      const input: SubmitJobInput = { body: weatherJob('No Redis'), idempotencyKey: key };
      await expect(submitJob(deps, input)).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE', dependency: 'redis' });
      expect(await published(deps.queue as MemoryJobQueue)).toEqual([]);
      const claimed = await deps.idempotency.get(key);
      expect(claimed).toMatchObject({ enqueued: false });

      const working = { ...deps, statuses: new MemoryStatusStore() };
      expect(await submitJob(working, input)).toMatchObject({ job_id: claimed!.job_id, republished: true });
      expect(await working.statuses.get(claimed!.job_id)).toMatchObject({ state: 'queued', submitted_at: claimed!.submitted_at });
      expect((await published(deps.queue as MemoryJobQueue)).map((m) => m.job_id)).toEqual([claimed!.job_id]);
    } finally {
      await statuses.close();
    }
  });
});

describe('submit on Kafka behind a link that stalls', () => {
  const onCleanup = closeAfterEach();
  const prefix = 'dtq-submit-stall';
  let proxy: KafkaProxy;
  let queue: KafkaJobQueue;
  let template: string;

  beforeAll(async () => {
    proxy = await startKafkaProxy(TEST_KAFKA_BROKERS[0]!);
    queue = new KafkaJobQueue({ brokers: proxy.brokers, clientId: 'dtq-test', partitions: 1, logger });
    template = `${uniqueName(prefix)}.%s.v1`;
    // The topic exists and the producer is connected, so a later publish is one Produce request.
    await queue.publish({ topic: topicFor('weather', template), key: null, value: Buffer.from('{}'), headers: {} });
  });
  afterAll(async () => {
    proxy.restore();
    await queue.close();
    await proxy.close();
    await deleteKafkaTopicsAndGroups(TEST_KAFKA_BROKERS, ownNames(prefix));
  });

  const kafkaDeps = (overrides: Partial<SubmitJobDeps> = {}) => memoryDeps({ queue, topicTemplate: template, ...overrides });
  const frozen = () => {
    proxy.freeze();
    onCleanup(async () => proxy.restore());
  };

  it('marks the key enqueued when the acknowledgement comes after submit answered 503, so a retry publishes nothing', async () => {
    const { deps, counts } = kafkaDeps({ publishTimeoutMs: 500 });
    const key = uniqueName('key');
    const input: SubmitJobInput = { body: weatherJob('Late'), idempotencyKey: key };
    frozen();
    const error = await unconfirmed(submitJob(deps, input));
    expect(proxy.heldRequests(API_PRODUCE)).toBe(1);
    expect(await deps.idempotency.get(key)).toMatchObject({ enqueued: false });

    proxy.restore();
    await waitFor(async () => ((await deps.idempotency.get(key))?.enqueued ? true : undefined), { timeoutMs: 10_000, what: 'the late acknowledgement to mark the key' });
    expect(await submitJob(deps, input)).toMatchObject({ job_id: error.details.job_id, replayed: true, republished: false });
    expect(counts).toEqual({ unconfirmed: 1, republished: 0 });
  });

  it('has a retry wait for a first request that is still publishing, instead of publishing again', async () => {
    const { deps, counts } = kafkaDeps({ publishTimeoutMs: 5_000, replayWaitMs: 6_000 });
    const input: SubmitJobInput = { body: weatherJob('Slow'), idempotencyKey: uniqueName('key') };
    frozen();
    const first = submitJob(deps, input);
    await waitFor(() => (proxy.heldRequests(API_PRODUCE) === 1 ? true : undefined), { what: 'the first publish to be held' });
    const retry = submitJob(deps, input);
    await new Promise((resolve) => setTimeout(resolve, 300));
    proxy.restore();
    const [answered, replayed] = await Promise.all([first, retry]);
    expect(answered).toMatchObject({ replayed: false });
    expect(replayed).toMatchObject({ job_id: answered.job_id, replayed: true, republished: false });
    expect(counts).toEqual({ unconfirmed: 0, republished: 0 });
  });
});
