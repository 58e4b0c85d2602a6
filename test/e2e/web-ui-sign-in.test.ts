import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { BrowserContext, Request, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, requireBrowserAndBuild, startApp, type RunningApp } from './web-ui-app.js';

// The web UI built with an Entra ID app registration signs in with MSAL.js before it calls the
// API: authorization code flow with PKCE, through the redirect bridge, then Authorization: Bearer
// on every API request. The network is closed, so the browser's routing answers for Entra ID
// (login.microsoftonline.com) as its documented endpoints would; everything of dtq's is real.
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const TENANT = '3f2a8c41-7d6e-4b9a-8c1d-2e5f6a7b8c9d';
const WEB_CLIENT_ID = '8b1e4c2d-9a3f-4e6b-b7c8-1d2e3f4a5b6c';
const API_SCOPE = 'api://5c9d2e1f-3a4b-4c6d-8e7f-9a0b1c2d3e4f/user_impersonation';
const AUTHORITY = `https://login.microsoftonline.com/${TENANT}`;
const USER = { oid: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', name: 'Ada Lovelace', username: 'ada@example.com' };
const ACCESS_TOKEN = 'eyJ0eXAiOiJKV1QifQ.eyJhdWQiOiJkdHEtYXBpIn0.access-token-for-dtq-api';

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');
const unsignedJwt = (claims: Record<string, unknown>) => `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}.`;
const clientInfo = b64url(JSON.stringify({ uid: USER.oid, utid: TENANT }));
const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*', 'access-control-allow-methods': 'GET, POST, OPTIONS' };

/** Entra ID's v2.0 endpoints for one tenant, as far as MSAL.js uses them; every request is kept. */
function entraId(seen: { authorize: URL[]; token: URLSearchParams[] }) {
  const issuer = `https://login.microsoftonline.com/${TENANT}/v2.0`;
  return async (route: Route) => {
    const request = route.request();
    const url = new URL(request.url());
    if (request.method() === 'OPTIONS') return route.fulfill({ status: 204, headers: cors });
    if (url.pathname.endsWith('/.well-known/openid-configuration')) {
      return route.fulfill({
        headers: cors,
        json: {
          issuer,
          authorization_endpoint: `${AUTHORITY}/oauth2/v2.0/authorize`,
          token_endpoint: `${AUTHORITY}/oauth2/v2.0/token`,
          end_session_endpoint: `${AUTHORITY}/oauth2/v2.0/logout`,
          jwks_uri: `${AUTHORITY}/discovery/v2.0/keys`,
          response_modes_supported: ['query', 'fragment', 'form_post'],
          code_challenge_methods_supported: ['plain', 'S256'],
        },
      });
    }
    if (url.pathname.endsWith('/discovery/instance')) {
      return route.fulfill({
        headers: cors,
        json: {
          tenant_discovery_endpoint: `${AUTHORITY}/v2.0/.well-known/openid-configuration`,
          'api-version': '1.1',
          metadata: [{ preferred_network: 'login.microsoftonline.com', preferred_cache: 'login.windows.net', aliases: ['login.microsoftonline.com', 'login.windows.net'] }],
        },
      });
    }
    if (url.pathname === `/${TENANT}/oauth2/v2.0/authorize`) {
      seen.authorize.push(url);
      // The person signs in; Entra ID sends the browser back to the redirect URI with a code.
      const answer = new URLSearchParams({ code: 'authorization-code-1', state: url.searchParams.get('state') ?? '', client_info: clientInfo });
      const back = new URL(url.searchParams.get('redirect_uri') ?? '');
      const location = url.searchParams.get('response_mode') === 'query' ? `${back.href}?${answer}` : `${back.href}#${answer}`;
      return route.fulfill({ status: 302, headers: { location } });
    }
    if (url.pathname === `/${TENANT}/oauth2/v2.0/token`) {
      const form = new URLSearchParams(request.postData() ?? '');
      seen.token.push(form);
      const authorize = seen.authorize.at(-1);
      const now = Math.floor(Date.now() / 1000);
      const idToken = unsignedJwt({
        ver: '2.0',
        iss: issuer,
        aud: WEB_CLIENT_ID,
        tid: TENANT,
        oid: USER.oid,
        sub: USER.oid,
        name: USER.name,
        preferred_username: USER.username,
        nonce: authorize?.searchParams.get('nonce'),
        iat: now,
        nbf: now,
        exp: now + 3600,
      });
      return route.fulfill({
        headers: cors,
        json: {
          token_type: 'Bearer',
          scope: `${API_SCOPE} openid profile offline_access`,
          expires_in: 3600,
          ext_expires_in: 3600,
          access_token: ACCESS_TOKEN,
          refresh_token: 'refresh-token-1',
          id_token: idToken,
          client_info: clientInfo,
        },
      });
    }
    return route.fulfill({ status: 404, headers: cors, body: `not part of this test: ${url.pathname}` });
  };
}

let app: RunningApp;
let context: BrowserContext;
let userDataDir: string;
let signInBuild: string;

beforeAll(async () => {
  requireBrowserAndBuild();
  // The same web UI, built as deploy.sh builds it for a deployment with sign-in.
  signInBuild = await mkdtemp(join(tmpdir(), 'dtq-web-sign-in-'));
  await promisify(execFile)(process.execPath, [join(REPO, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--outDir', signInBuild, '--logLevel', 'error'], {
    cwd: REPO,
    env: { ...process.env, VITE_AUTH_CLIENT_ID: WEB_CLIENT_ID, VITE_AUTH_AUTHORITY: AUTHORITY, VITE_AUTH_SCOPE: API_SCOPE },
  });
  app = await startApp({ staticDir: signInBuild, providerDelayMs: 50 });
  userDataDir = await mkdtemp(join(tmpdir(), 'dtq-chromium-sign-in-'));
  context = await launchChromium(userDataDir);
}, 120_000);

afterAll(async () => {
  await context?.close();
  await app?.close();
  for (const dir of [userDataDir, signInBuild]) if (dir) await rm(dir, { recursive: true, force: true });
});

describe('web UI built with Entra ID sign-in', () => {
  it('signs in with the authorization code flow and PKCE, then sends the access token to the API', async () => {
    const seen = { authorize: [] as URL[], token: [] as URLSearchParams[] };
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.route('https://login.microsoftonline.com/**', entraId(seen));
    const apiRequests: Request[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/v1/')) apiRequests.push(request);
    });

    await page.goto(app.baseUrl);
    // Back from Entra ID, MSAL redeems the code and the UI shows the jobs.
    await page.getByRole('heading', { name: 'Recent jobs', exact: true }).waitFor({ timeout: 20_000 });

    expect(seen.authorize).toHaveLength(1);
    const authorize = seen.authorize[0]!;
    expect(authorize.origin + authorize.pathname).toBe(`${AUTHORITY}/oauth2/v2.0/authorize`);
    expect(authorize.searchParams.get('client_id')).toBe(WEB_CLIENT_ID);
    expect(authorize.searchParams.get('response_type')).toBe('code');
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${app.baseUrl}/redirect.html`);
    expect(authorize.searchParams.get('scope')?.split(' ')).toEqual(expect.arrayContaining([API_SCOPE, 'openid', 'profile', 'offline_access']));
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    const challenge = authorize.searchParams.get('code_challenge') ?? '';
    expect(challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorize.searchParams.get('state')).toBeTruthy();
    expect(authorize.searchParams.get('nonce')).toBeTruthy();

    // The code is redeemed with the verifier whose SHA-256 is the challenge (RFC 7636).
    expect(seen.token).toHaveLength(1);
    const token = seen.token[0]!;
    expect(token.get('grant_type')).toBe('authorization_code');
    expect(token.get('code')).toBe('authorization-code-1');
    expect(token.get('client_id')).toBe(WEB_CLIENT_ID);
    expect(token.get('redirect_uri')).toBe(`${app.baseUrl}/redirect.html`);
    expect(b64url(createHash('sha256').update(token.get('code_verifier') ?? '').digest())).toBe(challenge);

    // Every API call carries the token and no key.
    await page.getByLabel('Job type').selectOption('quote');
    await page.getByRole('button', { name: 'Submit', exact: true }).click();
    const jobId = await page.locator('tr[data-job-id]').first().getAttribute('data-job-id');
    await page.waitForSelector(`tr[data-job-id="${jobId}"][data-state="completed"]`, { timeout: 20_000 });
    expect(apiRequests.length).toBeGreaterThan(1);
    for (const request of apiRequests) {
      const headers = await request.allHeaders();
      expect(headers.authorization, request.url()).toBe(`Bearer ${ACCESS_TOKEN}`);
      expect(headers['x-api-key']).toBeUndefined();
    }
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('offers to sign in again when the API refuses the token (401), and asks Entra ID to let the person pick the account', async () => {
    // Behind App Service Authentication a token it does not accept never becomes a principal: 401.
    const refusing = await startApp({ staticDir: signInBuild, providerDelayMs: 50, env: { APP_SERVICE_AUTH: 'true' } });
    try {
      const seen = { authorize: [] as URL[], token: [] as URLSearchParams[] };
      const page = await context.newPage();
      await page.route('https://login.microsoftonline.com/**', entraId(seen));
      await page.goto(refusing.baseUrl);
      const listAlert = page.getByRole('alert').filter({ hasText: 'The jobs could not be loaded' });
      await listAlert.getByText('UNAUTHORIZED').waitFor({ timeout: 20_000 });
      expect(await listAlert.getByLabel('API key', { exact: true }).count(), 'no key form in a build with sign-in').toBe(0);
      await listAlert.getByRole('button', { name: 'Sign in again' }).click();
      await expect.poll(() => seen.authorize.length, { timeout: 20_000 }).toBe(2);
      expect(seen.authorize[1]!.searchParams.get('prompt')).toBe('select_account');
      expect(seen.authorize[1]!.searchParams.get('client_id')).toBe(WEB_CLIENT_ID);
      await page.close();
    } finally {
      await refusing.close();
    }
  }, 60_000);

  it('lets MSAL reach Entra ID through the Static Web App CSP of that build', async () => {
    const config = JSON.parse(await readFile(join(signInBuild, 'staticwebapp.config.json'), 'utf8')) as { globalHeaders: Record<string, string> };
    const directives = config.globalHeaders['content-security-policy']!.split(';').map((d) => d.trim());
    expect(directives).toContain("connect-src 'self' https://*.azurewebsites.net https://login.microsoftonline.com");
    expect(directives).toContain("frame-src 'self' https://login.microsoftonline.com");
  });
});

describe('web UI built without sign-in', () => {
  let keyed: RunningApp;
  beforeAll(async () => {
    keyed = await startApp({ staticDir: requireBrowserAndBuild(), providerDelayMs: 50, env: { API_KEYS: 'web-ui-sign-in-test-key-2f9c' } });
  });
  afterAll(() => keyed?.close());

  it('never goes to Entra ID, and asks for an API key when the API wants one', async () => {
    const page = await context.newPage();
    const entra: string[] = [];
    await page.route('https://login.microsoftonline.com/**', (route) => {
      entra.push(route.request().url());
      return route.abort();
    });
    await page.goto(keyed.baseUrl);
    const listAlert = page.getByRole('alert').filter({ hasText: 'The jobs could not be loaded' });
    await listAlert.getByLabel('API key', { exact: true }).waitFor();
    expect(await listAlert.getByRole('button', { name: 'Sign in again' }).count()).toBe(0);
    expect(entra).toEqual([]);
    await page.close();
  }, 60_000);
});
