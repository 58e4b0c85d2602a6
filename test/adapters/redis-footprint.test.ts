import { createHash, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RedisIdempotencyStore, RedisStatusStore } from '../../adapters/redis/index.js';
import { postJson, waitForTerminal, weatherJob } from '../support/http-client.js';
import { useRedisBackedApp } from '../support/redis-backed-app.js';
import { TEST_REDIS_URL } from '../support/services.js';
import { testLogger } from '../support/test-logger.js';

/**
 * What a finished job leaves in Redis, in bytes of field names and values (what Redis stores,
 * whatever its allocator adds): docs/operations.md "Redis memory per job" has the measurement.
 * Before the compact milestone fields a completed weather job's hash took 430 bytes and its
 * Idempotency-Key record 259. The budget counts the fields a hash holds: 330 bytes, plus the 16
 * of `timeout_ms` and its value since a status carries the job's timeout.
 */
const STATUS_HASH_BUDGET = 330 + 16;
const IDEMPOTENCY_RECORD_BUDGET = 215;

const hashBytes = (hash: Record<string, string>) =>
  Object.entries(hash).reduce((sum, [field, value]) => sum + Buffer.byteLength(field) + Buffer.byteLength(value), 0);

describe('what a finished job costs in Redis', () => {
  const logger = testLogger();
  const running = useRedisBackedApp('dtq-footprint');

  it('keeps every contract field in a hash within its budget, milestones as compact times', async () => {
    const idempotencyKey = `footprint-${randomUUID()}`;
    const submitted = await postJson(`${running.app.baseUrl}/v1/jobs`, weatherJob('Austin'), { 'idempotency-key': idempotencyKey });
    expect(submitted.status).toBe(202);
    const status = await waitForTerminal(running.app.baseUrl, submitted.body.job_id);
    expect(status.state).toBe('completed');

    const hash = await running.redis.hgetall(`${running.prefix}job:${submitted.body.job_id}:status`);
    for (const field of ['state', 'progress_percent', 'updated_at', 'message', 'job_id', 'trace_id']) expect(hash).toHaveProperty(field);
    expect(Object.keys(hash).filter((field) => field.startsWith('milestone_'))).toEqual([]);
    expect(hash.m100).toBe(String(Date.parse(hash.updated_at!)));
    expect(hashBytes(hash)).toBeLessThanOrEqual(STATUS_HASH_BUDGET);
    // The API still answers each milestone as an RFC 3339 time.
    expect(status.milestones['100']).toBe(hash.updated_at);
    expect(status.milestones['0']).toBe(submitted.body.submitted_at);

    const record = await running.redis.get(`${running.prefix}idempotency:${createHash('sha256').update(idempotencyKey).digest('hex')}`);
    expect(Buffer.byteLength(record!)).toBeLessThanOrEqual(IDEMPOTENCY_RECORD_BUDGET);
    expect(JSON.parse(record!)).not.toHaveProperty('job_type');

    const replay = await postJson(`${running.app.baseUrl}/v1/jobs`, weatherJob('Austin'), { 'idempotency-key': idempotencyKey });
    expect(replay.status).toBe(202);
    expect(replay.body.job_id).toBe(submitted.body.job_id);
  });

  it('still reads what earlier releases wrote: milestone_N_at fields, and records with job_type and a hex fingerprint', async () => {
    const statuses = new RedisStatusStore({ redis: TEST_REDIS_URL, keyPrefix: running.prefix, logger });
    const keys = new RedisIdempotencyStore({ redis: TEST_REDIS_URL, keyPrefix: running.prefix, logger });
    try {
      const jobId = randomUUID();
      await running.redis.hset(`${running.prefix}job:${jobId}:status`, {
        state: 'running',
        progress_percent: '20',
        updated_at: '2026-03-01T10:00:01.000Z',
        message: 'started',
        job_id: jobId,
        milestone_0_at: '2026-03-01T10:00:00.000Z',
        milestone_20_at: '2026-03-01T10:00:01.000Z',
      });
      await statuses.write({ job_id: jobId, state: 'running', progress_percent: 50, message: 'calling', updated_at: '2026-03-01T10:00:02.000Z', milestones: { '50': '2026-03-01T10:00:02.000Z' } });
      expect((await statuses.get(jobId))?.milestones).toEqual({
        '0': '2026-03-01T10:00:00.000Z',
        '20': '2026-03-01T10:00:01.000Z',
        '50': '2026-03-01T10:00:02.000Z',
      });

      const fingerprint = createHash('sha256').update('body').digest('hex');
      const legacy = { job_id: randomUUID(), fingerprint, trace_id: randomUUID(), job_type: 'weather', submitted_at: '2026-03-01T10:00:00.000Z', enqueued: true };
      await running.redis.set(keys.redisKey('legacy-key'), JSON.stringify(legacy), 'EX', 600);
      const { job_type: _dropped, ...expected } = legacy;
      expect(await keys.get('legacy-key')).toEqual(expected);
      expect(await keys.claim('legacy-key', { ...expected, job_id: randomUUID() }, 60)).toEqual({ claimed: false, existing: expected });
    } finally {
      await statuses.close();
      await keys.close();
    }
  });
});
