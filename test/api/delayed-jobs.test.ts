import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobStatusResponseSchema, ListJobsResponseSchema, SubmitJobResponseSchema } from '../../contracts/index.js';
import { startEmbeddedApp, type EmbeddedApp } from '../support/embedded-app.js';
import { expectErrorBody, postJson, request, waitForTerminal, weatherJob } from '../support/http-client.js';

describe('delayed jobs over HTTP on the fallback host, embedded adapters', () => {
  let app: EmbeddedApp;
  beforeAll(async () => {
    app = await startEmbeddedApp({});
  });
  afterAll(() => app.close());

  const submit = async (extra: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const response = await postJson(`${app.baseUrl}/v1/jobs`, { ...weatherJob('Later'), ...extra }, headers);
    expect(response.status, JSON.stringify(response.body)).toBe(202);
    return SubmitJobResponseSchema.strict().parse(response.body);
  };
  const status = async (jobId: string) => JobStatusResponseSchema.strict().parse((await request(`${app.baseUrl}/v1/jobs/${jobId}/status`)).body);

  it('keeps a job queued with run_at until then, lists it, and starts it no earlier', async () => {
    const job = await submit({ delay_ms: 1_500 });
    expect(job.run_at).toBe(new Date(Date.parse(job.submitted_at) + 1_500).toISOString());
    expect(await status(job.job_id)).toMatchObject({ state: 'queued', progress_percent: 0, run_at: job.run_at });
    const list = ListJobsResponseSchema.parse((await request(`${app.baseUrl}/v1/jobs?state=queued`)).body);
    expect(list.items.find((item) => item.job_id === job.job_id)).toMatchObject({ state: 'queued', run_at: job.run_at });

    const final = await waitForTerminal(app.baseUrl, job.job_id);
    expect(final).toMatchObject({ state: 'completed', run_at: job.run_at });
    expect(Date.parse(final.milestones['20'])).toBeGreaterThanOrEqual(Date.parse(job.run_at!));
  });

  it('takes run_at with any offset; a run_at in the past runs at once', async () => {
    const at = new Date(Date.now() + 60_000);
    const offset = new Date(at.getTime() + 2 * 3_600_000).toISOString().replace('Z', '+02:00');
    const later = await submit({ run_at: offset });
    expect(later.run_at).toBe(at.toISOString());
    const past = await submit({ run_at: '2020-01-01T00:00:00Z' });
    expect(past.run_at).toBeUndefined();
    expect((await waitForTerminal(app.baseUrl, past.job_id)).state).toBe('completed');
  });

  it('a replay with the same Idempotency-Key names the same job and start', async () => {
    const key = `delayed-${Date.now()}`;
    const first = await submit({ delay_ms: 60_000 }, { 'idempotency-key': key });
    const again = await submit({ delay_ms: 60_000 }, { 'idempotency-key': key });
    expect(again).toEqual(first);
  });

  it('cancels a waiting job: it ends CANCELLED at once with its result, and is never run', async () => {
    const job = await submit({ delay_ms: 1_000 });
    const cancelled = await request(`${app.baseUrl}/v1/jobs/${job.job_id}/cancel`, { method: 'POST' });
    expect(cancelled.status).toBe(202);
    expect(await status(job.job_id)).toMatchObject({ state: 'failed', error_code: 'CANCELLED', run_at: job.run_at });
    const result = await request(`${app.baseUrl}/v1/jobs/${job.job_id}/result`);
    expect(result.body).toMatchObject({ final_state: 'failed', output: null, error: { code: 'CANCELLED' } });
    expect(await app.adapters.delayed.remove(job.job_id)).toBeUndefined();
  });

  it.each([
    [{ delay_ms: -1 }, 'delay_ms', 'must be a whole number of milliseconds from 0 to 2592000000 (30 days)'],
    [{ delay_ms: 2_592_000_001 }, 'delay_ms', 'must be a whole number of milliseconds from 0 to 2592000000 (30 days)'],
    [{ delay_ms: 1.5 }, 'delay_ms', 'must be a whole number of milliseconds from 0 to 2592000000 (30 days)'],
    [{ run_at: 'tomorrow' }, 'run_at', 'must be a time in RFC 3339 with an offset, such as 2030-01-31T09:00:00Z or 2030-01-31T10:00:00+01:00'],
    [{ run_at: '2030-01-31T09:00:00' }, 'run_at', 'must be a time in RFC 3339 with an offset, such as 2030-01-31T09:00:00Z or 2030-01-31T10:00:00+01:00'],
    [{ run_at: '2999-01-01T00:00:00Z' }, 'run_at', 'must be at most 30 days (2592000000 ms) after the submit'],
    [{ delay_ms: 10, run_at: '2030-01-31T09:00:00Z' }, 'run_at', 'cannot be given with delay_ms: give one of them'],
  ])('refuses %j with a 400 naming %s', async (extra, field, message) => {
    const response = await postJson(`${app.baseUrl}/v1/jobs`, { ...weatherJob('Never'), ...extra });
    const error = expectErrorBody(response, 400, 'INVALID_BODY');
    expect(error.details?.fields).toEqual([{ field, message }]);
  });
});
