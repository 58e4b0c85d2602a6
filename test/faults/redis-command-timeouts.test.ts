// A Redis connection whose commands keep timing out is replaced, not kept forever: when a proxy
// or load balancer silently drops what it was sent, the client's reply queue no longer matches
// the server's replies, so the same socket never works again however long one waits.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStatusStore } from '../../adapters/redis/index.js';
import { DependencyUnavailableError } from '../../core/errors/index.js';
import { startFaultProxy, type FaultProxy } from '../../testkit/fault-proxy.js';
import { deleteRedisKeys, TEST_REDIS_URL } from '../support/services.js';
import { testLogger } from '../support/test-logger.js';
import { uniqueName } from '../support/unique.js';
import { waitFor } from '../support/wait-for.js';

describe('redis status store behind a connection that drops commands', () => {
  const keyPrefix = `${uniqueName('dtq-redis-timeouts')}:`;
  let proxy: FaultProxy;
  let store: RedisStatusStore;
  beforeAll(async () => {
    const target = new URL(TEST_REDIS_URL);
    proxy = await startFaultProxy({ host: target.hostname, port: Number(target.port || 6379) }, { whileFrozen: 'drop' });
    store = new RedisStatusStore({ redis: `redis://127.0.0.1:${proxy.port}`, keyPrefix, logger: testLogger() });
  });
  afterAll(async () => {
    await store?.close();
    await proxy?.close();
    await deleteRedisKeys(keyPrefix);
  });

  it('answers again soon after the drops stop, on a connection of its own', async () => {
    const jobId = randomUUID();
    const now = new Date().toISOString();
    await store.write({ job_id: jobId, state: 'queued', progress_percent: 0, message: 'queued', updated_at: now, submitted_at: now, job_type: 'quote' });
    proxy.freeze();
    for (let i = 0; i < 4; i++) await expect(store.get(jobId)).rejects.toBeInstanceOf(DependencyUnavailableError);
    proxy.restore();
    const status = await waitFor(() => store.get(jobId).catch(() => undefined).then((found) => found ?? undefined), {
      timeoutMs: 15_000,
      intervalMs: 200,
      what: 'the status store to answer again after the connection stopped dropping commands',
    });
    expect(status).toMatchObject({ job_id: jobId, state: 'queued' });
  });
});
