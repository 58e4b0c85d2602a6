/**
 * The worker heartbeat store on each adapter (in memory, Redis, the Redis Cluster): a beat
 * shows until it expires or is removed, a later beat replaces the earlier one, and the entries
 * of one prefix are not seen under another.
 */
import { describe, expect, it } from 'vitest';
import { MemoryWorkerHeartbeats } from '../../adapters/memory/index.js';
import { RedisWorkerHeartbeats, closeRedis, createRedisConnection } from '../../adapters/redis/index.js';
import type { WorkerHeartbeat, WorkerHeartbeats } from '../../core/ports/index.js';
import { closeAfterEach } from '../support/closers.js';
import { deleteTargetKeys, REDIS_TARGETS } from '../support/redis-cluster.js';
import { testLogger } from '../support/test-logger.js';
import { uniqueName } from '../support/unique.js';

const logger = testLogger();

type Clock = { now: number };
const stores: Array<[string, (clock: Clock) => { store: WorkerHeartbeats; other: WorkerHeartbeats; cleanup: () => Promise<void> }]> = [
  ['in memory', (clock) => {
    const store = new MemoryWorkerHeartbeats({ now: () => clock.now });
    const other = new MemoryWorkerHeartbeats({ now: () => clock.now });
    return { store, other, cleanup: async () => void (await store.close(), await other.close()) };
  }],
  ...REDIS_TARGETS.map((target) => [target.name, (clock: Clock) => {
    const redis = createRedisConnection({ url: target.url, cluster: target.cluster, logger });
    const keyPrefix = `${uniqueName('dtq-heartbeats')}:`;
    const store = new RedisWorkerHeartbeats({ redis, keyPrefix, logger, now: () => clock.now });
    const other = new RedisWorkerHeartbeats({ redis, keyPrefix: `${keyPrefix}other:`, logger, now: () => clock.now });
    return { store, other, cleanup: async () => void (await closeRedis(redis), await deleteTargetKeys(target, keyPrefix)) };
  }] satisfies [string, unknown]),
];

const heartbeat = (instance: string, overrides: Partial<WorkerHeartbeat> = {}): WorkerHeartbeat => ({
  instance,
  version: '0.1.0',
  concurrency: 8,
  in_flight: 0,
  started_at: '2026-01-01T00:00:00.000Z',
  last_heartbeat_at: '2026-01-01T00:00:05.000Z',
  ...overrides,
});

describe.each(stores)('worker heartbeats, %s', (_name, create) => {
  const onCleanup = closeAfterEach();

  it('lists each worker by its latest beat until its entry expires or it is removed', async () => {
    const clock = { now: Date.now() };
    const { store, other, cleanup } = create(clock);
    onCleanup(cleanup);
    await store.beat(heartbeat('host-a/1'), 15_000);
    await store.beat(heartbeat('host-b/2'), 15_000);
    await store.beat(heartbeat('host-a/1', { in_flight: 3, last_heartbeat_at: '2026-01-01T00:00:10.000Z' }), 15_000);
    const listed = (await store.list()).sort((a, b) => a.instance.localeCompare(b.instance));
    expect(listed).toEqual([heartbeat('host-a/1', { in_flight: 3, last_heartbeat_at: '2026-01-01T00:00:10.000Z' }), heartbeat('host-b/2')]);
    expect(await other.list()).toEqual([]);

    await store.remove('host-b/2');
    expect((await store.list()).map((entry) => entry.instance)).toEqual(['host-a/1']);

    // A worker that stops beating drops out once its entry's time is past.
    await store.beat(heartbeat('host-c/3'), 60_000);
    clock.now += 20_000;
    expect((await store.list()).map((entry) => entry.instance)).toEqual(['host-c/3']);
    clock.now += 60_000;
    expect(await store.list()).toEqual([]);
  });
});
