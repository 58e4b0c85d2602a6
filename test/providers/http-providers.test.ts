import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpProviders, withResilience, type BreakerState } from '../../adapters/providers/index.js';
import { JobOutputSchemas } from '../../contracts/index.js';
import { ProviderError } from '../../core/errors/index.js';

type Route = (req: IncomingMessage, url: URL) => { status: number; body: unknown } | Promise<{ status: number; body: unknown }>;

/** A local stand-in for the upstream APIs, answering with their documented response shapes. */
class ProviderStub {
  private server: Server | undefined;
  readonly routes = new Map<string, Route>();
  readonly hits: string[] = [];
  url = '';

  async start() {
    this.server = createServer(async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://stub');
      this.hits.push(url.pathname + url.search);
      const route = this.routes.get(url.pathname);
      const answer = route ? await route(req, url) : { status: 404, body: { message: 'Not Found' } };
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop() {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

const context = () => ({ signal: new AbortController().signal, jobId: 'j', traceId: 't' });

describe('HTTP providers against a stub of their documented APIs', () => {
  const stub = new ProviderStub();
  beforeAll(() => stub.start());
  afterAll(() => stub.stop());
  const providers = () =>
    createHttpProviders({
      timeoutMs: 500,
      openMeteoForecastUrl: stub.url,
      openMeteoGeocodingUrl: stub.url,
      quotableUrl: stub.url,
      frankfurterUrl: stub.url,
      githubUrl: stub.url,
    });

  it('weather: geocodes the city then reads the current block of the forecast', async () => {
    stub.routes.set('/v1/search', (_req, url) => ({
      status: 200,
      body: url.searchParams.get('name') === 'Austin' ? { results: [{ id: 1, name: 'Austin', latitude: 30.27, longitude: -97.74, country_code: 'US' }], generationtime_ms: 0.5 } : { generationtime_ms: 0.5 },
    }));
    stub.routes.set('/v1/forecast', (_req, url) => ({
      status: 200,
      body: {
        latitude: 30.27,
        longitude: -97.74,
        current_units: { temperature_2m: url.searchParams.get('temperature_unit') === 'fahrenheit' ? '°F' : '°C' },
        current: { time: '2026-02-14T15:00', interval: 900, temperature_2m: 20.4, relative_humidity_2m: 61, wind_speed_10m: 13.2, weather_code: 3 },
      },
    }));
    const output = await providers().weather.execute({ city: 'Austin', country_code: 'US', units: 'metric' }, context());
    expect(JobOutputSchemas.weather.parse(output)).toMatchObject({ temperature: 20.4, condition: 'Overcast', humidity_pct: 61, wind_kph: 13.2, temperature_unit: 'C', simulated: false });
    expect(stub.hits.some((h) => h.includes('countryCode=US'))).toBe(true);

    await expect(providers().weather.execute({ city: 'Nowhere', country_code: 'US', units: 'metric' }, context())).rejects.toMatchObject({ providerCode: 'CITY_NOT_FOUND', transient: false });
  });

  it('quote, exchange rate and GitHub user map their documented bodies', async () => {
    stub.routes.set('/quotes/random', () => ({ status: 200, body: [{ _id: 'x', content: 'Well begun is half done.', author: 'Aristotle', tags: ['wisdom'], length: 24 }] }));
    stub.routes.set('/v1/latest', (_req, url) => ({ status: 200, body: { amount: 1, base: url.searchParams.get('base'), date: '2026-02-13', rates: { EUR: 0.92 } } }));
    stub.routes.set('/users/octocat', () => ({ status: 200, body: { login: 'octocat', id: 1, name: 'The Octocat', public_repos: 8, followers: 100, following: 9, created_at: '2011-01-25T18:44:36Z', html_url: 'https://github.com/octocat' } }));
    const p = providers();
    expect(await p.quote.execute({ tag: 'wisdom' }, context())).toMatchObject({ author: 'Aristotle', tags: ['wisdom'] });
    expect(await p.exchange_rate.execute({ base: 'USD', target: 'EUR', amount: 10 }, context())).toMatchObject({ rate: 0.92, converted: 9.2, date: '2026-02-13' });
    expect(await p.github_user.execute({ username: 'octocat' }, context())).toMatchObject({ login: 'octocat', public_repos: 8 });
    await expect(p.github_user.execute({ username: 'missing' }, context())).rejects.toMatchObject({ providerCode: 'GITHUB_USER_NOT_FOUND', transient: false });
  });

  it('retries transient failures with backoff and succeeds', async () => {
    let calls = 0;
    stub.routes.set('/v1/latest', () => (++calls < 3 ? { status: 503, body: { message: 'busy' } } : { status: 200, body: { amount: 1, base: 'USD', date: '2026-02-13', rates: { GBP: 0.8 } } }));
    const retries: number[] = [];
    const p = withResilience(providers(), { maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 20, breakerThreshold: 5, breakerCooldownMs: 1000, onRetry: (_p, _t, attempt) => retries.push(attempt) });
    expect(await p.exchange_rate.execute({ base: 'USD', target: 'GBP' }, context())).toMatchObject({ rate: 0.8 });
    expect(calls).toBe(3);
    expect(retries).toEqual([1, 2]);
  });

  it('treats a timeout as transient and gives up after the attempts', async () => {
    stub.routes.set('/quotes/random', () => new Promise(() => {}));
    const p = withResilience(providers(), { maxAttempts: 2, initialDelayMs: 5, maxDelayMs: 10, breakerThreshold: 5, breakerCooldownMs: 1000 });
    const error = await p.quote.execute({}, context()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ providerCode: 'PROVIDER_TIMEOUT', transient: false });
    expect((error as Error).message).toContain('gave up after 2 attempts');
  });

  it('opens the circuit after repeated failures and short-circuits calls during the cool-down', async () => {
    let calls = 0;
    stub.routes.set('/users/flaky', () => {
      calls += 1;
      return { status: 500, body: { message: 'boom' } };
    });
    const states: BreakerState[] = [];
    const p = withResilience(providers(), {
      maxAttempts: 1,
      initialDelayMs: 1,
      maxDelayMs: 1,
      breakerThreshold: 3,
      breakerCooldownMs: 60_000,
      onBreakerStateChange: (_provider, jobType, state) => jobType === 'github_user' && states.push(state),
    });
    for (let i = 0; i < 3; i++) await expect(p.github_user.execute({ username: 'flaky' }, context())).rejects.toMatchObject({ providerCode: 'PROVIDER_UNAVAILABLE' });
    await expect(p.github_user.execute({ username: 'flaky' }, context())).rejects.toMatchObject({ providerCode: 'PROVIDER_CIRCUIT_OPEN', transient: false });
    expect(calls).toBe(3);
    expect(states).toEqual(['closed', 'open']);
  });
});
