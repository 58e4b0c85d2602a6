import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedApp, type EmbeddedApp } from '../support/embedded-app.js';
import { expectErrorBody, postJson, weatherJob } from '../support/http-client.js';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;

/** The callback rules at submit, without CALLBACK_ALLOWED_HOSTS: no address outside the public unicast space. */
describe('callback_url at submit', () => {
  let app: EmbeddedApp;
  let withoutSecret: EmbeddedApp;
  beforeAll(async () => {
    app = await startEmbeddedApp({ WEBHOOK_SECRET: SECRET });
    withoutSecret = await startEmbeddedApp();
  });
  afterAll(async () => {
    await app?.close();
    await withoutSecret?.close();
  });

  const refusal = async (base: string, callbackUrl: string) => {
    const response = await postJson(`${base}/v1/jobs`, { ...weatherJob('Refused'), callback_url: callbackUrl });
    const error = expectErrorBody(response, 400, 'INVALID_BODY');
    const fields = error.details?.fields as Array<{ field: string; message: string }>;
    expect(fields.map((f) => f.field)).toEqual(['callback_url']);
    return fields[0]!.message;
  };

  it.each([
    ['http://127.0.0.1:9/hook', 'names 127.0.0.1, a loopback address dtq does not call'],
    ['http://10.1.2.3/hook', 'names 10.1.2.3, a private address dtq does not call'],
    ['http://169.254.169.254/latest/meta-data', 'names 169.254.169.254, a link-local address dtq does not call'],
    ['http://100.100.1.1/', 'names 100.100.1.1, a carrier-grade NAT address dtq does not call'],
    ['http://[::ffff:192.168.1.1]/', 'names ::ffff:c0a8:101, a private address dtq does not call'],
    ['http://[fd12::1]/', 'names fd12::1, a unique-local address dtq does not call'],
  ])('refuses %s', async (url, words) => {
    expect(await refusal(app.baseUrl, url)).toContain(words);
  });

  it('refuses a host name that resolves to a loopback address, after resolving it', async () => {
    expect(await refusal(app.baseUrl, 'http://localhost:9/hook')).toMatch(/^names host localhost, which resolves to (127\.0\.0\.1|::1), a loopback address dtq does not call/);
  });

  it('refuses what is no http(s) URL, or too long, or carries credentials', async () => {
    const words = 'must be an http:// or https:// URL of at most 2048 characters, without user name or password';
    for (const url of ['file:///etc/passwd', 'not a url', `https://example.com/${'a'.repeat(2048)}`, 'https://user:pw@example.com/']) {
      expect(await refusal(app.baseUrl, url)).toBe(words);
    }
  });

  it('refuses every callback_url where WEBHOOK_SECRET is not set', async () => {
    expect(await refusal(withoutSecret.baseUrl, 'https://example.com/hook')).toBe('is not accepted: this deployment sends no webhooks (WEBHOOK_SECRET is not set)');
  });
});
