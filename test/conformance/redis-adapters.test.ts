import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATUS_TTL_SECONDS, StatusHashSchema } from '../../contracts/index.js';
import { RedisIdempotencyStore, RedisStatusStore, createRedisConnection, closeRedis } from '../../adapters/redis/index.js';
import { deleteRedisKeys, TEST_REDIS_URL } from '../support/services.js';
import { testLogger } from '../support/test-logger.js';
import { uniqueName } from '../support/unique.js';
import { describeIdempotencyStoreConformance } from './idempotency-store.suite.js';
import { describeStatusStoreConformance } from './status-store.suite.js';

const logger = testLogger();

/** Each fixture gets a key prefix of its own and deletes every key under it afterwards. */
function fixture() {
  const keyPrefix = `${uniqueName('dtq-test')}:`;
  const redis = createRedisConnection({ url: TEST_REDIS_URL, logger });
  return {
    keyPrefix,
    redis,
    async cleanup() {
      await closeRedis(redis);
      await deleteRedisKeys(keyPrefix);
    },
  };
}

describeStatusStoreConformance('redis', async ({ ttlSeconds }) => {
  const { keyPrefix, redis, cleanup } = fixture();
  const store = new RedisStatusStore({ redis, keyPrefix, logger, ...(ttlSeconds ? { ttlSeconds } : {}) });
  return { store, cleanup: async () => (await store.close(), await cleanup()) };
});

describeIdempotencyStoreConformance('redis', async () => {
  const { keyPrefix, redis, cleanup } = fixture();
  const store = new RedisIdempotencyStore({ redis, keyPrefix, logger });
  return { store, cleanup: async () => (await store.close(), await cleanup()) };
});

describe('redis status store: what lands in Redis', () => {
  const keyPrefix = `${uniqueName('dtq-test')}:`;
  let raw: Redis;
  let store: RedisStatusStore;
  beforeAll(async () => {
    raw = new Redis(TEST_REDIS_URL);
    store = new RedisStatusStore({ redis: TEST_REDIS_URL, keyPrefix, logger });
  });
  afterAll(async () => {
    await store.close();
    raw.disconnect();
    await deleteRedisKeys(keyPrefix);
  });

  it('writes exactly the contract fields at job:{id}:status with a TTL of at most 24 h', async () => {
    const jobId = randomUUID();
    const now = new Date().toISOString();
    await store.write({
      job_id: jobId,
      state: 'queued',
      progress_percent: 0,
      message: 'queued',
      updated_at: now,
      submitted_at: now,
      trace_id: randomUUID(),
      job_type: 'weather',
    });
    await store.write({ job_id: jobId, state: 'running', progress_percent: 20, message: 'started', updated_at: now });
    const key = `${keyPrefix}job:${jobId}:status`;
    const hash = await raw.hgetall(key);
    expect(StatusHashSchema.strict().parse(hash)).toEqual(hash);
    expect(Object.keys(hash).sort()).toEqual(
      ['job_id', 'job_type', 'message', 'progress_percent', 'state', 'submitted_at', 'trace_id', 'updated_at'].sort(),
    );
    expect(hash).toMatchObject({ state: 'running', progress_percent: '20', message: 'started' });
    const ttl = await raw.ttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(STATUS_TTL_SECONDS);
    expect(await raw.zscore(`${keyPrefix}jobs:recent`, jobId)).toBe(String(Date.parse(now)));
  });

  it('drops index entries whose status expired, and pages past a bounded scan', async () => {
    const small = new RedisStatusStore({ redis: raw, keyPrefix, logger, maxScanPerList: 3 });
    const base = Date.UTC(2093, 0, 1);
    const ids: string[] = Array.from({ length: 5 }, () => randomUUID());
    for (const [i, id] of ids.entries()) {
      const at = new Date(base + i * 1000).toISOString();
      await small.write({ job_id: id, state: 'queued', progress_percent: 0, message: 'q', updated_at: at, submitted_at: at, job_type: 'quote' });
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
});
