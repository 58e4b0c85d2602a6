import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import azureFunctions from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseKeyFile } from '../../config/index.js';
import { buildApi } from '../../composition/build-api.js';
import { createAdapters } from '../../composition/create-adapters.js';
import { instrumentRoute } from '../../api/http/instrument-route.js';
import { ROUTES } from '../../api/route-table.js';
import { startEmbeddedApp, type EmbeddedApp } from '../support/embedded-app.js';
import { expectErrorBody, postJson, request, weatherJob } from '../support/http-client.js';
import { testLogger } from '../support/test-logger.js';
import { STATIC_WEB_APP_CONFIG_SOURCE } from '../support/web-folder.js';

const { HttpRequest, InvocationContext } = azureFunctions;

const ENV_KEY = 'env-key-7f3a9c1e5b2d4f60';
const FILE_KEY = 'file-key-0c4e8a2b6d1f3e57';
const OTHER_FILE_KEY = 'file-key-second-9d8c7b6a';

describe('API keys on the fallback host (API_KEYS + API_KEYS_FILE)', () => {
  let app: EmbeddedApp;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dtq-keys-'));
    await writeFile(join(dir, 'keys.txt'), `# dtq API keys, one per line\n\n${FILE_KEY}\n  ${OTHER_FILE_KEY}   # the second client\n`);
    await writeFile(join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
    await copyFile(STATIC_WEB_APP_CONFIG_SOURCE, join(dir, 'staticwebapp.config.json'));
    app = await startEmbeddedApp({ API_KEYS: ENV_KEY, API_KEYS_FILE: join(dir, 'keys.txt') }, { staticDir: dir });
  });
  afterAll(async () => {
    await app?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const jobRoutes = () => [
    () => postJson(`${app.baseUrl}/v1/jobs`, weatherJob()),
    () => request(`${app.baseUrl}/v1/jobs`),
    () => request(`${app.baseUrl}/v1/jobs/${crypto.randomUUID()}/status`),
    () => request(`${app.baseUrl}/v1/jobs/${crypto.randomUUID()}/result`),
  ];

  it('answers 401 UNAUTHORIZED with WWW-Authenticate on every job route when no key is sent', async () => {
    for (const send of jobRoutes()) {
      const response = await send();
      const error = expectErrorBody(response, 401, 'UNAUTHORIZED');
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(error.message).toContain('x-api-key');
    }
  });

  it('refuses a keyless submit on its headers, without waiting for (or buffering) its body', async () => {
    // Headers announce a 900 kB body that never comes: a host that reads bodies before checking
    // keys would wait for it, and hold it in memory once it came.
    const { port } = new URL(app.baseUrl);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () =>
        socket.write('POST /v1/jobs HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\ncontent-length: 900000\r\n\r\n{"job_type":'),
      );
      let text = '';
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
        if (text.includes('\r\n\r\n')) {
          socket.destroy();
          resolve(text);
        }
      });
      socket.once('error', reject);
      socket.once('close', () => resolve(text));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer.toLowerCase()).toContain('connection: close');
  });

  it('treats an Authorization header of another scheme as no credentials (401)', async () => {
    const response = await request(`${app.baseUrl}/v1/jobs`, { headers: { authorization: `Basic ${Buffer.from(`u:${ENV_KEY}`).toString('base64')}` } });
    expectErrorBody(response, 401, 'UNAUTHORIZED');
  });

  it('answers 403 FORBIDDEN when a key is sent and refused, in either header form', async () => {
    const refused: Array<Record<string, string>> = [{ 'x-api-key': 'not-a-key' }, { authorization: 'Bearer not-a-key' }, { 'x-api-key': `${ENV_KEY}x` }];
    for (const headers of refused) {
      const response = await postJson(`${app.baseUrl}/v1/jobs`, weatherJob(), headers);
      expectErrorBody(response, 403, 'FORBIDDEN');
      expect(response.headers.get('www-authenticate')).toBeNull();
    }
  });

  it('serves job routes to a configured key from API_KEYS or API_KEYS_FILE, sent as x-api-key or Bearer', async () => {
    const variants: Array<Record<string, string>> = [
      { 'x-api-key': ENV_KEY },
      { authorization: `Bearer ${ENV_KEY}` },
      { 'x-api-key': FILE_KEY },
      { authorization: `bearer ${OTHER_FILE_KEY}` },
    ];
    for (const headers of variants) {
      const submitted = await postJson(`${app.baseUrl}/v1/jobs`, weatherJob(), headers);
      expect(submitted.status, JSON.stringify(headers)).toBe(202);
      const listed = await request(`${app.baseUrl}/v1/jobs?limit=1`, { headers });
      expect(listed.status).toBe(200);
    }
  });

  it('leaves health, readiness, metrics and the web page open', async () => {
    expect((await request(`${app.baseUrl}/healthz`)).status).toBe(200);
    expect((await request(`${app.baseUrl}/readyz`)).status).toBe(200);
    const metrics = await fetch(`${app.baseUrl}/metrics`);
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toMatch(/dtq_api_auth_failures_total\{route="\/v1\/jobs",reason="missing"\} [1-9]/);
    expect(text).toMatch(/dtq_api_auth_failures_total\{route="\/v1\/jobs",reason="invalid"\} [1-9]/);
    const page = await fetch(`${app.baseUrl}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
  });
});

describe('API keys: configuration', () => {
  it('reads a key file: one key per line, blank lines and # comments ignored', () => {
    expect(parseKeyFile('# header\n\nkey-one\r\n  key-two  # note\n#key-three\n')).toEqual(['key-one', 'key-two']);
  });

  it.each([
    ['API_KEYS_FILE', '/nonexistent/dtq-keys.txt', 'readable file'],
    ['API_KEYS', ' , ,', 'no API key'],
  ])('%s=%s is a ConfigError naming the variable', (variable, value, reason) => {
    let error: unknown;
    try {
      loadConfig({ [variable]: value });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(new RegExp(`${variable} .*${reason}`));
  });

  it('refuses a key file without keys, and never repeats a bad key in the message', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dtq-keys-'));
    try {
      await writeFile(join(dir, 'empty.txt'), '# nothing yet\n');
      expect(() => loadConfig({ API_KEYS_FILE: join(dir, 'empty.txt') })).toThrow(/API_KEYS_FILE holds no API key/);
      const secretLooking = 'has space-in-it-s3cr3t';
      await writeFile(join(dir, 'bad.txt'), `good-key-123\n${secretLooking}\n`);
      const message = (() => {
        try {
          loadConfig({ API_KEYS_FILE: join(dir, 'bad.txt'), API_KEYS: `ok-key,${secretLooking}` });
          return '';
        } catch (error) {
          return (error as Error).message;
        }
      })();
      expect(message).toMatch(/API_KEYS entry 2 is not a usable key/);
      expect(message).toMatch(/API_KEYS_FILE key 2 is not a usable key/);
      expect(message).not.toContain('s3cr3t');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('API keys: hosts that do not apply them', () => {
  it('with no keys configured, job routes are open', async () => {
    const app = await startEmbeddedApp();
    try {
      expect(app.api.auth.enabled).toBe(false);
      expect(app.api.auth.describe()).toBe('open (no API_KEYS)');
      expect((await postJson(`${app.baseUrl}/v1/jobs`, weatherJob())).status).toBe(202);
    } finally {
      await app.close();
    }
  });

  it('the Azure Functions registration (no auth option) leaves key checks to the Functions host', async () => {
    const config = loadConfig({ API_KEYS: ENV_KEY, LOG_LEVEL: 'silent' });
    const adapters = createAdapters(config, testLogger());
    const api = buildApi({ config, adapters, logger: testLogger() });
    try {
      expect(api.auth.enabled).toBe(true);
      const handler = instrumentRoute(ROUTES.find((r) => r.name === 'jobs-list-get')!, api.deps);
      const response = await handler(
        new HttpRequest({ method: 'GET', url: 'http://localhost/v1/jobs' }),
        new InvocationContext({ functionName: 'jobs-list-get', logHandler: () => {} }),
      );
      expect(response.status).toBe(200);
    } finally {
      await api.close();
      await adapters.close();
    }
  });
});
