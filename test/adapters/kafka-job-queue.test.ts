/**
 * What the Kafka job queue does beyond the port's conformance suite: topic creation, consumer
 * lag, crash events, kafkajs logs in our logger, a consumer that outlives its broker, credentials
 * kept out of logs and errors. On real brokers: the shared one the tests use (KAFKA_BROKERS) with
 * topics and groups of this run's own, and a private one (test/support/kafka-broker.ts) where a
 * test stops the broker or needs a SASL listener.
 */
import { Writable } from 'node:stream';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaJobQueue, type KafkaJobQueueOptions } from '../../adapters/kafka/index.js';
import { DependencyUnavailableError } from '../../core/errors/index.js';
import type { DeliveredRecord } from '../../core/ports/index.js';
import { createLogger } from '../../telemetry/index.js';
import { closeAfterEach } from '../support/closers.js';
import { deleteKafkaTopicsAndGroups, ownNames } from '../support/kafka-admin.js';
import { startPrivateKafkaBroker, type PrivateKafkaBroker } from '../support/kafka-broker.js';
import { FAST_KAFKA_GROUP } from '../support/kafka-timings.js';
import { TEST_KAFKA_BROKERS } from '../support/services.js';
import { testLogger } from '../support/test-logger.js';
import { uniqueName } from '../support/unique.js';
import { deferred, waitFor } from '../support/wait-for.js';

/** Few, short kafkajs retries, so a missing broker is noticed quickly. */
const QUICK_RETRY = { retries: 2, initialRetryTimeMs: 50, maxRetryTimeMs: 200 };

/** The one user the private broker's SASL PLAIN listener knows. */
const SASL_USER = { username: 'dtq-sasl-user', password: 'correct-sasl-secret-7f3a' };

/** A real pino logger whose JSON lines are kept in memory. */
function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { logger: createLogger({ service: 'test', level: 'debug', destination }), lines, raw };
}

