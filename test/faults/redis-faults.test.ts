import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DependencyUnavailableError } from '../../core/errors/index.js';
import type { StatusWrite } from '../../core/ports/index.js';
import { RedisStatusStore, closeRedis, createRedisConnection, redisHealthCheck, type RedisClient } from '../../adapters/redis/index.js';
import { deleteRedisClusterKeys, parseNode } from '../support/redis-cluster.js';
import { deleteRedisKeys, TEST_REDIS_CLUSTER_NODES, TEST_REDIS_URL } from '../support/services.js';
import { startFaultProxy, type FaultProxy } from '../../testkit/fault-proxy.js';
import { testLogger } from '../support/test-logger.js';
import { uniqueName } from '../support/unique.js';
import { outcomeWithin, waitFor } from '../support/wait-for.js';

/** What the API allows a progress RPC call (PROGRESS_RPC_TIMEOUT_MS) before answering 504; a Redis call must settle well within. */
const CALL_DEADLINE_MS = 2_000;

const write = (jobId: string, progress: number): StatusWrite => ({
  job_id: jobId,
  state: progress === 0 ? 'queued' : 'running',
  progress_percent: progress,
  message: `at ${progress}`,
  updated_at: new Date().toISOString(),
  ...(progress === 0 ? { submitted_at: new Date().toISOString(), job_type: 'quote' as const } : {}),
});

/** Every outcome settled in time, and every failure is the typed one (never a crash of the client). */
function expectFailedFast(outcomes: Array<{ value: unknown } | { error: unknown } | 'pending'>): void {
  expect(outcomes).not.toContain('pending');
  for (const outcome of outcomes) {
    if (outcome !== 'pending' && 'error' in outcome) expect(outcome.error).toBeInstanceOf(DependencyUnavailableError);
  }
}

describe('redis status store through a network cut', () => {
  const keyPrefix = `${uniqueName('dtq-fault')}:`;
  let proxy: FaultProxy;
  let redis: RedisClient;
  let store: RedisStatusStore;

  beforeAll(async () => {
    const target = new URL(TEST_REDIS_URL);
    proxy = await startFaultProxy({ host: target.hostname, port: Number(target.port || 6379) });
    redis = createRedisConnection({
      url: `redis://127.0.0.1:${proxy.port}`,
      logger: testLogger(),
      commandTimeoutMs: 500,
      reconnect: { initialMs: 50, maxMs: 300 },
    });
    store = new RedisStatusStore({ redis, keyPrefix, logger: testLogger() });
  });
  afterAll(async () => {
    await store.close();
    await closeRedis(redis);
    await proxy.close();
    await deleteRedisKeys(keyPrefix);
  });

  it('fails fast while cut off, reports not ready, and recovers by itself', async () => {
    const health = redisHealthCheck(redis);
    const jobId = randomUUID();
    await store.write(write(jobId, 0));
    await health.check();

    // Traffic in flight when the connection goes.
    const traffic: Array<Promise<unknown>> = Array.from({ length: 20 }, (_, i) => (i % 2 ? store.get(jobId) : store.write(write(jobId, 20))));
    proxy.cut();
    const outcomes = await Promise.all(traffic.map((call) => outcomeWithin(call, CALL_DEADLINE_MS)));
    expect(outcomes).not.toContain('pending');

    // Calls made while it is down reject with the typed error, promptly.
    const whileDown = await Promise.all(
      [store.get(jobId), store.write(write(jobId, 50)), store.listRecent({ limit: 5 })].map((call: Promise<unknown>) => outcomeWithin(call, CALL_DEADLINE_MS)),
    );
    for (const outcome of whileDown) {
      expect(outcome).not.toBe('pending');
      expect((outcome as { error?: unknown }).error).toBeInstanceOf(DependencyUnavailableError);
    }
    await waitFor(() => health.check().then(() => undefined, () => true), { what: 'readiness to fail' });

    proxy.restore();
    await waitFor(() => health.check().then(() => true), { what: 'readiness to recover', timeoutMs: 15_000 });
    expect(await store.write(write(jobId, 80))).toEqual({ applied: true, cancelRequested: false });
    expect(await store.get(jobId)).toMatchObject({ state: 'running', progress_percent: 80 });
  });
});

