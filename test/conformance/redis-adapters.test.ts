import { randomUUID } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATUS_TTL_SECONDS, StatusHashSchema } from '../../contracts/index.js';
import type { StatusWrite } from '../../core/ports/index.js';
import { RedisIdempotencyStore, RedisJobEvents, RedisJobLeases, RedisStatusStore, createRedisConnection, closeRedis, type RedisClient } from '../../adapters/redis/index.js';
import { keySlot } from '../../adapters/redis/redis-key-slot.js';
import { REDIS_TARGETS, deleteTargetKeys, rawClusterClient, type RedisTarget } from '../support/redis-cluster.js';
import { testLogger } from '../support/test-logger.js';
import { uniqueName } from '../support/unique.js';
import { describeIdempotencyStoreConformance } from './idempotency-store.suite.js';
import { describeJobLeasesConformance } from './job-leases.suite.js';
import { describeJobEventsConformance } from './job-events.suite.js';
import { describeStatusStoreConformance } from './status-store.suite.js';

const logger = testLogger();

const connect = (target: RedisTarget) => createRedisConnection({ url: target.url, cluster: target.cluster, logger });
const rawClient = (target: RedisTarget): Redis | Cluster => (target.cluster ? rawClusterClient() : new Redis(target.url));

/** The servers behind a raw client: every master of a cluster. */
const serversOf = (raw: Redis | Cluster): Redis[] => (raw instanceof Cluster ? raw.nodes('master') : [raw]);

const queuedWrite = (jobId: string, at = new Date().toISOString()): StatusWrite => ({
  job_id: jobId,
  state: 'queued',
  progress_percent: 0,
  message: 'queued',
  updated_at: at,
  submitted_at: at,
  trace_id: randomUUID(),
  job_type: 'weather',
  label: 'Austin, US',
});

