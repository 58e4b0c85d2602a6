import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_MESSAGE_HEADERS, SCHEMA_VERSION } from '../../contracts/index.js';
import { RESULT_REFUSED, RESULT_REFUSED_MESSAGE, topicFor } from '../../core/domain/index.js';
import { startEmbeddedApp, type EmbeddedApp } from '../support/embedded-app.js';
import { expectErrorBody, postJson, request, waitForTerminal } from '../support/http-client.js';
import { servicesMode, type ServicesMode } from '../support/services-mode.js';

/**
 * Hostile input on the real servers (Kafka, Redis, RabbitMQ, FerretDB): text the stores refuse
 * is refused at submit, naming the field; a job that still carries such text (its record put on
 * the topic directly, as any producer can) ends with a durable failed outcome that /result and
 * /retry agree on, and no answer shows the servers' internals.
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

  /** What a store's or a driver's message looks like: Go source paths, SQLSTATE, driver names. */
  const INTERNALS = /SQLSTATE|\.go:|Mongo|postgres|handler\.\(|ECONN|127\.0\.0\.1/i;

  it('ends a job the result store refuses (NUL in its input, straight from Kafka) failed RESULT_REFUSED, durably', async () => {
    const jobId = randomUUID();
    const message = {
      schema_version: SCHEMA_VERSION,
      job_id: jobId,
      job_type: 'weather',
      submitted_at: new Date().toISOString(),
      trace_id: randomUUID(),
      payload: { city: 'A\u0000B', country_code: 'US', units: 'metric' },
    };
    await app.adapters.queue.publish({
      topic: topicFor('weather', run.env.KAFKA_TOPIC_TEMPLATE),
      key: jobId,
      value: Buffer.from(JSON.stringify(message)),
      headers: { ...JOB_MESSAGE_HEADERS },
    });

    const status = await waitForTerminal(app.baseUrl, jobId, 60_000);
    expect(status).toMatchObject({ state: 'failed', error_code: RESULT_REFUSED, error_message: RESULT_REFUSED_MESSAGE });
    const result = await request(`${app.baseUrl}/v1/jobs/${jobId}/result`);
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ job_id: jobId, final_state: 'failed', input: {}, output: null, error: { code: RESULT_REFUSED, message: RESULT_REFUSED_MESSAGE } });
    // /retry agrees: the job failed for good and its input is not kept, so no "try again shortly".
    const retry = expectErrorBody(await request(`${app.baseUrl}/v1/jobs/${jobId}/retry`, { method: 'POST' }), 409, 'JOB_NOT_RETRYABLE');
    expect(retry.message).toContain('cannot be submitted again');
    expect(retry.message).not.toContain('try again shortly');
    for (const answer of [JSON.stringify(status), JSON.stringify(result.body), retry.message]) expect(answer).not.toMatch(INTERNALS);

    // It ended durably, so its record was never dead-lettered.
    const letters = await request(`${app.baseUrl}/v1/dead-letters?limit=100`);
    expect(letters.status).toBe(200);
    expect(letters.body.items.filter((item: { job_id?: string }) => item.job_id === jobId)).toEqual([]);
  }, 90_000);
});
