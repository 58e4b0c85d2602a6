import azureFunctions from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.js';
import { buildApi, type BuiltApi } from '../../composition/build-api.js';
import { createAdapters, type PortAdapters } from '../../composition/create-adapters.js';
import { KEY_ONLY_ON_FUNCTIONS, functionRegistrations } from '../../functions/functions-registration.js';
import { ROUTES } from '../../api/route-table.js';
import { startEmbeddedApp, type EmbeddedApp } from '../support/embedded-app.js';
import { expectErrorBody, postJson, request, weatherJob } from '../support/http-client.js';
import { testLogger } from '../support/test-logger.js';

const { HttpRequest, InvocationContext } = azureFunctions;

// App Service Authentication validates the caller's Entra ID token and tells the app who it is in
// x-ms-client-principal-id (stripping that header from client requests). dtq trusts the header
// only when APP_SERVICE_AUTH says that platform is in front; API keys stay for services.
const KEY = 'service-key-5b7e2c9d1a3f4068';
const PRINCIPAL = { 'x-ms-client-principal-id': '7d3f1c2a-5b6e-4d8f-9a0b-1c2d3e4f5a6b', 'x-ms-client-principal-idp': 'aad' };
const ENTRA_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJhcGk6Ly9kdHEifQ.c2lnbmF0dXJl';

const jobRoutes = (baseUrl: string, headers: Record<string, string>) => [
  () => postJson(`${baseUrl}/v1/jobs`, weatherJob(), headers),
  () => request(`${baseUrl}/v1/jobs?limit=1`, { headers }),
  () => request(`${baseUrl}/v1/stats`, { headers }),
];

async function expectServed(baseUrl: string, headers: Record<string, string>) {
  for (const send of jobRoutes(baseUrl, headers)) {
    const response = await send();
    expect(response.status, `${JSON.stringify(headers)} ${JSON.stringify(response.body)}`).toBeLessThan(300);
  }
}

