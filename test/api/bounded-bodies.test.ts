// What a client sent, or made happen, never makes an answer grow without bound: a job retried
// many times lists its newest retries and says how many it left out; a value echoed in an error
// (an unknown job type, an unknown field's name) is cut to a few dozen characters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBodySchema, JobResultResponseSchema, JobStatusResponseSchema, MAX_LISTED_RETRIES } from '../../contracts/index.js';
import { startEmbeddedApp, type EmbeddedApp } from '../support/embedded-app.js';
import { postJson, request, waitForTerminal, weatherJob } from '../support/http-client.js';
import { TEST_REDIS_URL, deleteRedisKeys } from '../support/services.js';
import { uniqueName } from '../support/unique.js';
import { waitFor } from '../support/wait-for.js';

const RETRIES = MAX_LISTED_RETRIES + 5;
const ECHO_LIMIT = 64;

describe('bounded answers on the fallback host, statuses in Redis', () => {
  const prefix = `${uniqueName('dtq-bounded')}:`;
  let app: EmbeddedApp;
  beforeAll(async () => {
    app = await startEmbeddedApp({ REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix, PROGRESS_RPC_TIMEOUT_MS: '2000' });
  });
  afterAll(async () => {
    await app?.close();
    await deleteRedisKeys(prefix);
  });

  it(`lists the newest ${MAX_LISTED_RETRIES} retries of a job and counts the others, in its status, result and listing`, async () => {
    const failed = (await postJson(`${app.baseUrl}/v1/jobs`, weatherJob('Atlantis'))).body.job_id as string;
    expect((await waitForTerminal(app.baseUrl, failed)).state).toBe('failed');
    await waitFor(async () => ((await request(`${app.baseUrl}/v1/jobs/${failed}/result`)).status === 200 ? true : undefined), { what: 'the failed result' });
    const retries: string[] = [];
    for (let i = 0; i < RETRIES; i++) {
      const retry = await request(`${app.baseUrl}/v1/jobs/${failed}/retry`, { method: 'POST' });
      expect(retry.status).toBe(202);
      retries.push(retry.body.job_id);
    }
    const newest = retries.slice(-MAX_LISTED_RETRIES);

    const status = JobStatusResponseSchema.parse((await request(`${app.baseUrl}/v1/jobs/${failed}/status`)).body);
    expect(status.retries).toEqual(newest);
    expect(status.retries_omitted).toBe(RETRIES - MAX_LISTED_RETRIES);

    const result = JobResultResponseSchema.parse((await request(`${app.baseUrl}/v1/jobs/${failed}/result`)).body);
    expect(result.retries).toEqual(newest);
    expect(result.retries_omitted).toBe(RETRIES - MAX_LISTED_RETRIES);

    const listed = (await request(`${app.baseUrl}/v1/jobs?limit=100`)).body.items.find((item: { job_id: string }) => item.job_id === failed);
    expect(listed.retries).toEqual(newest);
    expect(listed.retries_omitted).toBe(RETRIES - MAX_LISTED_RETRIES);
  }, 60_000);

  it('echoes at most a few dozen characters of an unknown job type or field name', async () => {
    const huge = 'j'.repeat(200_000);
    const unknownType = await postJson(`${app.baseUrl}/v1/jobs`, { job_type: huge, payload: {} });
    expect(unknownType.status).toBe(400);
    const typeError = ErrorBodySchema.parse(unknownType.body).error;
    expect(typeError.code).toBe('UNKNOWN_JOB_TYPE');
    expect(typeError.message).toMatch(/^job_type "j+…" is not one of /);
    expect(JSON.stringify(unknownType.body).length).toBeLessThan(1_000);
    expect(String(typeError.details?.job_type).length).toBeLessThanOrEqual(ECHO_LIMIT + 1);

    const unknownField = await postJson(`${app.baseUrl}/v1/jobs`, {
      job_type: 'weather',
      payload: { city: 'Austin', country_code: 'US', units: 'metric', [huge]: 1, [`k${huge}`]: 2, [`l${huge}`]: 3 },
    });
    expect(unknownField.status).toBe(400);
    const fieldError = ErrorBodySchema.parse(unknownField.body).error;
    expect(JSON.stringify(unknownField.body).length).toBeLessThan(1_000);
    expect(fieldError.details?.fields?.[0]?.field).toMatch(/^payload\.j+…$/);
  });
});
