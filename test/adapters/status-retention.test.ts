import { createHash, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.js';
import { postJson, request, waitForTerminal, weatherJob } from '../support/http-client.js';
import { useRedisBackedApp } from '../support/redis-backed-app.js';

const RETENTION_SECONDS = 7_200;
/** What may pass between a key's write and the PTTL read on a loaded machine. */
const SLACK_MS = 60_000;

describe('STATUS_TTL_SECONDS: how long Redis keeps a job', () => {
  const running = useRedisBackedApp('dtq-retention', { STATUS_TTL_SECONDS: String(RETENTION_SECONDS) });

  it('gives the status hash, the recent-jobs index and the Idempotency-Key the configured TTL', async () => {
    const idempotencyKey = `retention-${randomUUID()}`;
    const submitted = await postJson(`${running.app.baseUrl}/v1/jobs`, weatherJob('Retention City'), { 'idempotency-key': idempotencyKey });
    expect(submitted.status).toBe(202);
    await waitForTerminal(running.app.baseUrl, submitted.body.job_id);
    const keys = [
      `${running.prefix}job:${submitted.body.job_id}:status`,
      `${running.prefix}jobs:recent`,
      `${running.prefix}idempotency:${createHash('sha256').update(idempotencyKey).digest('hex')}`,
    ];
    for (const key of keys) {
      const pttl = await running.redis.pttl(key);
      expect(pttl, key).toBeLessThanOrEqual(RETENTION_SECONDS * 1_000);
      expect(pttl, key).toBeGreaterThan(RETENTION_SECONDS * 1_000 - SLACK_MS);
    }
  });

  it('reads the live window of the listing and the stats over the same span', async () => {
    const stats = await request(`${running.app.baseUrl}/v1/stats`);
    expect(stats.status).toBe(200);
    const { since, until } = stats.body.window as { since: string; until: string };
    expect(Date.parse(until) - Date.parse(since)).toBe(RETENTION_SECONDS * 1_000);
  });

  it('refuses a retention under an hour or over a week, naming the variable', () => {
    expect(loadConfig({}).STATUS_TTL_SECONDS).toBe(24 * 3_600);
    for (const value of ['60', '604801', 'a day']) {
      expect(() => loadConfig({ STATUS_TTL_SECONDS: value }), value).toThrow(/STATUS_TTL_SECONDS/);
    }
  });
});
