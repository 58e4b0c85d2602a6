import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CancelJobResponseSchema,
  JobResultResponseSchema,
  JobStatusResponseSchema,
  RetryJobResponseSchema,
} from '../../contracts/index.js';
import { startEmbeddedApp, type EmbeddedApp } from '../support/embedded-app.js';
import { expectErrorBody, postJson, request, waitForTerminal, weatherJob } from '../support/http-client.js';
import { waitFor } from '../support/wait-for.js';

const post = (url: string, headers: Record<string, string> = {}) => request(url, { method: 'POST', headers });

describe('cancel and retry over HTTP on the fallback host, embedded adapters', () => {
  let app: EmbeddedApp;
  // One job at a time, slow enough to be caught running; a second job waits queued behind it.
  beforeAll(async () => {
    app = await startEmbeddedApp({ PROGRESS_RPC_TIMEOUT_MS: '1000', WORKER_CONCURRENCY: '1', SIMULATED_PROVIDER_DELAY_MS: '1500' });
  });
  afterAll(() => app.close());

  const submit = async (city = 'Austin') => {
    const response = await postJson(`${app.baseUrl}/v1/jobs`, weatherJob(city));
    expect(response.status).toBe(202);
    return response.body.job_id as string;
  };
  const status = async (jobId: string) => JobStatusResponseSchema.parse((await request(`${app.baseUrl}/v1/jobs/${jobId}/status`)).body);
  const waitForState = (jobId: string, state: string) =>
    waitFor(async () => ((await status(jobId)).state === state ? true : undefined), { timeoutMs: 10_000, intervalMs: 25, what: `job ${jobId} ${state}` });

  it('cancels a running job: 202, then failed with CANCELLED and a result without output; a second cancel is 409', async () => {
    const running = await submit();
    await waitForState(running, 'running');
    const queued = await submit('Queued City');

    const cancelled = await post(`${app.baseUrl}/v1/jobs/${running}/cancel`);
    expect(cancelled.status).toBe(202);
    expect(cancelled.headers.get('location')).toBe(`/v1/jobs/${running}/status`);
    expect(CancelJobResponseSchema.strict().parse(cancelled.body)).toMatchObject({ job_id: running, state: 'running' });

    const final = await waitForTerminal(app.baseUrl, running);
    expect(final).toMatchObject({ state: 'failed', error_code: 'CANCELLED', message: 'cancelled', cancel_requested_at: cancelled.body.cancel_requested_at });
    const result = await request(`${app.baseUrl}/v1/jobs/${running}/result`);
    expect(result.body).toMatchObject({ final_state: 'failed', output: null, error: { code: 'CANCELLED' } });

    expectErrorBody(await post(`${app.baseUrl}/v1/jobs/${running}/cancel`), 409, 'JOB_NOT_CANCELLABLE');
    // The job behind it was not held up.
    expect((await waitForTerminal(app.baseUrl, queued)).state).toBe('completed');
  });

  it('ends a queued job at once on a cancel, and its worker stores the CANCELLED result without running it', async () => {
    const first = await submit('First');
    await waitForState(first, 'running');
    const queued = await submit('Behind');
    const cancelled = await post(`${app.baseUrl}/v1/jobs/${queued}/cancel`);
    expect(cancelled.status).toBe(202);
    expect(cancelled.body.state).toBe('failed');
    expect(await status(queued)).toMatchObject({ state: 'failed', progress_percent: 0, error_code: 'CANCELLED', error_message: 'cancelled before it started' });
    const result = await waitFor(async () => {
      const response = await request(`${app.baseUrl}/v1/jobs/${queued}/result`);
      return response.status === 200 ? response.body : undefined;
    }, { timeoutMs: 10_000, what: 'the result of the cancelled job' });
    expect(result).toMatchObject({ final_state: 'failed', error: { code: 'CANCELLED', message: 'cancelled before it started' } });
    // It never ran: no time passed between its start and its end beyond the store calls.
    expect(Date.parse(result.completed_at) - Date.parse(result.started_at)).toBeLessThan(1_000);
    expect((await waitForTerminal(app.baseUrl, first)).state).toBe('completed');
  });

  it('refuses to cancel a completed job (409), an unknown one (404) and a malformed id (400)', async () => {
    const done = await submit();
    await waitForTerminal(app.baseUrl, done);
    const conflict = expectErrorBody(await post(`${app.baseUrl}/v1/jobs/${done}/cancel`), 409, 'JOB_NOT_CANCELLABLE');
    expect(conflict.details).toMatchObject({ job_id: done, state: 'completed' });
    expectErrorBody(await post(`${app.baseUrl}/v1/jobs/${randomUUID()}/cancel`), 404, 'JOB_NOT_FOUND');
    expectErrorBody(await post(`${app.baseUrl}/v1/jobs/not-a-uuid/cancel`), 400, 'INVALID_JOB_ID');
  });

  it('refuses to cancel a running job past its last milestone check (409, too late), which then completes', async () => {
    // A job whose worker has written 80 % (its provider answered; it is storing the result).
    const jobId = randomUUID();
    const now = new Date().toISOString();
    const job = { job_id: jobId, trace_id: randomUUID(), job_type: 'weather' as const, updated_at: now };
    await app.adapters.statuses.write({ ...job, state: 'queued', progress_percent: 0, message: 'queued', submitted_at: now });
    await app.adapters.statuses.write({ ...job, state: 'running', progress_percent: 80, message: 'storing result' });
    const late = expectErrorBody(await post(`${app.baseUrl}/v1/jobs/${jobId}/cancel`), 409, 'JOB_NOT_CANCELLABLE');
    expect(late.details).toEqual({ job_id: jobId, state: 'running' });
    expect(late.message).toContain('too late to cancel');
    expect(await status(jobId)).toMatchObject({ state: 'running', progress_percent: 80 });
    expect((await status(jobId)).cancel_requested_at).toBeUndefined();
  });

  it('retries a failed job as a new job that names it, and the old job lists its retries', async () => {
    const failed = await submit('Atlantis');
    expect(await waitForTerminal(app.baseUrl, failed)).toMatchObject({ state: 'failed', error_code: 'CITY_NOT_FOUND' });

    const retried = await post(`${app.baseUrl}/v1/jobs/${failed}/retry`);
    expect(retried.status).toBe(202);
    const retry = RetryJobResponseSchema.strict().parse(retried.body);
    expect(retry).toMatchObject({ retry_of: failed, job_type: 'weather', state: 'queued' });
    expect(retry.job_id).not.toBe(failed);
    expect(retried.headers.get('location')).toBe(`/v1/jobs/${retry.job_id}/status`);

    expect(await waitForTerminal(app.baseUrl, retry.job_id)).toMatchObject({ state: 'failed', retry_of: failed });
    const newResult = JobResultResponseSchema.strict().parse((await request(`${app.baseUrl}/v1/jobs/${retry.job_id}/result`)).body);
    expect(newResult).toMatchObject({ retry_of: failed, input: weatherJob('Atlantis').payload });
    const second = await post(`${app.baseUrl}/v1/jobs/${failed}/retry`);
    expect(second.status).toBe(202);

    expect((await status(failed)).retries).toEqual([retry.job_id, second.body.job_id]);
    const oldResult = JobResultResponseSchema.strict().parse((await request(`${app.baseUrl}/v1/jobs/${failed}/result`)).body);
    expect(oldResult.retries).toEqual([retry.job_id, second.body.job_id]);
    const listed = (await request(`${app.baseUrl}/v1/jobs?limit=100`)).body.items.find((item: { job_id: string }) => item.job_id === retry.job_id);
    expect(listed).toMatchObject({ retry_of: failed });
  });

  it('answers the same retry for the same Idempotency-Key, once per failed job', async () => {
    const [a, b] = [await submit('Atlantis'), await submit('Atlantis')];
    await Promise.all([waitForTerminal(app.baseUrl, a), waitForTerminal(app.baseUrl, b)]);
    const key = { 'idempotency-key': `retry-${randomUUID()}` };
    const racing = await Promise.all([post(`${app.baseUrl}/v1/jobs/${a}/retry`, key), post(`${app.baseUrl}/v1/jobs/${a}/retry`, key)]);
    expect(racing.map((r) => r.status)).toEqual([202, 202]);
    expect(racing[0]!.body.job_id).toBe(racing[1]!.body.job_id);
    expect(racing.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(1);
    expect((await status(a)).retries).toEqual([racing[0]!.body.job_id]);
    // The same key on another failed job is that job's retry, not a conflict.
    const other = await post(`${app.baseUrl}/v1/jobs/${b}/retry`, key);
    expect(other.status).toBe(202);
    expect(other.body).toMatchObject({ retry_of: b });
    expect(other.body.job_id).not.toBe(racing[0]!.body.job_id);
    expectErrorBody(await post(`${app.baseUrl}/v1/jobs/${a}/retry`, { 'idempotency-key': 'bad key' }), 400, 'INVALID_IDEMPOTENCY_KEY');
  });

  it('refuses to retry a job that did not fail (409), an unknown one (404) and a malformed id (400)', async () => {
    const done = await submit();
    const early = expectErrorBody(await post(`${app.baseUrl}/v1/jobs/${done}/retry`), 409, 'JOB_NOT_RETRYABLE');
    expect(early.details).toMatchObject({ job_id: done });
    await waitForTerminal(app.baseUrl, done);
    expect(expectErrorBody(await post(`${app.baseUrl}/v1/jobs/${done}/retry`), 409, 'JOB_NOT_RETRYABLE').details).toMatchObject({ state: 'completed' });
    expectErrorBody(await post(`${app.baseUrl}/v1/jobs/${randomUUID()}/retry`), 404, 'JOB_NOT_FOUND');
    expectErrorBody(await post(`${app.baseUrl}/v1/jobs/NOT-A-UUID/retry`), 400, 'INVALID_JOB_ID');
  });

  it('answers 503 naming the status store when it cannot record a cancel or a retry link', async () => {
    const statuses = app.adapters.statuses;
    const failed = await submit('Atlantis');
    await waitForTerminal(app.baseUrl, failed);
    const { requestCancel, linkRetry } = statuses;
    const refuse = async (): Promise<never> => {
      throw new Error('connection refused 10.0.0.7:6379');
    };
    statuses.requestCancel = refuse;
    statuses.linkRetry = refuse;
    try {
      const cancel = expectErrorBody(await post(`${app.baseUrl}/v1/jobs/${randomUUID()}/cancel`), 503, 'SERVICE_UNAVAILABLE');
      expect(cancel.message).toBe('status store is unavailable; retry shortly');
      const retry = expectErrorBody(await post(`${app.baseUrl}/v1/jobs/${failed}/retry`), 503, 'SERVICE_UNAVAILABLE');
      expect(JSON.stringify(retry)).not.toContain('10.0.0.7');
    } finally {
      statuses.requestCancel = requestCancel;
      statuses.linkRetry = linkRetry;
    }
  });

  it('counts cancels and retries in /metrics', async () => {
    const metrics = (await request(`${app.baseUrl}/metrics`)).body as string;
    expect(metrics).toMatch(/dtq_api_job_cancels_total\{job_type="weather",previous_state="running"\} [1-9]/);
    expect(metrics).toMatch(/dtq_api_job_cancels_total\{job_type="weather",previous_state="queued"\} [1-9]/);
    expect(metrics).toMatch(/dtq_api_job_retries_total\{job_type="weather",replayed="false"\} [1-9]/);
    expect(metrics).toMatch(/dtq_api_job_retries_total\{job_type="weather",replayed="true"\} [1-9]/);
  });
});
