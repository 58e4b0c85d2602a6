/**
 * GET /v1/fleet's delayed and limit parts on the real servers (Kafka, Redis, MongoDB): a job held
 * until later shows in `delayed`, jobs parked behind a key's running job show per key in
 * `limits`, read from where the key-limit gate parks them (Redis).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetResponseSchema, type FleetResponse } from '../../contracts/index.js';
import { startEmbeddedApp, type EmbeddedApp } from '../support/embedded-app.js';
import { postJson, request } from '../support/http-client.js';
import { servicesMode, type ServicesMode } from '../support/services-mode.js';
import { waitFor } from '../support/wait-for.js';

/** Weather: one job per country at once. */
const LIMITS = {
  JOB_LIMITS_WEATHER_CONCURRENCY_KEY: 'country_code',
  JOB_LIMITS_WEATHER_CONCURRENCY_MAX: '1',
};

describe('fleet: delayed jobs and jobs waiting on limits, on the real servers', () => {
  let run: ServicesMode;
  let app: EmbeddedApp;
  beforeAll(async () => {
    // Job types read their limits from the environment when the app starts.
    Object.assign(process.env, LIMITS);
    run = servicesMode('fleet_waiting', { without: ['rabbitmq'] });
    // A slow provider keeps the first job of a key running while the others park.
    app = await startEmbeddedApp({ ...run.env, SIMULATED_PROVIDER_DELAY_MS: '2000', WORKER_CONCURRENCY: '4' });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await run?.cleanup();
    for (const name of Object.keys(LIMITS)) delete process.env[name];
  }, 60_000);

  const fleet = async (): Promise<FleetResponse> => {
    const response = await request(`${app.baseUrl}/v1/fleet`);
    expect(response.status).toBe(200);
    return FleetResponseSchema.strict().parse(response.body);
  };
  const submit = async (body: unknown): Promise<{ job_id: string; run_at?: string }> => {
    const response = await postJson(`${app.baseUrl}/v1/jobs`, body);
    expect(response.status).toBe(202);
    return response.body as { job_id: string; run_at?: string };
  };

  it('counts the held jobs with the earliest run_at, and per key the jobs parked behind a running job of their key', { timeout: 90_000 }, async () => {
    expect(await fleet()).toMatchObject({ delayed: { waiting: 0 } });
    const later = await submit({ job_type: 'weather', payload: { city: 'Berlin', country_code: 'DE', units: 'metric' }, delay_ms: 600_000 });
    const latest = await submit({ job_type: 'weather', payload: { city: 'Bonn', country_code: 'DE', units: 'metric' }, delay_ms: 900_000 });
    expect(later.run_at).toBeDefined();
    expect(latest.run_at).toBeDefined();
    // Twenty jobs of one key, one at a time: the line drains one job every two seconds.
    for (let i = 0; i < 20; i += 1) await submit({ job_type: 'weather', payload: { city: `Paris ${i}`, country_code: 'FR', units: 'metric' } });

    const answer = await waitFor(
      async () => {
        const seen = await fleet();
        const weather = seen.limits?.find((limit) => limit.job_type === 'weather');
        return (weather?.waiting[0]?.jobs ?? 0) >= 1 ? seen : undefined;
      },
      { timeoutMs: 40_000, intervalMs: 250, what: 'weather jobs waiting for key FR' },
    );
    expect(answer.delayed).toEqual({ waiting: 2, next_run_at: later.run_at });
    const weather = answer.limits!.find((limit) => limit.job_type === 'weather')!;
    expect(weather).toMatchObject({ job_type: 'weather', concurrency: { key: 'country_code', max: 1 } });
    expect(weather.rate).toBeUndefined();
    expect(weather.waiting).toEqual([{ key: 'FR', reason: 'key', jobs: expect.any(Number) }]);
    expect(weather.waiting[0]!.jobs).toBeLessThanOrEqual(19);
    expect(answer.limits!.find((limit) => limit.job_type === 'exchange_rate')).toEqual({ job_type: 'exchange_rate', concurrency: { key: 'base', max: 8 }, waiting: [] });
    // A type with limits and nobody waiting is listed too: the limits in force are part of the view.
    expect(answer.limits!.find((limit) => limit.job_type === 'github_user')).toMatchObject({ job_type: 'github_user', concurrency: { key: 'username', max: 1 }, waiting: [] });
  });
});
