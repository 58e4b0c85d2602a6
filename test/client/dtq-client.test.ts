import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DtqAuthError,
  DtqClient,
  DtqConflictError,
  DtqInvalidRequestError,
  DtqNetworkError,
  DtqNotFoundError,
  isDtqError,
} from '../../client/index.js';
import { startEmbeddedApp, type EmbeddedApp } from '../support/embedded-app.js';
import { weatherJob } from '../support/http-client.js';
import { waitFor } from '../support/wait-for.js';

const API_KEY = `client-test-${randomUUID()}`;

describe('the typed client against a running dtq', () => {
  let app: EmbeddedApp;
  let client: DtqClient;

  beforeAll(async () => {
    app = await startEmbeddedApp({ API_KEYS: API_KEY, SIMULATED_PROVIDER_DELAY_MS: '200' });
    client = new DtqClient({ baseUrl: app.baseUrl, apiKey: API_KEY });
  });
  afterAll(() => app?.close());

  const untilEnded = (jobId: string) =>
    waitFor(async () => {
      const status = await client.get(jobId);
      return status.state === 'completed' || status.state === 'failed' ? status : undefined;
    }, { timeoutMs: 15_000, intervalMs: 50, what: `job ${jobId} to end` });

  it('submits, reads the status and the result, and lists the job', async () => {
    const job = await client.submit(weatherJob('Client City'));
    expect(job).toMatchObject({ job_type: 'weather', state: 'queued' });
    expect((await untilEnded(job.job_id)).state).toBe('completed');
    const result = await client.result(job.job_id);
    expect(result).toMatchObject({ job_id: job.job_id, job_type: 'weather', final_state: 'completed' });
    const listed = await client.list({ job_type: 'weather' }, { limit: 50 });
    expect(listed.items.map((item) => item.job_id)).toContain(job.job_id);
  });

  it('answers errors as typed classes carrying dtq codes and the fields concerned', async () => {
    const invalid = await client.submit({ job_type: 'weather', payload: { city: '' } }).catch((error: unknown) => error);
    expect(invalid).toBeInstanceOf(DtqInvalidRequestError);
    expect(invalid).toMatchObject({ status: 400, code: 'INVALID_PAYLOAD' });
    expect((invalid as DtqInvalidRequestError).fields.length).toBeGreaterThan(0);

    const missing = await client.get(randomUUID()).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(DtqNotFoundError);
    expect(isDtqError(missing, 'JOB_NOT_FOUND')).toBe(true);

    const done = await client.submit(weatherJob('Done City'));
    await untilEnded(done.job_id);
    const late = await client.cancel(done.job_id).catch((error: unknown) => error);
    expect(late).toBeInstanceOf(DtqConflictError);
    expect(late).toMatchObject({ code: 'JOB_NOT_CANCELLABLE' });

    const stranger = new DtqClient({ baseUrl: app.baseUrl, apiKey: 'not-a-key' });
    const refused = await stranger.get(done.job_id).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DtqAuthError);
    expect(refused).toMatchObject({ status: 403, code: 'FORBIDDEN' });
  });

  it('sends a submit again after a lost answer and makes one job, not two', async () => {
    let lost = 0;
    // The request reaches dtq, the answer is lost on the way back: what a dropped connection does.
    const losingFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (init?.method === 'POST' && lost === 0) {
        lost++;
        await response.body?.cancel();
        throw new TypeError('fetch failed: the connection was reset');
      }
      return response;
    };
    const flaky = new DtqClient({ baseUrl: app.baseUrl, apiKey: API_KEY, fetch: losingFetch });
    const city = `Lost ${randomUUID().slice(0, 8)}`;
    const job = await flaky.submit(weatherJob(city));
    expect(lost).toBe(1);
    // Every job for this city, whatever its id: the lost first answer's job is the same job.
    const listed = await client.list({ job_type: 'weather' }, { limit: 100 });
    const made = listed.items.filter((item) => item.label?.startsWith(city));
    expect(made.map((item) => item.job_id)).toEqual([job.job_id]);
    await untilEnded(job.job_id);
  });

  it('gives up on a server that does not answer within the request deadline, naming it', async () => {
    const slow = new DtqClient({
      baseUrl: app.baseUrl,
      apiKey: API_KEY,
      requestTimeoutMs: 50,
      // A network that never delivers the answer.
      fetch: (_input, init) => new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason))),
    });
    const error = await slow.get(randomUUID()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DtqNetworkError);
    expect((error as Error).message).toContain('no answer within 50 ms');
  });
});