for (const target of REDIS_TARGETS) {
  /** Each fixture gets a key prefix of its own and deletes every key under it afterwards. */
  const fixture = () => {
    const keyPrefix = `${uniqueName('dtq-test')}:`;
    const redis = connect(target);
    return {
      keyPrefix,
      redis,
      async cleanup() {
        await closeRedis(redis);
        await deleteTargetKeys(target, keyPrefix);
      },
    };
  };

  describeStatusStoreConformance(target.name, async ({ ttlSeconds }) => {
    const { keyPrefix, redis, cleanup } = fixture();
    const store = new RedisStatusStore({ redis, keyPrefix, logger, ...(ttlSeconds ? { ttlSeconds } : {}) });
    return { store, cleanup: async () => (await store.close(), await cleanup()) };
  });

  describeIdempotencyStoreConformance(target.name, async () => {
    const { keyPrefix, redis, cleanup } = fixture();
    const store = new RedisIdempotencyStore({ redis, keyPrefix, logger });
    return { store, cleanup: async () => (await store.close(), await cleanup()) };
  });

  describeJobEventsConformance(target.name, async ({ maxPerJob }) => {
    const { keyPrefix, redis, cleanup } = fixture();
    const options = { keyPrefix, logger, subscriber: () => connect(target), ...(maxPerJob ? { maxPerJob } : {}) };
    const writer = new RedisJobEvents({ redis, ...options });
    const readerClient = connect(target);
    const reader = new RedisJobEvents({ redis: readerClient, ...options });
    return { writer, reader, cleanup: async () => (await reader.close(), await writer.close(), await closeRedis(readerClient), await cleanup()) };
  });

  describeJobLeasesConformance(target.name, async () => {
    const { keyPrefix, redis, cleanup } = fixture();
    const leases = new RedisJobLeases({ redis, keyPrefix, logger });
    return { leases, cleanup: async () => (await leases.close(), await cleanup()) };
  });

  describe(`${target.name} status store: what lands in Redis`, () => {
    const keyPrefix = `${uniqueName('dtq-test')}:`;
    let raw: Redis | Cluster;
    let redis: RedisClient;
    let store: RedisStatusStore;
    beforeAll(async () => {
      raw = rawClient(target);
      redis = connect(target);
      store = new RedisStatusStore({ redis, keyPrefix, logger });
    });
    afterAll(async () => {
      await store.close();
      await closeRedis(redis);
      raw.disconnect();
      await deleteTargetKeys(target, keyPrefix);
    });

    it('writes exactly the contract fields at job:<id>:status with a TTL of at most 24 h', async () => {
      const jobId = randomUUID();
      const now = new Date().toISOString();
      await store.write(queuedWrite(jobId, now));
      await store.write({ job_id: jobId, state: 'running', progress_percent: 20, message: 'started', updated_at: now });
      const key = `${keyPrefix}job:${jobId}:status`;
      const hash = await raw.hgetall(key);
      expect(StatusHashSchema.strict().parse(hash)).toEqual(hash);
      expect(Object.keys(hash).sort()).toEqual(
        ['job_id', 'job_type', 'label', 'message', 'progress_percent', 'state', 'submitted_at', 'trace_id', 'updated_at'].sort(),
      );
      expect(hash).toMatchObject({ state: 'running', progress_percent: '20', message: 'started' });
      const ttl = await raw.ttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(STATUS_TTL_SECONDS);
      expect(await raw.zscore(`${keyPrefix}jobs:recent`, jobId)).toBe(String(Date.parse(now)));
    });

    it('drops index entries whose status expired, and pages past a bounded scan', async () => {
      const small = new RedisStatusStore({ redis, keyPrefix, logger, maxScanPerList: 3 });
      const base = Date.UTC(2093, 0, 1);
      const ids: string[] = Array.from({ length: 5 }, () => randomUUID());
      for (const [i, id] of ids.entries()) {
        const at = new Date(base + i * 1000).toISOString();
        await small.write({ ...queuedWrite(id, at), job_type: 'quote' });
      }
      await raw.del(`${keyPrefix}job:${ids[4]}:status`);
      const seen: string[] = [];
      let cursor: string | undefined;
      let calls = 0;
      do {
        const page = await small.listRecent({ limit: 10, job_type: 'quote', ...(cursor ? { cursor } : {}) });
        seen.push(...page.items.map((item) => item.job_id!));
        cursor = page.next_cursor ?? undefined;
        calls += 1;
      } while (cursor && calls < 20);
      expect(seen.filter((id) => ids.includes(id))).toEqual([ids[3], ids[2], ids[1], ids[0]]);
      expect(calls).toBeGreaterThan(1);
      expect(await raw.zscore(`${keyPrefix}jobs:recent`, ids[4]!)).toBeNull();
    });

    it('fails a write whose index update fails, keeps the status it wrote, and takes the retry', async () => {
      const prefix = `${uniqueName('dtq-test')}:`;
      const local = new RedisStatusStore({ redis, keyPrefix: prefix, logger });
      try {
        // An index key of the wrong type makes the index write, and only it, fail.
        await raw.set(`${prefix}jobs:recent`, 'not a sorted set');
        const jobId = randomUUID();
        const write = queuedWrite(jobId);
        await expect(local.write(write)).rejects.toThrow(/WRONGTYPE/);
        expect(await local.get(jobId)).toMatchObject({ state: 'queued', progress_percent: 0 });

        await raw.del(`${prefix}jobs:recent`);
        expect(await local.write(write)).toEqual({ applied: true, cancelRequested: false });
        expect((await local.listRecent({ limit: 10 })).items.map((item) => item.job_id)).toEqual([jobId]);
      } finally {
        await deleteTargetKeys(target, prefix);
      }
    });
  });

  describe(`${target.name}: a fresh client under a burst of first commands`, () => {
    const keyPrefix = `${uniqueName('dtq-test')}:`;
    let raw: Redis | Cluster;
    beforeAll(() => {
      raw = rawClient(target);
    });
    afterAll(async () => {
      raw.disconnect();
      await deleteTargetKeys(target, keyPrefix);
    });

    it('answers reads, scripts and listings issued in its first tick, also after the server forgot the scripts', async () => {
      // Servers that know none of our scripts: the first EVALSHAs meet NOSCRIPT.
      await Promise.all(serversOf(raw).map((server) => server.script('FLUSH')));
      const redis = connect(target);
      const statuses = new RedisStatusStore({ redis, keyPrefix, logger });
      const idempotency = new RedisIdempotencyStore({ redis, keyPrefix, logger });
      try {
        const ids = Array.from({ length: 30 }, () => randomUUID());
        const calls: Array<Promise<unknown>> = ids.flatMap((id, i) => [
          statuses.get(id),
          statuses.write(queuedWrite(id)),
          idempotency.claim(`burst-${i}`, { job_id: id, fingerprint: 'f', trace_id: randomUUID(), submitted_at: new Date().toISOString() }, 60),
          statuses.listRecent({ limit: 5 }),
          idempotency.markEnqueued(`burst-${i}`, id),
          idempotency.get(`burst-${i}`),
        ]);
        const outcomes = await Promise.allSettled(calls);
        expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
        const stored = await Promise.all(ids.map((id) => statuses.get(id)));
        expect(stored.every((status) => status?.state === 'queued')).toBe(true);
      } finally {
        await statuses.close();
        await idempotency.close();
        await closeRedis(redis);
      }
    });
  });
}

describe('redis cluster key slots', () => {
  it('computes the slot the cluster computes, hash tags included', async () => {
    const raw = rawClusterClient();
    try {
      const keys = [`job:${randomUUID()}:status`, 'jobs:recent', 'idempotency:ab12', 'a{tag}b', '{tag}', 'x{}y{z}', '{}', 'héllo{wörld}'];
      const slots = await Promise.all(keys.map((key) => raw.cluster('KEYSLOT', key)));
      expect(keys.map(keySlot)).toEqual(slots.map(Number));
    } finally {
      raw.disconnect();
    }
  });
});
