/** Wire-level behaviour of the Kafka emulator, exercised with a raw socket client. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startKafkaEmulator, type KafkaEmulator } from '../../../scripts/emulators/kafka/index.js';
import { kafkaClient, uniqueName } from './helpers.js';
import { Cursor, enc, RawKafkaClient } from './raw-client.js';

const API_VERSIONS = 18;
const METADATA = 3;
const FETCH = 1;
const UNSUPPORTED_VERSION = 35;

/** What the emulator implements; ApiVersions must advertise exactly this. */
const IMPLEMENTED: Array<[key: number, min: number, max: number]> = [
  [0, 3, 7], // Produce
  [1, 4, 11], // Fetch
  [2, 1, 5], // ListOffsets
  [3, 0, 6], // Metadata
  [8, 2, 7], // OffsetCommit
  [9, 1, 5], // OffsetFetch
  [10, 0, 2], // FindCoordinator
  [11, 0, 5], // JoinGroup
  [12, 0, 3], // Heartbeat
  [13, 0, 3], // LeaveGroup
  [14, 0, 3], // SyncGroup
  [15, 0, 4], // DescribeGroups
  [16, 0, 2], // ListGroups
  [18, 0, 2], // ApiVersions
  [19, 0, 4], // CreateTopics
  [20, 0, 3], // DeleteTopics
  [22, 0, 1], // InitProducerId
  [42, 0, 1], // DeleteGroups
];

function readApiVersionsV0(c: Cursor): { errorCode: number; apis: Array<[number, number, number]> } {
  const errorCode = c.int16();
  const apis = c.array((c): [number, number, number] => [c.int16(), c.int16(), c.int16()]);
  return { errorCode, apis };
}

function fetchV4(topic: string, maxWaitMs: number, offset = 0): Buffer {
  return Buffer.concat([
    enc.int32(-1), // replica_id
    enc.int32(maxWaitMs),
    enc.int32(1), // min_bytes
    enc.int32(1024 * 1024), // max_bytes
    enc.int8(0), // isolation_level
    enc.array([topic], (t) =>
      Buffer.concat([enc.str(t), enc.array([0], (p) => Buffer.concat([enc.int32(p), enc.int64(offset), enc.int32(1024 * 1024)]))]),
    ),
  ]);
}

describe('Kafka emulator wire protocol', () => {
  let emulator: KafkaEmulator;
  const clients: RawKafkaClient[] = [];

  beforeEach(async () => {
    emulator = await startKafkaEmulator({ port: 0 });
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await emulator.close();
  });

  async function raw(): Promise<RawKafkaClient> {
    const c = await RawKafkaClient.connect(emulator.host, emulator.port);
    clients.push(c);
    return c;
  }

  it('advertises exactly the implemented API version ranges', async () => {
    const c = await raw();
    const v0 = readApiVersionsV0(await c.call(API_VERSIONS, 0, Buffer.alloc(0)));
    expect(v0.errorCode).toBe(0);
    expect(v0.apis).toEqual(IMPLEMENTED);
    const v2 = await c.call(API_VERSIONS, 2, Buffer.alloc(0));
    expect(readApiVersionsV0(v2).apis).toEqual(IMPLEMENTED);
    expect(v2.int32()).toBe(0); // throttle_time_ms
    expect(v2.remaining).toBe(0);
  });

  it('answers an unimplemented API key with UNSUPPORTED_VERSION and keeps the connection usable', async () => {
    const c = await raw();
    const describeAcls = await c.call(29, 1, Buffer.from('whatever the body is'));
    expect(describeAcls.int16()).toBe(UNSUPPORTED_VERSION);
    expect(describeAcls.remaining).toBe(0);

    const fetchV3 = await c.call(FETCH, 3, Buffer.alloc(0));
    expect(fetchV3.int16()).toBe(UNSUPPORTED_VERSION);

    // KIP-511: a too-new ApiVersions is answered in the v0 format with the supported list.
    const v3 = readApiVersionsV0(await c.call(API_VERSIONS, 3, Buffer.from([0x00, 0x00, 0x00])));
    expect(v3.errorCode).toBe(UNSUPPORTED_VERSION);
    expect(v3.apis).toContainEqual([API_VERSIONS, 0, 2]);

    const after = readApiVersionsV0(await c.call(API_VERSIONS, 0, Buffer.alloc(0)));
    expect(after.errorCode).toBe(0);
  });

  it('answers pipelined requests in order even when a fetch long-polls, and wakes the fetch on produce', async () => {
    const topic = uniqueName('longpoll');
    const c = await raw();
    const meta = await c.call(METADATA, 4, Buffer.concat([enc.array([topic], enc.str), enc.int8(1)]));
    expect(meta.int32()).toBe(0); // throttle_time_ms (v3+)
    const brokers = meta.array((c) => ({ nodeId: c.int32(), host: c.str(), port: c.int32(), rack: c.str() }));
    expect(brokers).toEqual([{ nodeId: 0, host: emulator.host, port: emulator.port, rack: null }]);
    expect(meta.str()).not.toBeNull(); // cluster_id
    expect(meta.int32()).toBe(0); // controller
    const topics = meta.array((c) => ({ error: c.int16(), name: c.str(), internal: c.int8(), partitions: c.array((c) => {
      const p = { error: c.int16(), index: c.int32(), leader: c.int32() };
      c.array((c) => c.int32());
      c.array((c) => c.int32());
      return p;
    }) }));
    expect(topics).toEqual([{ error: 0, name: topic, internal: 0, partitions: [{ error: 0, index: 0, leader: 0 }] }]);

    // Longer than the test timeout: only the produce below can end this fetch in time.
    const fetch = c.request(FETCH, 4, fetchV4(topic, 120_000));
    const versions = c.request(API_VERSIONS, 0, Buffer.alloc(0));

    const kafka = kafkaClient(emulator.brokers);
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: 'woke-the-fetch' }] });
    } finally {
      await producer.disconnect();
    }

    const [fetchBody] = await Promise.all([fetch.response, versions.response]);
    expect(c.arrivals).toEqual([1, fetch.correlationId, versions.correlationId]);

    const f = new Cursor(fetchBody);
    f.int32(); // throttle
    const [partition] = f.array((c) => ({
      name: c.str(),
      partitions: c.array((c) => {
        const index = c.int32();
        const error = c.int16();
        const highWatermark = c.int64();
        c.int64(); // last_stable_offset
        c.array((c) => [c.int64(), c.int64()]); // aborted transactions
        return { index, error, highWatermark, records: c.bytes() };
      }),
    }))[0]!.partitions;
    expect(partition).toMatchObject({ index: 0, error: 0, highWatermark: 1 });
    expect(partition!.records!.length).toBeGreaterThan(61);
    expect(partition!.records!.includes(Buffer.from('woke-the-fetch'))).toBe(true);
  });

  it('closes only the connection that sent a malformed frame', async () => {
    const healthy = await raw();
    const badSize = await raw();
    badSize.sendRaw(enc.int32(3)); // smaller than any request header
    await badSize.closed;

    const truncated = await raw();
    // Metadata v1 claiming 1000 topics with no bytes behind the count.
    const lie = truncated.request(METADATA, 1, enc.int32(1000));
    await expect(lie.response).rejects.toThrow(/connection closed/);

    const ok = readApiVersionsV0(await healthy.call(API_VERSIONS, 0, Buffer.alloc(0)));
    expect(ok.errorCode).toBe(0);
    const fresh = await raw();
    expect(readApiVersionsV0(await fresh.call(API_VERSIONS, 0, Buffer.alloc(0))).errorCode).toBe(0);
  });
});
