/**
 * What the Kafka job queue does beyond the port's conformance suite: topic creation, consumer
 * lag, crash events, kafkajs logs in our logger, a consumer that outlives its broker, credentials
 * kept out of logs and errors. Against the Kafka emulator (a test fixture).
 */
import { Writable } from 'node:stream';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaJobQueue, type KafkaJobQueueOptions } from '../../adapters/kafka/index.js';
import { DependencyUnavailableError } from '../../core/errors/index.js';
import type { DeliveredRecord } from '../../core/ports/index.js';
import { startKafkaEmulator, type KafkaEmulator } from '../../scripts/emulators/kafka/index.js';
import { createLogger } from '../../telemetry/index.js';
import { closeAfterEach } from '../support/closers.js';
import { FAST_KAFKA_GROUP } from '../support/kafka-timings.js';
import { testLogger } from '../support/test-logger.js';
import { uniqueName } from '../support/unique.js';
import { deferred, waitFor } from '../support/wait-for.js';

/** Few, short kafkajs retries, so a missing broker is noticed quickly. */
const QUICK_RETRY = { retries: 2, initialRetryTimeMs: 50, maxRetryTimeMs: 200 };

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
  let emulator: KafkaEmulator;
  let admin: ReturnType<Kafka['admin']>;
  const onCleanup = closeAfterEach();

  beforeAll(async () => {
    emulator = await startKafkaEmulator({ port: 0 });
    admin = new Kafka({ clientId: 'dtq-test-admin', brokers: [emulator.brokers], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.disconnect();
    await emulator?.close();
  });

  function queue(options: Partial<KafkaJobQueueOptions> = {}): KafkaJobQueue {
    const q = new KafkaJobQueue({
      brokers: [emulator.brokers],
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

  it('reads the lag of the partitions a member owns from the cluster, down to 0 once processed', async () => {
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
    expect(await consumer.lag!()).toEqual([]);
    await consumer.start();
    const { partition } = await firstStarted.promise;
    const waiting = await consumer.lag!();
    expect(waiting.sort((a, b) => a.partition - b.partition)).toEqual(
      [0, 1, 2].map((p) => ({ topic, partition: p, lag: p === partition ? 12 : 0 })),
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

  it('rejects a publish with a typed error and keeps SASL credentials out of errors and logs', async () => {
    const { logger, raw } = capturingLogger();
    // The emulator speaks no SASL, so the handshake fails like a broker refusing the credentials.
    const q = queue({ logger, retry: QUICK_RETRY, sasl: { mechanism: 'plain', username: 'dtq-sasl-user', password: 'hunter2-sasl-secret' } });
    const failure = await q.publish({ topic: uniqueName('jobs.sasl'), key: 'k', value: Buffer.from('v'), headers: {} }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(DependencyUnavailableError);
    expect((failure as Error).message).toMatch(/^kafka is unavailable/);
    expect((failure as Error).message).not.toContain('hunter2-sasl-secret');
    expect(raw.length).toBeGreaterThan(0);
    expect(raw.join('\n')).not.toContain('hunter2-sasl-secret');
  });

  it('survives its broker going away: reports the crash, then rejoins and consumes once it is back', { timeout: 60_000 }, async () => {
    const own = await startKafkaEmulator({ port: 0 });
    const port = own.port;
    let current: KafkaEmulator | undefined = own;
    onCleanup(async () => current?.close());
    const { logger, lines } = capturingLogger();
    const q = new KafkaJobQueue({
      brokers: [own.brokers],
      clientId: 'dtq-test-crash',
      partitions: 1,
      logger,
      consumerTuning: FAST_KAFKA_GROUP,
      retry: QUICK_RETRY,
    });
    onCleanup(() => q.close());
    const topic = uniqueName('jobs.crash');
    const seen: DeliveredRecord[] = [];
    const crashes: Array<{ error: unknown; restarting: boolean }> = [];
    const consumer = q.createConsumer({
      groupId: uniqueName('group'),
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

    await own.close();
    current = undefined;
    await waitFor(() => (crashes.length > 0 ? true : undefined), { what: 'a crash report', timeoutMs: 20_000 });
    expect(crashes[0]!.restarting).toBe(true);
    expect(consumer.ready()).toBe(false);
    expect(lines.some((l) => l.msg === 'consumer crashed; kafkajs restarts it' && l.level === 'error')).toBe(true);

    // The same address again, empty: the topic has to be there before the member can rejoin.
    current = await startKafkaEmulator({ port });
    const restarted = new Kafka({ clientId: 'dtq-test-restarted', brokers: [current.brokers], logLevel: logLevel.NOTHING }).admin();
    await restarted.connect();
    await restarted.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    await restarted.disconnect();
    await waitFor(() => (consumer.ready() ? true : undefined), { what: 'the member to rejoin', timeoutMs: 30_000 });
    await q.publish({ topic, key: 'after', value: Buffer.from('after the restart'), headers: {} });
    await waitFor(() => (seen.some((r) => r.value.toString() === 'after the restart') ? true : undefined), { what: 'the record after the restart' });
  });
});