async function expectRefused(baseUrl: string, headers: Record<string, string>, status: 401 | 403) {
  for (const send of jobRoutes(baseUrl, headers)) {
    const response = await send();
    const error = expectErrorBody(response, status, status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN');
    if (status === 401) expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    else expect(response.headers.get('www-authenticate')).toBeNull();
    expect(error.trace_id).toMatch(/^[0-9a-f-]{36}$/);
  }
}

describe('fallback host behind App Service Authentication (APP_SERVICE_AUTH=true, API_KEYS for services)', () => {
  let app: EmbeddedApp;
  beforeAll(async () => {
    app = await startEmbeddedApp({ APP_SERVICE_AUTH: 'true', API_KEYS: KEY });
  });
  afterAll(() => app?.close());

  it('serves a signed-in caller (the principal App Service injects) without any key', async () => {
    await expectServed(app.baseUrl, { ...PRINCIPAL, authorization: `Bearer ${ENTRA_TOKEN}` });
  });

  it('serves a service that sends a configured key as x-api-key', async () => {
    await expectServed(app.baseUrl, { 'x-api-key': KEY });
  });

  it('answers 401 in words to a request with neither, and to a token App Service did not turn into a principal', async () => {
    await expectRefused(app.baseUrl, {}, 401);
    await expectRefused(app.baseUrl, { authorization: `Bearer ${ENTRA_TOKEN}` }, 401);
    await expectRefused(app.baseUrl, { 'x-ms-client-principal-id': '  ' }, 401);
    const response = await request(`${app.baseUrl}/v1/jobs`);
    expect(response.body.error.message).toMatch(/Entra ID access token .*Authorization: Bearer.* or an API key as "x-api-key/);
  });

  it('takes Authorization for the Entra ID token only: an API key sent there is not a key (401)', async () => {
    await expectRefused(app.baseUrl, { authorization: `Bearer ${KEY}` }, 401);
  });

  it('answers 403 to a key that is not configured', async () => {
    await expectRefused(app.baseUrl, { 'x-api-key': `${KEY}x` }, 403);
  });

  it('keeps probes and metrics open, and counts the refusals', async () => {
    expect((await request(`${app.baseUrl}/healthz`)).status).toBe(200);
    expect((await request(`${app.baseUrl}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${app.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/dtq_api_auth_failures_total\{route="\/v1\/jobs",reason="missing"\} [1-9]/);
    expect(metrics).toMatch(/dtq_api_auth_failures_total\{route="\/v1\/jobs",reason="invalid"\} [1-9]/);
    expect(app.api.auth.describe()).toBe('app-service sign-in or api-keys (1 key)');
  });
});

describe('App Service Authentication without API keys (APP_SERVICE_AUTH=true)', () => {
  let app: EmbeddedApp;
  beforeAll(async () => {
    app = await startEmbeddedApp({ APP_SERVICE_AUTH: 'true' });
  });
  afterAll(() => app?.close());

  it('serves the signed-in caller only: no key opens the routes, and none is refused as a wrong one', async () => {
    await expectServed(app.baseUrl, PRINCIPAL);
    await expectRefused(app.baseUrl, {}, 401);
    await expectRefused(app.baseUrl, { 'x-api-key': KEY }, 401);
    expect(app.api.auth.describe()).toBe('app-service sign-in');
  });
});

describe('a host that is not behind App Service Authentication', () => {
  let app: EmbeddedApp;
  beforeAll(async () => {
    app = await startEmbeddedApp({ API_KEYS: KEY });
  });
  afterAll(() => app?.close());

  it('never trusts a principal header a client sent: without a key it is 401', async () => {
    await expectRefused(app.baseUrl, PRINCIPAL, 401);
    await expectRefused(app.baseUrl, { ...PRINCIPAL, 'x-api-key': 'not-a-key' }, 403);
    await expectServed(app.baseUrl, { ...PRINCIPAL, authorization: `Bearer ${KEY}` });
  });
});

describe('Azure Functions registration', () => {
  const built: Array<{ api: BuiltApi; adapters: PortAdapters }> = [];
  afterAll(async () => {
    for (const { api, adapters } of built) {
      await api.close();
      await adapters.close();
    }
  });

  function registrations(env: Record<string, string>) {
    const config = loadConfig({ LOG_LEVEL: 'silent', ...env });
    const adapters = createAdapters(config, testLogger());
    const api = buildApi({ config, adapters, logger: testLogger() });
    built.push({ api, adapters });
    return new Map(functionRegistrations(ROUTES, api).map((r) => [r.name, r.options]));
  }

  const invoke = (options: { handler: azureFunctions.HttpHandler }, name: string, headers: Record<string, string> = {}) =>
    options.handler(
      new HttpRequest({ method: 'GET', url: 'http://localhost/v1/jobs?limit=1', headers }),
      new InvocationContext({ functionName: name, logHandler: () => {} }),
    );

  it('with APP_SERVICE_AUTH=true: job routes anonymous for the host, and dtq requires the signed-in principal', async () => {
    const routes = registrations({ APP_SERVICE_AUTH: 'true' });
    // /readyz and /metrics keep a function key whatever the sign-in: they are for operators.
    for (const route of ROUTES) expect(routes.get(route.name)?.authLevel, route.name).toBe(KEY_ONLY_ON_FUNCTIONS.has(route.name) ? 'function' : 'anonymous');
    expect([...KEY_ONLY_ON_FUNCTIONS].sort()).toEqual(['metrics-get', 'readyz-get']);
    const list = routes.get('jobs-list-get')!;
    expect((await invoke(list, 'jobs-list-get', PRINCIPAL)).status).toBe(200);
    const refused = await invoke(list, 'jobs-list-get', { authorization: `Bearer ${ENTRA_TOKEN}` });
    expect(refused.status).toBe(401);
    expect((refused as { jsonBody?: { error: { code: string } } }).jsonBody?.error.code).toBe('UNAUTHORIZED');
  });

  it('without it: job routes keep authLevel function, so the Functions host checks its function keys', async () => {
    const routes = registrations({ API_KEYS: KEY });
    for (const route of ROUTES) expect(routes.get(route.name)?.authLevel, route.name).toBe(KEY_ONLY_ON_FUNCTIONS.has(route.name) ? 'function' : route.authLevel);
    expect(ROUTES.filter((r) => r.authLevel === 'function').map((r) => r.name)).toContain('jobs-post');
    expect((await invoke(routes.get('jobs-list-get')!, 'jobs-list-get')).status).toBe(200);
  });
});
