/**
 * Per-key concurrency and rate limits on the real servers (Kafka, Redis, MongoDB, RabbitMQ),
 * with topics, group, keys and database of each test's own. Providers are local HTTP servers
 * that count from their side: requests at once, and when each came.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedApp, type EmbeddedApp } from '../support/embedded-app.js';
import { postJson } from '../support/http-client.js';
import { deleteKafkaTopicsAndGroups } from '../support/kafka-admin.js';
import { deleteRabbitQueues, deleteRedisKeys } from '../support/services.js';
import { servicesMode } from '../support/services-mode.js';
import { waitFor } from '../support/wait-for.js';

const FORECAST = {
  latitude: 30.27,
  longitude: -97.74,
  current_units: { temperature_2m: '°C' },
  current: { time: '2026-02-14T15:00', interval: 900, temperature_2m: 20.4, relative_humidity_2m: 61, wind_speed_10m: 13.2, weather_code: 3 },
};
const GITHUB_USER = { login: 'octocat', name: 'The Octocat', public_repos: 8, followers: 100, following: 9, created_at: '2011-01-25T18:44:36Z', html_url: 'https://github.com/octocat' };

/** A provider stub: `answer` decides each request's status, headers and body, possibly after a wait. */
async function startProvider(answer: (path: string) => Promise<{ status: number; headers?: Record<string, string>; body: unknown }>) {
  const seen = { inFlight: 0, maxInFlight: 0, times: [] as number[] };
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://stub').pathname;
    seen.times.push(Date.now());
    seen.inFlight += 1;
    seen.maxInFlight = Math.max(seen.maxInFlight, seen.inFlight);
    void answer(path).then((reply) => {
      seen.inFlight -= 1;
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('per-key limits', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  });

  /** Sets variables for the test's duration (job types and job limits read process.env). */
  function setEnv(vars: Record<string, string>) {
    for (const [name, value] of Object.entries(vars)) process.env[name] = value;
    closers.push(async () => { for (const name of Object.keys(vars)) delete process.env[name]; });
  }

  async function app(env: Record<string, string>): Promise<EmbeddedApp> {
    const started = await startEmbeddedApp(env);
    closers.push(() => started.close());
    return started;
  }

  /**
   * Topics, group, keys and queue of the test's own. Results stay in each process's memory: what
   * is tested lives in Kafka and Redis, and the statuses in Redis tell every job's end.
   */
  function run(name: string) {
    const { id, env } = servicesMode(name);
    closers.push(async () => {
      await Promise.allSettled([
        deleteRedisKeys(env.REDIS_KEY_PREFIX!),
        deleteRabbitQueues([env.PROGRESS_REQUEST_QUEUE!]),
        deleteKafkaTopicsAndGroups(env.KAFKA_BROKERS!.split(','), new RegExp(`^${id}\\.`)),
      ]);
    });
    return { ...env, MONGODB_URI: '', MONGODB_DATABASE: '' };
  }

  async function submitWeather(base: string, city: string, country: string): Promise<string> {
    const response = await postJson(`${base}/v1/jobs`, { job_type: 'weather', payload: { city, country_code: country, units: 'metric' } });
    expect(response.status).toBe(202);
    return response.body.job_id as string;
  }

  async function finalState(a: EmbeddedApp, id: string): Promise<string | undefined> {
    const state = (await a.adapters.statuses.get(id))?.state;
    return state === 'completed' || state === 'failed' ? state : undefined;
  }

  it('a flood on one key does not hold back another key: its job overtakes the flood', { timeout: 120_000 }, async () => {
    setEnv({ JOB_LIMITS_WEATHER_CONCURRENCY_KEY: 'country_code', JOB_LIMITS_WEATHER_CONCURRENCY_MAX: '1' });
    const a = await app({ ...run('kl-flood'), SIMULATED_PROVIDER_DELAY_MS: '200', WORKER_CONCURRENCY: '2' });
    const flood = await Promise.all(Array.from({ length: 40 }, (_, i) => submitWeather(a.baseUrl, `Flood ${i}`, 'FR')));
    const floodDone = async () => (await Promise.all(flood.map((id) => finalState(a, id)))).filter((s) => s !== undefined).length;
    const doneBefore = await floodDone();
    const other = await submitWeather(a.baseUrl, 'Austin', 'US');
    await waitFor(async () => ((await finalState(a, other)) === 'completed' ? true : undefined), { what: 'the other key\'s job', timeoutMs: 60_000 });
    // While the other key's job went through, the flood (one at a time) finished a few jobs, not
    // the backlog in front of it on the topic (27 of the 40 before key limits). A few, not one or
    // two: the other job's pass includes parking each flood record ahead of it on its partition
    // (Redis round trips per record), during which the running flood job may end, and on a loaded
    // machine three did, one run in three. Its wait in time is the bench's row (other tenant p99).
    expect((await floodDone()) - doneBefore).toBeLessThanOrEqual(4);
    // The flood waits visibly, and is not lost: every job ends completed.
    // (The last flood job may sit on a partition the worker has not reached yet: wait for it.)
    await waitFor(async () => (/^waiting for key FR: \d running, limit 1$/.test((await a.adapters.statuses.get(flood.at(-1)!))?.message ?? '') ? true : undefined), {
      what: 'the last flood job waiting for its key',
      timeoutMs: 30_000,
    });
    expect(await a.worker.metrics.registry.metrics()).toMatch(/dtq_worker_jobs_waiting\{reason="key"\} [1-9]/);
    await waitFor(async () => ((await Promise.all(flood.map((id) => finalState(a, id)))).every((s) => s === 'completed') ? true : undefined), { what: 'the whole flood', timeoutMs: 90_000 });
  });

  it('two workers never run more jobs of one key at once than its limit (counted by the provider)', { timeout: 120_000 }, async () => {
    const provider = await startProvider(async (path) => {
      await pause(150);
      return path === '/v1/search'
        ? { status: 200, body: { results: [{ id: 1, name: 'Austin', latitude: 30.27, longitude: -97.74, country_code: 'US' }], generationtime_ms: 0.5 } }
        : { status: 200, body: FORECAST };
    });
    closers.push(provider.stop);
    setEnv({ JOB_LIMITS_WEATHER_CONCURRENCY_KEY: 'country_code', JOB_LIMITS_WEATHER_CONCURRENCY_MAX: '2', OPEN_METEO_FORECAST_URL: provider.url, OPEN_METEO_GEOCODING_URL: provider.url });
    const env = { ...run('kl-two-workers'), PROVIDER_MODE: 'http', WORKER_CONCURRENCY: '4' };
    const first = await app(env);
    await app(env);
    const ids = await Promise.all(Array.from({ length: 16 }, () => submitWeather(first.baseUrl, 'Austin', 'US')));
    await waitFor(async () => ((await Promise.all(ids.map((id) => finalState(first, id)))).every((s) => s === 'completed') ? true : undefined), { what: 'all 16 jobs', timeoutMs: 90_000 });
    // Each job makes its calls one after the other: two jobs at once are two requests at once.
    expect(provider.seen.maxInFlight).toBe(2);
  });

  it('jobs over their type\'s rate are parked in Redis, and the worker goes on with other jobs', { timeout: 90_000 }, async () => {
    // One github_user job an hour: the first runs, the next two wait for the window, a quote job runs.
    setEnv({ JOB_LIMITS_GITHUB_USER_RATE_POINTS: '1' });
    const a = await app({ ...run('kl-rate'), SIMULATED_PROVIDER_DELAY_MS: '50', WORKER_CONCURRENCY: '2' });
    const lookups: string[] = [];
    for (const username of ['first', 'second', 'third']) {
      const submitted = await postJson(`${a.baseUrl}/v1/jobs`, { job_type: 'github_user', payload: { username } });
      expect(submitted.status).toBe(202);
      lookups.push(submitted.body.job_id as string);
    }
    const quote = await postJson(`${a.baseUrl}/v1/jobs`, { job_type: 'quote', payload: { tag: 'wisdom' } });
    await waitFor(async () => ((await finalState(a, quote.body.job_id as string)) === 'completed' ? true : undefined), { what: 'the quote job', timeoutMs: 60_000 });
    const waiting = await waitFor(async () => {
      const messages = await Promise.all(lookups.map(async (id) => (await a.adapters.statuses.get(id))?.message ?? ''));
      return messages.filter((text) => /^rate limited until /.test(text)).length === 2 ? messages : undefined;
    }, { what: 'two lookups held by the rate', timeoutMs: 30_000 });
    expect(waiting.filter((text) => text === 'completed')).toHaveLength(1);
    expect(await a.worker.metrics.registry.metrics()).toMatch(/dtq_worker_jobs_waiting\{reason="rate"\} 2/);
  });

  it('a 429 with Retry-After: 2 makes the job wait about 2 s and keeps its attempts', { timeout: 90_000 }, async () => {
    let calls = 0;
    const provider = await startProvider(async () => {
      calls += 1;
      return calls === 1 ? { status: 429, headers: { 'retry-after': '2' }, body: { message: 'slow down' } } : { status: 200, body: GITHUB_USER };
    });
    closers.push(provider.stop);
    setEnv({ GITHUB_API_URL: provider.url });
    // One attempt per delivery: a 429 that used an attempt would fail the job.
    const a = await app({ ...run('kl-retry-after'), PROVIDER_MODE: 'http', PROVIDER_MAX_ATTEMPTS: '1' });
    const submitted = await postJson(`${a.baseUrl}/v1/jobs`, { job_type: 'github_user', payload: { username: 'octocat' } });
    expect(submitted.status).toBe(202);
    const id = submitted.body.job_id as string;
    await waitFor(async () => ((await finalState(a, id)) ? true : undefined), { what: 'the job to end', timeoutMs: 60_000 });
    expect(await finalState(a, id)).toBe('completed');
    expect(provider.seen.times).toHaveLength(2);
    expect(provider.seen.times[1]! - provider.seen.times[0]!).toBeGreaterThanOrEqual(2_000);
    const metrics = await a.worker.metrics.registry.metrics();
    expect(metrics).toMatch(/dtq_worker_jobs_parked_total\{job_type="github_user",reason="rate"\} 1/);
  });
});
