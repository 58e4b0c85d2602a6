import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJobStack, type JobStack } from '../support/job-stack.js';
import { expectErrorBody, postJson, request, waitForTerminal, weatherJob } from '../support/http-client.js';
import { waitFor } from '../support/wait-for.js';

const post = (url: string, headers: Record<string, string> = {}) => request(url, { method: 'POST', headers });

/** Cancel and retry with API and worker as separate processes on Kafka, Redis, RabbitMQ and the MongoDB-wire server. */
describe('cancel and retry across processes, on the real servers', () => {
  let stack: JobStack;
  let queuedJob: string;
  let failedJob: string;
  beforeAll(async () => {
    stack = await startJobStack({ name: 'job-actions', providerDelayMs: 2_500, concurrency: 2, partitions: 2 });
    // No worker yet: these two wait on Kafka.
    queuedJob = (await postJson(`${stack.apiBase}/v1/jobs`, weatherJob('Waiting'))).body.job_id;
    failedJob = (await postJson(`${stack.apiBase}/v1/jobs`, weatherJob('Atlantis'))).body.job_id;
  }, 90_000);
  afterAll(() => stack?.close(), 30_000);

  const listed = async (jobId: string) =>
    ((await request(`${stack.apiBase}/v1/jobs?limit=100`)).body.items as Array<{ job_id: string }>).find((item) => item.job_id === jobId);
  const workerLines = () => stack.workers.flatMap((worker) => worker.process.lines);

  it('ends a queued job at once; the worker later stores its CANCELLED result and commits it without running it', async () => {
    const cancelled = await post(`${stack.apiBase}/v1/jobs/${queuedJob}/cancel`);
    expect(cancelled.status).toBe(202);
    expect(cancelled.body).toMatchObject({ job_id: queuedJob, state: 'failed' });
    expect(await listed(queuedJob)).toMatchObject({ state: 'failed', error_code: 'CANCELLED', cancel_requested_at: cancelled.body.cancel_requested_at });
    expectErrorBody(await post(`${stack.apiBase}/v1/jobs/${queuedJob}/cancel`), 409, 'JOB_NOT_CANCELLABLE');

    await stack.startWorker('w1');
    const result = await waitFor(async () => {
      const response = await request(`${stack.apiBase}/v1/jobs/${queuedJob}/result`);
      return response.status === 200 ? response.body : undefined;
    }, { timeoutMs: 45_000, intervalMs: 200, what: 'the cancelled job\'s result' });
    expect(result).toMatchObject({ final_state: 'failed', output: null, error: { code: 'CANCELLED', message: 'cancelled before it started' } });
    expect(await waitForTerminal(stack.apiBase, queuedJob)).toMatchObject({ state: 'failed', progress_percent: 0, error_code: 'CANCELLED' });
    expect((await stack.resultCounts([queuedJob])).get(queuedJob)).toBe(1);
    const line = workerLines().find((l) => l.includes('job cancelled; not calling its provider') && l.includes(queuedJob));
    expect(line && JSON.parse(line)).toMatchObject({ job_id: queuedJob, trace_id: expect.any(String), progress_percent: 0 });
  }, 90_000);

  it('ends a running job failed with CANCELLED at its next milestone', async () => {
    const jobId = (await postJson(`${stack.apiBase}/v1/jobs`, weatherJob('Slow'))).body.job_id as string;
    await waitFor(async () => ((await request(`${stack.apiBase}/v1/jobs/${jobId}/status`)).body.progress_percent === 50 ? true : undefined), {
      timeoutMs: 30_000,
      intervalMs: 50,
      what: `job ${jobId} calling its provider`,
    });
    const cancelled = await post(`${stack.apiBase}/v1/jobs/${jobId}/cancel`);
    expect(cancelled.status).toBe(202);
    expect(cancelled.body.state).toBe('running');
    const final = await waitForTerminal(stack.apiBase, jobId, 30_000);
    expect(final).toMatchObject({ state: 'failed', progress_percent: 50, error_code: 'CANCELLED', error_message: 'cancelled at 50%', cancel_requested_at: cancelled.body.cancel_requested_at });
    expect((await request(`${stack.apiBase}/v1/jobs/${jobId}/result`)).body).toMatchObject({ output: null, error: { code: 'CANCELLED' } });
    expectErrorBody(await post(`${stack.apiBase}/v1/jobs/${jobId}/cancel`), 409, 'JOB_NOT_CANCELLABLE');
  }, 60_000);

  it('retries a failed job as a new job linked both ways, once per Idempotency-Key', async () => {
    expect(await waitForTerminal(stack.apiBase, failedJob, 30_000)).toMatchObject({ state: 'failed', error_code: 'CITY_NOT_FOUND' });
    const key = { 'idempotency-key': randomUUID() };
    const retried = await post(`${stack.apiBase}/v1/jobs/${failedJob}/retry`, key);
    expect(retried.status).toBe(202);
    expect(retried.body.retry_of).toBe(failedJob);
    const again = await post(`${stack.apiBase}/v1/jobs/${failedJob}/retry`, key);
    expect(again.status).toBe(202);
    expect(again.body.job_id).toBe(retried.body.job_id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');

    expect(await waitForTerminal(stack.apiBase, retried.body.job_id, 30_000)).toMatchObject({ state: 'failed', retry_of: failedJob, error_code: 'CITY_NOT_FOUND' });
    expect((await request(`${stack.apiBase}/v1/jobs/${failedJob}/status`)).body.retries).toEqual([retried.body.job_id]);
    expect((await request(`${stack.apiBase}/v1/jobs/${failedJob}/result`)).body).toMatchObject({ retries: [retried.body.job_id], input: weatherJob('Atlantis').payload });
    expect((await request(`${stack.apiBase}/v1/jobs/${retried.body.job_id}/result`)).body).toMatchObject({ retry_of: failedJob });
    // A cancelled job failed too, so it can be run again.
    const rerun = await post(`${stack.apiBase}/v1/jobs/${queuedJob}/retry`);
    expect(rerun.status).toBe(202);
    expect(await waitForTerminal(stack.apiBase, rerun.body.job_id, 30_000)).toMatchObject({ state: 'completed', retry_of: queuedJob });
    expectErrorBody(await post(`${stack.apiBase}/v1/jobs/${rerun.body.job_id}/retry`), 409, 'JOB_NOT_RETRYABLE');
  }, 60_000);
});
