import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedApp, type EmbeddedApp } from '../support/embedded-app.js';
import { expectErrorBody, postJson } from '../support/http-client.js';
import { servicesMode, type ServicesMode } from '../support/services-mode.js';

/**
 * Hostile input on the real servers (Kafka, Redis, RabbitMQ, FerretDB): text the stores refuse
 * is refused at submit, naming the field.
 */
describe('hostile input on the real servers', () => {
  let run: ServicesMode;
  let app: EmbeddedApp;
  beforeAll(async () => {
    run = servicesMode('hostile-input');
    app = await startEmbeddedApp({ ...run.env, WORKER_HANDLER_ATTEMPTS: '2' });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await run?.cleanup();
  }, 30_000);

  it.each([
    ['a NUL', { city: 'A\u0000B', country_code: 'US', units: 'metric' }, 'payload.city', 'must not contain control characters'],
    ['a control character trimming would hide', { city: 'Austin\u000B', country_code: 'US', units: 'metric' }, 'payload.city', 'must not contain control characters'],
    ['an unpaired surrogate', { city: 'A\uD800B', country_code: 'US', units: 'metric' }, 'payload.city', 'must be valid Unicode text (it has an unpaired surrogate)'],
  ])('refuses %s in a payload string with a 400 naming the field', async (_what, payload, field, message) => {
    const error = expectErrorBody(await postJson(`${app.baseUrl}/v1/jobs`, { job_type: 'weather', payload }), 400, 'INVALID_PAYLOAD');
    expect(error.details?.fields).toEqual([{ field, message }]);
    expect(error.message).toBe(`payload is invalid: ${field}: ${message}`);
  });

  it('still accepts tab, newline and any other Unicode text', async () => {
    const accepted = await postJson(`${app.baseUrl}/v1/jobs`, { job_type: 'weather', payload: { city: 'São\tPaulo\n東京 🌧', country_code: 'BR', units: 'metric' } });
    expect(accepted.status).toBe(202);
  });
});
