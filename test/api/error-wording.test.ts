// Bad input is answered in dtq's own words, naming the field, never in zod's ("Too big: expected
// string to have <=255 characters", "expected number, received NaN").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.js';
import { startEmbeddedApp, type EmbeddedApp } from '../support/embedded-app.js';
import { expectErrorBody, postJson, request, weatherJob } from '../support/http-client.js';

describe('error wording', () => {
  let app: EmbeddedApp;
  beforeAll(async () => {
    app = await startEmbeddedApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it.each([
    ['/v1/jobs', 'abc'],
    ['/v1/jobs', '1.5'],
    ['/v1/jobs', '0'],
    ['/v1/jobs', '101'],
    ['/v1/jobs', ''],
    ['/v1/dead-letters', 'abc'],
    ['/v1/dead-letters', '-3'],
  ])('GET %s?limit=%s names limit and its range', async (path, limit) => {
    const error = expectErrorBody(await request(`${app.baseUrl}${path}?limit=${limit}`), 400, 'INVALID_QUERY');
    expect(error.message).toBe('query is invalid: limit: must be a whole number from 1 to 100');
    expect(error.details).toEqual({ fields: [{ field: 'limit', message: 'must be a whole number from 1 to 100' }] });
  });

  it.each([
    ['too long', 'k'.repeat(300)],
    ['with a space', 'a b'],
  ])('an Idempotency-Key %s is named with what a key may be', async (_, key) => {
    const error = expectErrorBody(await postJson(`${app.baseUrl}/v1/jobs`, weatherJob(), { 'idempotency-key': key }), 400, 'INVALID_IDEMPOTENCY_KEY');
    expect(error.message).toBe('Idempotency-Key header must be 1-255 visible ASCII characters');
    expect(error.details).toEqual({ fields: [{ field: 'Idempotency-Key', message: 'must be 1-255 visible ASCII characters' }] });
  });

  it.each([
    ['PORT', 'abc', 'PORT must be a number'],
    ['WORKER_CONCURRENCY', '0', 'WORKER_CONCURRENCY must be greater than 0'],
    ['SHUTDOWN_TIMEOUT_MS', '1.5', 'SHUTDOWN_TIMEOUT_MS must be a whole number, not a number with a fraction'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL must be one of "fatal", "error", "warn", "info", "debug", "trace", "silent"'],
  ])('a bad %s=%s is named in the same words', (variable, value, words) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(`invalid configuration: ${words}`);
  });
});