describe('redis cluster status store through network cuts', () => {
  const keyPrefix = `${uniqueName('dtq-fault')}:`;
  const jobIds = Array.from({ length: 12 }, () => randomUUID());
  let proxies: FaultProxy[];
  let redis: RedisClient;
  let store: RedisStatusStore;

  beforeAll(async () => {
    // One proxy per node; the client reaches each node the cluster announces through its proxy.
    proxies = await Promise.all(TEST_REDIS_CLUSTER_NODES.map((node) => startFaultProxy(parseNode(node))));
    const natMap = Object.fromEntries(TEST_REDIS_CLUSTER_NODES.map((node, i) => [node, { host: '127.0.0.1', port: proxies[i]!.port }]));
    redis = createRedisConnection({
      url: `redis://127.0.0.1:${proxies[0]!.port}`,
      cluster: true,
      natMap,
      logger: testLogger(),
      commandTimeoutMs: 500,
      reconnect: { initialMs: 50, maxMs: 300 },
    });
    store = new RedisStatusStore({ redis, keyPrefix, logger: testLogger() });
    // Twelve jobs: their hashes land on all three nodes but for a 1 in 40 000 chance.
    for (const jobId of jobIds) await store.write(write(jobId, 0));
  });
  afterAll(async () => {
    await store.close();
    await closeRedis(redis);
    await Promise.all(proxies.map((proxy) => proxy.close()));
    await deleteRedisClusterKeys(keyPrefix);
  });

  const traffic = (progress: number) =>
    Promise.all(
      jobIds.flatMap((jobId): Array<Promise<unknown>> => [store.get(jobId), store.write(write(jobId, progress))]).map((call) => outcomeWithin(call, CALL_DEADLINE_MS)),
    );
  const recovered = async (health: ReturnType<typeof redisHealthCheck>, progress: number) => {
    await waitFor(() => health.check().then(() => true), { what: 'readiness to recover', timeoutMs: 15_000 });
    // The client finds its way back to every node; the slot map may take a refresh to follow.
    await waitFor(async () => ((await Promise.all(jobIds.map((jobId) => store.write(write(jobId, progress))))).every((r) => r.applied) ? true : undefined), {
      what: 'writes to every node',
      timeoutMs: 15_000,
    });
    expect(await Promise.all(jobIds.map(async (jobId) => (await store.get(jobId))?.progress_percent))).toEqual(jobIds.map(() => progress));
  };

  it('fails fast for the jobs on a node that is cut off, reports not ready, and recovers by itself', async () => {
    const health = redisHealthCheck(redis);
    await health.check();
    proxies[1]!.cut();
    expectFailedFast(await traffic(20));
    await waitFor(() => health.check().then(() => undefined, () => true), { what: 'readiness to fail' });
    expectFailedFast(await traffic(20));

    proxies[1]!.restore();
    await recovered(health, 50);
  });

  it('fails fast while every node is cut off, and recovers by itself', async () => {
    const health = redisHealthCheck(redis);
    await health.check();
    for (const proxy of proxies) proxy.cut();
    expectFailedFast(await traffic(80));
    const whileDown = await Promise.all(
      [store.get(jobIds[0]!), store.write(write(jobIds[0]!, 80)), store.listRecent({ limit: 5 })].map((call: Promise<unknown>) => outcomeWithin(call, CALL_DEADLINE_MS)),
    );
    for (const outcome of whileDown) expect((outcome as { error?: unknown }).error).toBeInstanceOf(DependencyUnavailableError);
    await waitFor(() => health.check().then(() => undefined, () => true), { what: 'readiness to fail' });

    for (const proxy of proxies) proxy.restore();
    await recovered(health, 80);
  });
});
