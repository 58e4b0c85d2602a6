import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatsResponseSchema } from '../../contracts/index.js';
import { startEmbeddedApp, type EmbeddedApp } from '../support/embedded-app.js';
import { expectErrorBody, postJson, request, waitForTerminal, weatherJob } from '../support/http-client.js';

describe('GET /v1/stats on the fallback host, embedded adapters', () => {
  let app: EmbeddedApp;
  beforeAll(async () => {
    app = await startEmbeddedApp({ PROGRESS_RPC_TIMEOUT_MS: '1000', STATS_CACHE_MS: '0' });
  });
  afterAll(() => app.close());

  it('counts jobs per state and type, and the jobs that ended this minute', async () => {
    const empty = StatsResponseSchema.strict().parse((await request(`${app.baseUrl}/v1/stats`)).body);
    expect(empty.by_state).toEqual({ queued: 0, running: 0, completed: 0, failed: 0, total: 0 });
    expect(empty.per_minute).toHaveLength(60);

    const jobs = [weatherJob('Austin'), weatherJob('Paris'), weatherJob('Atlantis'), { job_type: 'quote', payload: { tag: 'wisdom' } }];
    const ids = await Promise.all(jobs.map(async (job) => (await postJson(`${app.baseUrl}/v1/jobs`, job)).body.job_id as string));
    await Promise.all(ids.map((id) => waitForTerminal(app.baseUrl, id)));

    const response = await request(`${app.baseUrl}/v1/stats`);
    expect(response.status).toBe(200);
    const stats = StatsResponseSchema.parse(response.body);
    expect(stats.by_state).toEqual({ queued: 0, running: 0, completed: 3, failed: 1, total: 4 });
    expect(stats.by_type.weather).toEqual({ queued: 0, running: 0, completed: 2, failed: 1, total: 3 });
    expect(stats.by_type.quote).toMatchObject({ completed: 1, total: 1 });
    expect(stats.by_type.github_user.total).toBe(0);
    expect(stats.window).toMatchObject({ source: 'status-store', truncated: false });
    const minutes = stats.per_minute.map((m) => Date.parse(m.minute));
    expect(minutes.every((m, i) => i === 0 || m - minutes[i - 1]! === 60_000)).toBe(true);
    const ended = stats.per_minute.reduce((sum, m) => ({ completed: sum.completed + m.completed, failed: sum.failed + m.failed }), { completed: 0, failed: 0 });
    expect(ended).toEqual({ completed: 3, failed: 1 });
    expect(Date.parse(stats.per_minute.at(-1)!.minute)).toBeLessThanOrEqual(Date.parse(stats.generated_at));
  });

  it('takes no parameters (400) and answers 503 when the status store is away', async () => {
    expect(expectErrorBody(await request(`${app.baseUrl}/v1/stats?window=7d`), 400, 'INVALID_QUERY').details?.fields?.[0]?.field).toBe('window');
    const statuses = app.adapters.statuses;
    const listRecent = statuses.listRecent;
    statuses.listRecent = async () => {
      throw new Error('ECONNREFUSED');
    };
    try {
      expectErrorBody(await request(`${app.baseUrl}/v1/stats`), 503, 'SERVICE_UNAVAILABLE');
    } finally {
      statuses.listRecent = listRecent;
    }
  });
});
