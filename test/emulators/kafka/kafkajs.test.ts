/** kafkajs 2.x against the Kafka emulator: admin, producer, consumer groups. */
import type { Admin, Consumer, EachMessagePayload, Kafka, Producer } from 'kafkajs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startKafkaEmulator, type KafkaEmulator } from '../../../scripts/emulators/kafka/index.js';
import { fastConsumer, kafkaClient, uniqueName, waitFor } from './helpers.js';

interface Received {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

function toReceived({ partition, message }: EachMessagePayload): Received {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
  return {
    partition,
    offset: Number(message.offset),
    key: message.key?.toString() ?? null,
    value: message.value?.toString() ?? null,
    headers,
  };
}

describe('kafkajs against the Kafka emulator', () => {
  let emulator: KafkaEmulator;
  let kafka: Kafka;
  const cleanups: Array<() => Promise<void>> = [];

  beforeEach(async () => {
    emulator = await startKafkaEmulator({ port: 0 });
    kafka = kafkaClient(emulator.brokers);
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
    await emulator.close();
  });

  async function admin(): Promise<Admin> {
    const a = kafka.admin();
    await a.connect();
    cleanups.push(() => a.disconnect());
    return a;
  }

  async function producer(): Promise<Producer> {
    const p = kafka.producer({ allowAutoTopicCreation: false });
    await p.connect();
    cleanups.push(() => p.disconnect());
    return p;
  }

  /** A running group consumer that records what it receives and its latest assignment. */
  async function consumer(groupId: string, topic: string) {
    const c: Consumer = kafka.consumer({ groupId, ...fastConsumer });
    const received: Received[] = [];
    const state = { assignment: [] as number[], joins: 0 };
    c.on(c.events.GROUP_JOIN, (e) => {
      state.assignment = [...(e.payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b);
      state.joins += 1;
    });
    let stopped = false;
    const stop = async (): Promise<void> => {
      if (stopped) return;
      stopped = true;
      await c.disconnect();
    };
    cleanups.push(stop);
    await c.connect();
    await c.subscribe({ topic, fromBeginning: true });
    await c.run({
      autoCommit: false,
      eachMessage: async (payload) => {
        received.push(toReceived(payload));
      },
    });
    return { consumer: c, received, state, stop };
  }

  it('creates topics, produces keyed messages with headers (acks -1) and consumes them back in order', async () => {
    const topic = uniqueName('orders');
    const groupId = uniqueName('group');
    const a = await admin();
    expect(await a.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true })).toBe(true);
    const meta = await a.fetchTopicMetadata({ topics: [topic] });
    expect(meta.topics[0]?.partitions).toHaveLength(3);

    const p = await producer();
    const sent = Array.from({ length: 30 }, (_, i) => ({
      key: `key-${i % 5}`,
      value: `value-${i}`,
      headers: { seq: String(i), source: 'dtq-test' },
    }));
    // Several sends so the log holds several batches per partition.
    for (let i = 0; i < sent.length; i += 10) {
      const results = await p.send({ topic, acks: -1, messages: sent.slice(i, i + 10) });
      for (const r of results) expect(r.errorCode).toBe(0);
    }

    const c = await consumer(groupId, topic);
    await waitFor('all 30 messages', () => c.received.length >= sent.length);
    expect(c.received).toHaveLength(sent.length);

    const bySeq = new Map(c.received.map((m) => [Number(m.headers.seq), m]));
    for (const [i, s] of sent.entries()) {
      const got = bySeq.get(i);
      expect(got, `message ${i}`).toBeDefined();
      expect(got!.key).toBe(s.key);
      expect(got!.value).toBe(s.value);
      expect(got!.headers).toEqual(s.headers);
    }
    // One key always lands on one partition, and each partition is delivered in produce order.
    const partitionOfKey = new Map<string, number>();
    for (const m of c.received) {
      expect(partitionOfKey.get(m.key!) ?? m.partition).toBe(m.partition);
      partitionOfKey.set(m.key!, m.partition);
    }
    for (const partition of [0, 1, 2]) {
      const inPartition = c.received.filter((m) => m.partition === partition);
      expect(inPartition.map((m) => m.offset)).toEqual(inPartition.map((_, i) => i));
      const seqs = inPartition.map((m) => Number(m.headers.seq));
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    }

    const commits = [0, 1, 2].map((partition) => ({
      topic,
      partition,
      offset: String(c.received.filter((m) => m.partition === partition).length),
    }));
    await c.consumer.commitOffsets(commits);
    const committed = await a.fetchOffsets({ groupId, topics: [topic] });
    expect(committed[0]?.partitions.sort((x, y) => x.partition - y.partition).map((x) => x.offset)).toEqual(
      commits.map((x) => x.offset),
    );

    // Admin housekeeping: a group with members cannot be deleted; once empty it can, offsets and all.
    await expect(a.deleteGroups([groupId])).rejects.toThrow();
    await c.stop();
    const [deleted] = await a.deleteGroups([groupId]);
    expect(deleted?.errorCode).toBe(0);
    const { groups } = await a.describeGroups([groupId]);
    expect(groups[0]?.state).toBe('Dead');
    const afterDelete = await a.fetchOffsets({ groupId, topics: [topic] });
    expect(afterDelete[0]?.partitions.map((x) => x.offset)).toEqual(['-1', '-1', '-1']);
  });

  it('delivers a message larger than the consumer\'s per-partition fetch limit', async () => {
    const topic = uniqueName('large');
    const groupId = uniqueName('group');
    const a = await admin();
    await a.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const big = 'x'.repeat(300_000);
    const p = await producer();
    await p.send({ topic, acks: 1, messages: [{ key: 'big', value: big }, { key: 'small', value: 'after' }] });

    const c = kafka.consumer({ groupId, ...fastConsumer, maxBytesPerPartition: 64 * 1024 });
    cleanups.push(() => c.disconnect());
    const received: Received[] = [];
    await c.connect();
    await c.subscribe({ topic, fromBeginning: true });
    await c.run({ eachMessage: async (payload) => void received.push(toReceived(payload)) });
    await waitFor('both messages', () => received.length >= 2);
    expect(received.map((m) => m.key)).toEqual(['big', 'small']);
    expect(received[0]!.value).toBe(big);
  });

  it('redelivers uncommitted messages to the next consumer of the group, but not committed ones', async () => {
    const topic = uniqueName('redelivery');
    const groupId = uniqueName('group');
    const a = await admin();
    await a.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const p = await producer();
    await p.send({ topic, acks: -1, messages: Array.from({ length: 6 }, (_, i) => ({ key: `k${i}`, value: `m${i}` })) });

    const first = await consumer(groupId, topic);
    await waitFor('first consumer to read all 6', () => first.received.length >= 6);
    // Only the first three are processed "successfully".
    await first.consumer.commitOffsets([{ topic, partition: 0, offset: '3' }]);
    await first.stop();

    const second = await consumer(groupId, topic);
    await waitFor('second consumer to get the uncommitted messages', () => second.received.length >= 3);
    expect(second.received.map((m) => m.value)).toEqual(['m3', 'm4', 'm5']);
    expect(second.received.map((m) => m.offset)).toEqual([3, 4, 5]);
  });

  it('shares partitions between two members and hands all of them to the survivor when one leaves', async () => {
    const topic = uniqueName('shared');
    const groupId = uniqueName('group');
    const a = await admin();
    await a.createTopics({ topics: [{ topic, numPartitions: 4 }], waitForLeaders: true });
    const p = await producer();

    const one = await consumer(groupId, topic);
    await waitFor('first member to own all partitions', () => one.state.assignment.length === 4);
    const two = await consumer(groupId, topic);
    await waitFor(
      'a disjoint split of the 4 partitions',
      () =>
        one.state.assignment.length > 0 &&
        two.state.assignment.length > 0 &&
        new Set([...one.state.assignment, ...two.state.assignment]).size === 4 &&
        one.state.assignment.length + two.state.assignment.length === 4,
    );

    const messagesFor = (round: string) =>
      [0, 1, 2, 3].map((partition) => ({ partition, key: `p${partition}`, value: `${round}-p${partition}` }));
    await p.send({ topic, acks: -1, messages: messagesFor('shared') });
    await waitFor('both members to consume their share', () => one.received.length + two.received.length >= 4);
    expect(new Set(one.received.map((m) => m.partition))).toEqual(new Set(one.state.assignment));
    expect(new Set(two.received.map((m) => m.partition))).toEqual(new Set(two.state.assignment));

    await two.stop();
    await waitFor('the survivor to own all partitions again', () => one.state.assignment.length === 4);
    const before = one.received.length;
    await p.send({ topic, acks: -1, messages: messagesFor('after-leave') });
    await waitFor('the survivor to consume on every partition', () =>
      one.received.filter((m) => m.value?.startsWith('after-leave')).length >= 4,
    );
    const fresh = one.received.slice(before).filter((m) => m.value?.startsWith('after-leave'));
    expect(fresh.map((m) => m.partition).sort()).toEqual([0, 1, 2, 3]);
  });
});
