// GET /v1/stats walks the status window (up to STATS_MAX_JOBS hash reads). Callers that come
// together, or within STATS_CACHE_MS, share one walk: counted on a Redis of this test's own by
// its INFO commandstats, so the reads are the real ones and nobody else's.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatsResponseSchema } from '../../contracts/index.js';
import { startEmbeddedApp, type EmbeddedApp } from '../support/embedded-app.js';
import { request } from '../support/http-client.js';
import { startPrivateRedis, type PrivateRedis } from '../support/private-redis.js';

const JOBS = 250;
const CALLERS = 12;

describe('GET /v1/stats under concurrent callers, on Redis', () => {
  let redis: PrivateRedis;
  let app: EmbeddedApp;
  /** A second instance on the same Redis: its own cache, for what one count reads. */
  let single: EmbeddedApp;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    app = await startEmbeddedApp({ REDIS_URL: redis.url, STATS_CACHE_MS: '60000' });
    single = await startEmbeddedApp({ REDIS_URL: redis.url, STATS_CACHE_MS: '60000' });
    const now = new Date().toISOString();
    for (let i = 0; i < JOBS; i++) {
      await app.adapters.statuses.write({
        job_id: randomUUID(),
        state: 'completed',
        progress_percent: 100,
        message: 'completed',
        updated_at: now,
        submitted_at: now,
        job_type: 'quote',
      });
    }
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await single?.close();
    await redis?.close();
  });

  it('reads the status window once for a burst of callers, and not at all for callers within the cache time', async () => {
    await redis.resetCounts();
    expect((await request(`${single.baseUrl}/v1/stats`)).status).toBe(200);
    const oneCount = await redis.calls('hgetall');
    expect(oneCount).toBeGreaterThanOrEqual(JOBS);

    await redis.resetCounts();
    const answers = await Promise.all(Array.from({ length: CALLERS }, () => request(`${app.baseUrl}/v1/stats`)));
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(StatsResponseSchema.parse(answer.body).by_state.completed).toBe(JOBS);
    }
    expect(new Set(answers.map((answer) => answer.body.generated_at)).size).toBe(1);
    expect(await redis.calls('hgetall')).toBe(oneCount);

    await redis.resetCounts();
    for (let i = 0; i < CALLERS; i++) expect((await request(`${app.baseUrl}/v1/stats`)).status).toBe(200);
    expect(await redis.calls('hgetall')).toBe(0);
  });
});
