import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaticFiles } from '../../composition/node-http/static-files.js';
import { startEmbeddedApp, type EmbeddedApp } from '../support/embedded-app.js';
import { TEST_REDIS_URL, deleteRedisKeys } from '../support/services.js';
import { uniqueName } from '../support/unique.js';
import { STATIC_WEB_APP_CONFIG_SOURCE, makeWebFolder } from '../support/web-folder.js';
import { postJson, weatherJob } from '../support/http-client.js';

const swaHeaders = (JSON.parse(readFileSync(STATIC_WEB_APP_CONFIG_SOURCE, 'utf8')) as { globalHeaders: Record<string, string> }).globalHeaders;
const directives = (csp: string | null) => (csp ?? '').split(';').map((d) => d.trim());

describe('fallback host: security headers', () => {
  let dir: string;
  let app: EmbeddedApp;
  const prefix = `${uniqueName('dtq-headers')}:`;
  beforeAll(async () => {
    // A web build as Vite makes it: index.html, a hashed asset, redirect.html and the Static Web
    // App config copied from web/public.
    dir = await makeWebFolder('dtq-web-headers', {
      'index.html': '<!doctype html><div id="root"></div>',
      'redirect.html': '<!doctype html><title>redirect</title>',
      'assets/app-1a2b.js': 'console.log(1)',
    });
    app = await startEmbeddedApp({ REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix }, { staticDir: dir });
  });
  afterAll(async () => {
    await app?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
    await deleteRedisKeys(prefix);
  });

  it('sends the Static Web App\'s headers on every UI answer: CSP, frame-ancestors and X-Frame-Options, nosniff, Referrer-Policy', async () => {
    for (const path of ['/', '/jobs/some-client-route', '/redirect.html', '/assets/app-1a2b.js']) {
      for (const method of ['GET', 'HEAD']) {
        const response = await fetch(`${app.baseUrl}${path}`, { method });
        expect(response.status, `${method} ${path}`).toBe(200);
        for (const [name, value] of Object.entries(swaHeaders)) expect(response.headers.get(name), `${method} ${path} ${name}`).toBe(value);
        const csp = directives(response.headers.get('content-security-policy'));
        // Other sites cannot frame the UI (it keeps an API key in sessionStorage); the UI itself
        // can (MSAL renews tokens in a hidden iframe on /redirect.html).
        expect(csp).toContain("frame-ancestors 'self'");
        expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
        expect(csp).toContain("script-src 'self'");
        expect(csp).toContain("img-src 'self' data:");
        expect(response.headers.get('x-content-type-options')).toBe('nosniff');
        expect(response.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
      }
    }
    // A revalidation (304) keeps them too.
    const first = await fetch(`${app.baseUrl}/`);
    await first.arrayBuffer();
    // (fetch adds `cache-control: no-cache` to a conditional request unless it has one.)
    const again = await fetch(`${app.baseUrl}/`, { headers: { 'if-none-match': first.headers.get('etag')!, 'cache-control': 'max-age=0' } });
    expect(again.status).toBe(304);
    expect(again.headers.get('content-security-policy')).toBe(swaHeaders['content-security-policy']);
  });

  it('says in docs/operations.md what each header is', () => {
    const operations = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');
    for (const value of Object.values(swaHeaders)) expect(operations).toContain(`\`${value}\``);
  });

  it('marks every API answer nosniff: JSON, errors the routes and the host make, metrics', async () => {
    const submitted = await postJson(`${app.baseUrl}/v1/jobs`, weatherJob('Header City'));
    expect(submitted.status).toBe(202);
    const answers = [
      submitted,
      await fetch(`${app.baseUrl}/healthz`),
      await fetch(`${app.baseUrl}/v1/jobs/not-a-job/status`),
      await fetch(`${app.baseUrl}/v1/nope`),
      await fetch(`${app.baseUrl}/v1/jobs`, { method: 'DELETE' }),
      await fetch(`${app.baseUrl}/metrics`),
    ];
    expect(answers.map((a) => a.status)).toEqual([202, 200, 400, 404, 405, 200]);
    for (const answer of answers) expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('refuses to serve a web folder that has no Static Web App config (it would go out without its headers)', async () => {
    const bare = await mkdtemp(join(tmpdir(), 'dtq-web-bare-'));
    try {
      await writeFile(join(bare, 'index.html'), '<!doctype html>');
      expect(() => createStaticFiles(bare)).toThrow(/staticwebapp\.config\.json/);
    } finally {
      await rm(bare, { recursive: true, force: true });
    }
  });
});
