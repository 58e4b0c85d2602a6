// Limits on the job routes: requests per caller (429 RATE_LIMITED with Retry-After) and refused
// credentials per client address (401/403 turn to 429 past a threshold), the same on the
// fallback host and through the Azure Functions registration.
import azureFunctions from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.js';
import { buildApi, type BuiltApi } from '../../composition/build-api.js';
import { createAdapters, type PortAdapters } from '../../composition/create-adapters.js';
import { functionRegistrations } from '../../functions/functions-registration.js';
import { ROUTES } from '../../api/route-table.js';
import { startEmbeddedApp, type EmbeddedApp } from '../support/embedded-app.js';
import { expectErrorBody, request } from '../support/http-client.js';
import { testLogger } from '../support/test-logger.js';

const { HttpRequest, InvocationContext } = azureFunctions;
const KEY = 'limits-key-3b7e1c9a5d2f4e68';
const OTHER_KEY = 'limits-key-second-8a6c4e2b';

function expectLimited(response: Awaited<ReturnType<typeof request>>, reason: RegExp): void {
  const error = expectErrorBody(response, 429, 'RATE_LIMITED');
  expect(error.message).toMatch(reason);
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(error.details?.retry_after_s).toBe(retryAfter);
}

describe('requests per caller on the fallback host (API_RATE_LIMIT_PER_MINUTE)', () => {
  let app: EmbeddedApp;
  beforeAll(async () => {
    app = await startEmbeddedApp({ API_KEYS: `${KEY},${OTHER_KEY}`, API_RATE_LIMIT_PER_MINUTE: '5' });
  });
  afterAll(() => app?.close());

  it('answers 429 with Retry-After past the limit, per key, and leaves probes and metrics alone', async () => {
    const list = (key: string) => request(`${app.baseUrl}/v1/jobs?limit=1`, { headers: { 'x-api-key': key } });
    for (let i = 0; i < 5; i++) expect((await list(KEY)).status).toBe(200);
    expectLimited(await list(KEY), /too many requests/);
    expectLimited(await request(`${app.baseUrl}/v1/stats`, { headers: { authorization: `Bearer ${KEY}` } }), /too many requests/);
    expect((await list(OTHER_KEY)).status).toBe(200);
    for (let i = 0; i < 10; i++) expect((await request(`${app.baseUrl}/healthz`)).status).toBe(200);
    const metrics = await (await fetch(`${app.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/dtq_api_rate_limited_total\{route="\/v1\/jobs",reason="requests"\} 1/);
    expect(metrics).toMatch(/dtq_api_http_requests_total\{route="\/v1\/jobs",method="GET",status="429"\} 1/);
  });
});

describe('refused credentials per client address (API_AUTH_FAILURES_PER_MINUTE)', () => {
  let app: EmbeddedApp;
  beforeAll(async () => {
    app = await startEmbeddedApp({ API_KEYS: KEY, API_AUTH_FAILURES_PER_MINUTE: '3' });
  });
  afterAll(() => app?.close());

  it('turns 401/403 into 429 past the threshold, and then refuses the right key from that address too', async () => {
    const list = (headers: Record<string, string>) => request(`${app.baseUrl}/v1/jobs?limit=1`, { headers });
    expect((await list({ 'x-api-key': KEY })).status).toBe(200);
    expectErrorBody(await list({ 'x-api-key': 'guess-1' }), 403, 'FORBIDDEN');
    expectErrorBody(await list({}), 401, 'UNAUTHORIZED');
    expectErrorBody(await list({ 'x-api-key': 'guess-2' }), 403, 'FORBIDDEN');
    for (let i = 0; i < 20; i++) expectLimited(await list({ 'x-api-key': `guess-${i + 3}` }), /refused credentials/);
    expectLimited(await list({ 'x-api-key': KEY }), /refused credentials/);
    expect((await request(`${app.baseUrl}/healthz`)).status).toBe(200);
  });
});

describe('the same limits through the Azure Functions registration', () => {
  let api: BuiltApi;
  let adapters: PortAdapters;
  beforeAll(() => {
    const config = loadConfig({ LOG_LEVEL: 'silent', API_RATE_LIMIT_PER_MINUTE: '3' });
    adapters = createAdapters(config, testLogger());
    api = buildApi({ config, adapters, logger: testLogger() });
  });
  afterAll(async () => {
    await api?.close();
    await adapters?.close();
  });

  it('limits each client address the platform forwards', async () => {
    const list = functionRegistrations(ROUTES, api).find((r) => r.name === 'jobs-list-get')!.options.handler;
    const invoke = (forwardedFor: string) =>
      list(
        new HttpRequest({ method: 'GET', url: 'http://localhost/v1/jobs?limit=1', headers: { 'x-forwarded-for': forwardedFor } }),
        new InvocationContext({ functionName: 'jobs-list-get', logHandler: () => {} }),
      );
    for (let i = 0; i < 3; i++) expect((await invoke('198.51.100.7:51000')).status).toBe(200);
    const refused = (await invoke('203.0.113.9, 198.51.100.7:52000')) as azureFunctions.HttpResponseInit;
    expect(refused.status).toBe(429);
    expect((refused.headers as Record<string, string>)['retry-after']).toMatch(/^\d+$/);
    expect((refused.jsonBody as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
    expect((await invoke('198.51.100.8:51000')).status).toBe(200);
  });
});
