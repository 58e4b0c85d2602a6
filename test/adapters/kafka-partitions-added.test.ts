/**
 * Partitions added to a job topic while a group consumes it (3 → 6), on a private broker since
 * the test changes a topic: the group takes the new partitions within seconds (kafkajs alone
 * waited for its 5-minute metadata age), and the lag a member reports covers every partition of
 * the topic, the new ones included while nobody consumes them yet.
 */
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaJobQueue } from '../../adapters/kafka/index.js';
import type { DeliveredRecord } from '../../core/ports/index.js';
import { closeAfterEach } from '../support/closers.js';
import { startPrivateKafkaBroker, type PrivateKafkaBroker } from '../support/kafka-broker.js';
import { FAST_KAFKA_GROUP } from '../support/kafka-timings.js';
import { testLogger } from '../support/test-logger.js';
import { uniqueName } from '../support/unique.js';
import { deferred, waitFor } from '../support/wait-for.js';

/**
 * Far below kafkajs' own 5-minute metadata age, and well above dtq's 10 s: a group that waits
 * for kafkajs' age fails here, one that reads metadata every 10 s passes with room.
 */
const NEW_PARTITIONS_SERVED_WITHIN_MS = 60_000;

describe('Kafka partitions added to a topic while a group consumes it', () => {
  let broker: PrivateKafkaBroker;
  let admin: Admin;
  let producer: Producer;
  let kafka: Kafka;
  const onCleanup = closeAfterEach();

  beforeAll(async () => {
    broker = await startPrivateKafkaBroker({ partitions: 3 });
    kafka = new Kafka({ clientId: 'dtq-test', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    producer = kafka.producer({ allowAutoTopicCreation: false });
    await Promise.all([admin.connect(), producer.connect()]);
  }, 180_000);
  afterAll(async () => {
    await Promise.allSettled([admin?.disconnect(), producer?.disconnect()]);
    await broker?.close();
  });

  it('takes the new partitions within seconds, and reports the lag of every partition, owned or not', { timeout: 120_000 }, async () => {
    // dtq's default metadata age: the consumer is tuned for quick group moves only.
    const queue = new KafkaJobQueue({ brokers: broker.brokers, clientId: 'dtq-test', partitions: 3, logger: testLogger(), consumerTuning: FAST_KAFKA_GROUP });
    onCleanup(() => queue.close());
    const topic = uniqueName('jobs.grown');
    await queue.ensureTopics([topic]);

    const handled: DeliveredRecord[] = [];
    const startedOnNew = new Set<number>();
    // Records of the new partitions wait here until both checks are done.
    const holdNew = deferred<void>();
    const consumer = queue.createConsumer({
      groupId: uniqueName('group'),
      topics: [topic],
      // Room for all twelve held records.
      concurrency: 16,
      deadLetterTopic: uniqueName('jobs.dlq'),
      handler: async (record) => {
        if (record.partition >= 3) {
          startedOnNew.add(record.partition);
          await holdNew.promise;
        }
        handled.push(record);
        return { kind: 'done' };
      },
    });
    onCleanup(() => consumer.close({ drainTimeoutMs: 0 }));
    await consumer.start();

    // Jobs flowing on the three first partitions.
    const send = (partition: number, value: string) => producer.send({ topic, acks: -1, messages: [{ partition, key: value, value }] });
    for (let p = 0; p < 3; p++) await send(p, `before-${p}`);
    await waitFor(() => (handled.length === 3 ? true : undefined), { what: 'the first three records handled' });

    await admin.createPartitions({ topicPartitions: [{ topic, count: 6 }] });
    const added = [3, 4, 5];
    // The broker takes a moment to lead the new partitions; a producer that knew the topic before
    // drops records for partitions it has not seen, so a new one writes them.
    await waitFor(async () => ((await admin.fetchTopicOffsets(topic)).length === 6 ? true : undefined), { what: 'six partitions with offsets' });
    const late = kafka.producer({ allowAutoTopicCreation: false });
    await late.connect();
    onCleanup(() => late.disconnect());
    for (const p of added) for (let i = 0; i < 4; i++) await late.send({ topic, acks: -1, messages: [{ partition: p, key: `after-${p}-${i}`, value: `after-${p}-${i}` }] });
    expect((await admin.fetchTopicOffsets(topic)).filter((o) => o.partition >= 3).map((o) => o.high)).toEqual(['4', '4', '4']);

    // Four records on each new partition, none committed: the lag says so whoever owns them.
    const lagOfNew = await waitFor(
      async () => {
        const lags = (await consumer.lag!()).filter((l) => l.partition >= 3);
        return lags.length === 3 && lags.every((l) => l.lag === 4) ? lags : undefined;
      },
      { what: 'the lag of partitions 3, 4 and 5', timeoutMs: 10_000 },
    );
    expect(lagOfNew.map((l) => l.partition).sort()).toEqual(added);

    // The group takes the new partitions and starts their records, long before kafkajs' 5 minutes.
    await waitFor(() => (added.every((p) => startedOnNew.has(p)) ? true : undefined), {
      what: 'records of partitions 3, 4 and 5 started',
      timeoutMs: NEW_PARTITIONS_SERVED_WITHIN_MS,
      intervalMs: 250,
    });
    expect((await consumer.lag!()).filter((l) => l.owned).map((l) => l.partition).sort()).toEqual([0, 1, 2, ...added]);
    holdNew.resolve();
    await waitFor(() => (handled.filter((r) => r.partition >= 3).length === 12 ? true : undefined), {
      what: 'the twelve records of the new partitions handled',
      timeoutMs: 10_000,
    });
    await waitFor(async () => ((await consumer.lag!()).every((l) => l.lag === 0) ? true : undefined), { what: 'every partition committed to its end' });
  });
});
