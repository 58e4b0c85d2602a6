/**
 * Consumer group liveness: a member that stops heartbeating is evicted after
 * its session timeout and the group rebalances around it.
 */
import type { Consumer } from 'kafkajs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startKafkaEmulator, type KafkaEmulator } from '../../../scripts/emulators/kafka/index.js';
import { fastConsumer, kafkaClient, uniqueName, waitFor } from './helpers.js';
import { Cursor, enc, RawKafkaClient } from './raw-client.js';

const JOIN_GROUP = 11;
const HEARTBEAT = 12;
const SYNC_GROUP = 14;
const UNKNOWN_MEMBER_ID = 25;

/** The subscription kafkajs's RoundRobinAssigner understands (consumer protocol v0). */
function subscription(topic: string): Buffer {
  return Buffer.concat([enc.int16(0), enc.array([topic], enc.str), enc.bytes(Buffer.alloc(0))]);
}

function decodeAssignment(bytes: Buffer): Record<string, number[]> {
  if (bytes.length === 0) return {};
  const c = new Cursor(bytes);
  c.int16(); // version
  return Object.fromEntries(c.array((c) => [c.str()!, c.array((c) => c.int32())]));
}

describe('Kafka emulator consumer group sessions', () => {
  let emulator: KafkaEmulator;
  let consumer: Consumer | undefined;
  let raw: RawKafkaClient | undefined;

  beforeEach(async () => {
    emulator = await startKafkaEmulator({ port: 0, sessionTimeoutCheckMs: 50 });
  });

  afterEach(async () => {
    raw?.close();
    await consumer?.disconnect().catch(() => {});
    await emulator.close();
  });

  it('evicts a member that stops heartbeating and rebalances the group', async () => {
    const topic = uniqueName('liveness');
    const groupId = uniqueName('group');
    const kafka = kafkaClient(emulator.brokers);
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });

      consumer = kafka.consumer({ groupId, ...fastConsumer });
      // Every assignment the kafkajs member got, oldest first.
      const history: number[][] = [];
      const latest = (): number[] => history.at(-1) ?? [];
      consumer.on(consumer.events.GROUP_JOIN, (e) => {
        history.push([...(e.payload.memberAssignment[topic] ?? [])].sort());
      });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async () => {} });
      await waitFor('the kafkajs member to own both partitions', () => latest().length === 2);

      // A raw member joins with a short session and a long rebalance timeout, so
      // only a session expiry can remove it quickly.
      raw = await RawKafkaClient.connect(emulator.host, emulator.port);
      const join = await raw.call(
        JOIN_GROUP,
        2,
        Buffer.concat([
          enc.str(groupId),
          enc.int32(500), // session_timeout_ms
          enc.int32(60_000), // rebalance_timeout_ms
          enc.str(''), // member_id
          enc.str('consumer'),
          enc.array([{ name: 'RoundRobinAssigner', metadata: subscription(topic) }], (p) =>
            Buffer.concat([enc.str(p.name), enc.bytes(p.metadata)]),
          ),
        ]),
      );
      join.int32(); // throttle
      expect(join.int16()).toBe(0);
      const generationId = join.int32();
      expect(join.str()).toBe('RoundRobinAssigner');
      join.str(); // leader
      const memberId = join.str()!;

      const sync = await raw.call(
        SYNC_GROUP,
        1,
        Buffer.concat([enc.str(groupId), enc.int32(generationId), enc.str(memberId), enc.array([], () => Buffer.alloc(0))]),
      );
      sync.int32(); // throttle
      expect(sync.int16()).toBe(0);
      const rawShare = decodeAssignment(sync.bytes()!)[topic] ?? [];
      expect(rawShare).toHaveLength(1);
      await waitFor('the kafkajs member to keep the other partition', () => history.some((a) => a.length === 1));
      const shared = history.findIndex((a) => a.length === 1);
      expect(history[shared]).not.toContain(rawShare[0]);

      // The raw member now goes silent.
      await waitFor('the kafkajs member to own both partitions after the eviction', () =>
        history.slice(shared + 1).some((a) => a.length === 2),
      );
      const heartbeat = await raw.call(HEARTBEAT, 1, Buffer.concat([enc.str(groupId), enc.int32(generationId), enc.str(memberId)]));
      heartbeat.int32(); // throttle
      expect(heartbeat.int16()).toBe(UNKNOWN_MEMBER_ID);

      const { groups } = await admin.describeGroups([groupId]);
      expect(groups[0]?.state).toBe('Stable');
      expect(groups[0]?.members.map((m) => m.memberId)).not.toContain(memberId);
      expect(groups[0]?.members).toHaveLength(1);
    } finally {
      await admin.disconnect();
    }
  });
});