describe('Kafka job queue', () => {
  let admin: ReturnType<Kafka['admin']>;
  let privateBroker: PrivateKafkaBroker | undefined;
  const onCleanup = closeAfterEach();

  beforeAll(async () => {
    admin = new Kafka({ clientId: 'dtq-test-admin', brokers: TEST_KAFKA_BROKERS, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
  });
  afterAll(async () => {
    await deleteKafkaTopicsAndGroups(TEST_KAFKA_BROKERS, ownNames('jobs.fresh', 'jobs.existing', 'jobs.burst', 'jobs.on-publish', 'jobs.lag', 'jobs.logs', 'jobs.dlq', 'group'));
    await admin?.disconnect();
    await privateBroker?.close();
  });

  /** One private broker for the tests that stop it or need SASL, started on first use. */
  async function ownBroker(): Promise<PrivateKafkaBroker> {
    privateBroker ??= await startPrivateKafkaBroker({ saslUser: SASL_USER });
    return privateBroker;
  }

  function queue(options: Partial<KafkaJobQueueOptions> = {}): KafkaJobQueue {
    const q = new KafkaJobQueue({
      brokers: TEST_KAFKA_BROKERS,
      clientId: 'dtq-test',
      partitions: 3,
      logger: testLogger(),
      consumerTuning: FAST_KAFKA_GROUP,
      handlerRetryBackoff: { initialMs: 10, maxMs: 50 },
      ...options,
    });
    onCleanup(() => q.close());
    return q;
  }

  async function partitionsOf(topic: string): Promise<number> {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    return topics[0]!.partitions.length;
  }

  it('creates missing topics with the configured partitions and leaves existing ones alone', async () => {
    const fresh = uniqueName('jobs.fresh');
    const existing = uniqueName('jobs.existing');
    await admin.createTopics({ topics: [{ topic: existing, numPartitions: 1 }] });
    const q = queue({ partitions: 4 });
    await q.ensureTopics([fresh, existing, fresh]);
    await q.ensureTopics([fresh, existing]);
    expect(await partitionsOf(fresh)).toBe(4);
    expect(await partitionsOf(existing)).toBe(1);

    // A publish makes its topic exist first (the broker's auto-creation is never used).
    const publishedTo = uniqueName('jobs.on-publish');
    await q.publish({ topic: publishedTo, key: 'k', value: Buffer.from('v'), headers: {} });
    expect(await partitionsOf(publishedTo)).toBe(4);
  });

  it('publishes a burst made at once, small records and ones near the broker limit over two topics, every record once', { timeout: 60_000 }, async () => {
    const topics = [uniqueName('jobs.burst'), uniqueName('jobs.burst')];
    const q = queue();
    // Three 700 KB records: together past the broker's 1 MB record-batch limit, so they must not share a batch.
    const big = Buffer.alloc(700 * 1024, 'x');
    const records = Array.from({ length: 203 }, (_, i) => ({
      topic: topics[i % 2]!,
      key: `k${i}`,
      value: i % 70 === 0 ? Buffer.concat([Buffer.from(`${i}:`), big]) : Buffer.from(`${i}:small`),
      headers: { n: String(i) },
    }));
    await Promise.all(records.map((record) => q.publish(record)));
    await expectReadOnce(topics, records.length);
  });

  it('publishes many records in one call (publishMany), split only where together they pass the request bound, every record once', { timeout: 60_000 }, async () => {
    const topics = [uniqueName('jobs.burst'), uniqueName('jobs.burst')];
    const q = queue();
    // A thousand job-sized records, and two of 500 KB: together past one request's bound, so publishMany splits them.
    const big = Buffer.alloc(500 * 1024, 'x');
    const records = Array.from({ length: 1_002 }, (_, i) => ({
      topic: topics[i % 2]!,
      key: `k${i}`,
      value: i % 500 === 1 ? Buffer.concat([Buffer.from(`${i}:`), big]) : Buffer.from(`${i}:small job record`),
      headers: { n: String(i) },
    }));
    await q.publishMany(records);
    await expectReadOnce(topics, records.length);
  });

  /** Reads the topics from the beginning until `count` records came, and checks each came once with its own value. */
  async function expectReadOnce(topics: string[], count: number): Promise<void> {
    const seen = new Map<string, number>();
    const mismatched: string[] = [];
    const consumer = new Kafka({ clientId: 'dtq-test-reader', brokers: TEST_KAFKA_BROKERS, logLevel: logLevel.NOTHING }).consumer({
      groupId: uniqueName('group'),
      sessionTimeout: FAST_KAFKA_GROUP.sessionTimeoutMs,
      heartbeatInterval: FAST_KAFKA_GROUP.heartbeatIntervalMs,
      maxWaitTimeInMs: FAST_KAFKA_GROUP.maxWaitTimeMs,
    });
    onCleanup(() => consumer.disconnect());
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const key = message.key!.toString();
        seen.set(key, (seen.get(key) ?? 0) + 1);
        const n = key.slice(1);
        if (message.value!.subarray(0, n.length + 1).toString() !== `${n}:`) mismatched.push(key);
      },
    });
    await waitFor(() => (seen.size === count ? true : undefined), { timeoutMs: 45_000, what: `all ${count} records read back` });
    expect([...seen.values()].every((times) => times === 1)).toBe(true);
    expect(mismatched).toEqual([]);
  }

  it('reads the group\'s lag of every partition from the cluster, owned or not, down to 0 once processed', async () => {
    const q = queue();
    const topic = uniqueName('jobs.lag');
    await q.ensureTopics([topic]);
    for (let i = 0; i < 12; i++) await q.publish({ topic, key: 'one-key', value: Buffer.from(String(i)), headers: {} });
    const gate = deferred<void>();
    const firstStarted = deferred<DeliveredRecord>();
    let processed = 0;
    const consumer = q.createConsumer({
      groupId: uniqueName('group'),
      topics: [topic],
      concurrency: 2,
      deadLetterTopic: uniqueName('jobs.dlq'),
      handler: async (record) => {
        firstStarted.resolve(record);
        await gate.promise;
        processed += 1;
        return { kind: 'done' };
      },
    });
    onCleanup(() => consumer.close({ drainTimeoutMs: 0 }));
    // Before it joins, the member owns nothing, yet the group's backlog shows.
    const beforeJoin = await consumer.lag!();
    expect(beforeJoin.every((l) => !l.owned) && beforeJoin.reduce((sum, l) => sum + l.lag, 0)).toBe(12);
    await consumer.start();
    const { partition } = await firstStarted.promise;
    const waiting = await consumer.lag!();
    expect(waiting.sort((a, b) => a.partition - b.partition)).toEqual(
      [0, 1, 2].map((p) => ({ topic, partition: p, lag: p === partition ? 12 : 0, owned: true })),
    );
    gate.resolve();
    await waitFor(async () => (processed === 12 && (await consumer.lag!()).every((l) => l.lag === 0) ? true : undefined), {
      what: '12 records processed and no lag',
    });
  });

  it('routes kafkajs logs into the structured logger', async () => {
    const { logger, lines } = capturingLogger();
    const q = queue({ logger });
    const topic = uniqueName('jobs.logs');
    const consumer = q.createConsumer({
      groupId: uniqueName('group'),
      topics: [topic],
      concurrency: 1,
      deadLetterTopic: uniqueName('jobs.dlq'),
      handler: async () => ({ kind: 'done' }),
    });
    onCleanup(() => consumer.close({ drainTimeoutMs: 0 }));
    await consumer.start();
    const kafkajsLines = lines.filter((l) => l.component === 'kafkajs');
    expect(kafkajsLines.length).toBeGreaterThan(0);
    expect(kafkajsLines.some((l) => l.kafkajs_namespace === 'ConsumerGroup' && l.level === 'info')).toBe(true);
  });

  it('publishes over SASL PLAIN with the right credentials', { timeout: 180_000 }, async () => {
    const broker = await ownBroker();
    const q = queue({ brokers: broker.saslBrokers!, sasl: { mechanism: 'plain', ...SASL_USER } });
    const topic = uniqueName('jobs.sasl-ok');
    await q.publish({ topic, key: 'k', value: Buffer.from('v'), headers: {} });
    const reader = new Kafka({ clientId: 'dtq-test-sasl-reader', brokers: broker.brokers, logLevel: logLevel.NOTHING }).admin();
    await reader.connect();
    try {
      const [partition] = (await reader.fetchTopicOffsets(topic)).filter((p) => p.high !== '0');
      expect(partition).toMatchObject({ high: '1' });
    } finally {
      await reader.disconnect();
    }
  });

  it('rejects a publish the broker refuses to authenticate with a typed error, and keeps credentials out of errors and logs', { timeout: 180_000 }, async () => {
    const broker = await ownBroker();
    const { logger, raw } = capturingLogger();
    const q = queue({ brokers: broker.saslBrokers!, logger, retry: QUICK_RETRY, sasl: { mechanism: 'plain', username: SASL_USER.username, password: 'hunter2-sasl-secret' } });
    const failure = await q.publish({ topic: uniqueName('jobs.sasl'), key: 'k', value: Buffer.from('v'), headers: {} }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(DependencyUnavailableError);
    expect((failure as Error).message).toMatch(/^kafka is unavailable/);
    // The broker's own refusal (SaslAuthenticate answered with SASL_AUTHENTICATION_FAILED).
    expect((failure as Error).message).toMatch(/SASL PLAIN authentication failed|Authentication failed/i);
    expect((failure as Error).message).not.toContain('hunter2-sasl-secret');
    expect(raw.length).toBeGreaterThan(0);
    expect(raw.join('\n')).not.toContain('hunter2-sasl-secret');
  });

  // The first group on the private broker: a fresh broker's coordinator answers "loading" at
  // first, and start() must wait that out instead of failing.
  it('survives its broker going away: reports the crash, then rejoins and consumes once it is back', { timeout: 240_000 }, async () => {
    const broker = await ownBroker();
    const { logger, lines } = capturingLogger();
    const q = queue({ brokers: broker.brokers, partitions: 1, logger, retry: QUICK_RETRY });
    const topic = uniqueName('jobs.crash');
    const groupId = uniqueName('group');
    const seen: DeliveredRecord[] = [];
    const crashes: Array<{ error: unknown; restarting: boolean }> = [];
    const consumer = q.createConsumer({
      groupId,
      topics: [topic],
      concurrency: 1,
      deadLetterTopic: uniqueName('jobs.dlq'),
      handler: async (record) => {
        seen.push(record);
        return { kind: 'done' };
      },
      events: { onCrash: (error, restarting) => void crashes.push({ error, restarting }) },
    });
    onCleanup(() => consumer.close({ drainTimeoutMs: 0 }));
    await consumer.start();
    expect(consumer.ready()).toBe(true);
    await q.publish({ topic, key: 'before', value: Buffer.from('before the restart'), headers: {} });
    const privateAdmin = new Kafka({ clientId: 'dtq-test-offsets', brokers: broker.brokers, logLevel: logLevel.NOTHING }).admin();
    await privateAdmin.connect();
    try {
      await waitFor(
        async () => {
          const [offsets] = await privateAdmin.fetchOffsets({ groupId, topics: [topic] });
          return offsets?.partitions[0]?.offset === '1' ? true : undefined;
        },
        { what: 'the record before the restart committed' },
      );
    } finally {
      await privateAdmin.disconnect();
    }

    const crashesBefore = crashes.length;
    await broker.stop();
    await waitFor(() => (crashes.length > crashesBefore ? true : undefined), { what: 'a crash report', timeoutMs: 60_000 });
    expect(crashes.at(-1)!.restarting).toBe(true);
    expect(consumer.ready()).toBe(false);
    expect(lines.some((l) => l.msg === 'consumer crashed; restarting it' && l.level === 'error')).toBe(true);

    // The same address again, with its state: the member rejoins and goes on from its commits.
    await broker.start();
    await waitFor(() => (consumer.ready() ? true : undefined), { what: 'the member to rejoin', timeoutMs: 90_000 });
    await q.publish({ topic, key: 'after', value: Buffer.from('after the restart'), headers: {} });
    await waitFor(() => (seen.some((r) => r.value.toString() === 'after the restart') ? true : undefined), { what: 'the record after the restart', timeoutMs: 60_000 });
    expect(seen.filter((r) => r.value.toString() === 'before the restart')).toHaveLength(1);
  });
});
