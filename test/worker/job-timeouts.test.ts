/**
 * Job timeouts on the real servers (Kafka, Redis, RabbitMQ, MongoDB), through the API over HTTP
 * and a worker with one slot. The weather handler here ignores its signal and hangs until the test
 * lets it go, the worst a handler can do: the job must still fail with TIMEOUT at its deadline,
 * the slot must run the next job, and the handler's late answer must change nothing.
 */
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESULT_COLLECTION, TIMEOUT_ERROR_CODE } from '../../contracts/index.js';
import type { JobHandlerRegistry } from '../../core/ports/index.js';
import { expectErrorBody, postJson, request, waitForTerminal, weatherJob } from '../support/http-client.js';
import { startEmbeddedApp, type EmbeddedApp } from '../support/embedded-app.js';
import { TEST_MONGODB_URI } from '../support/services.js';
import { servicesMode } from '../support/services-mode.js';
import { deferred, waitFor } from '../support/wait-for.js';

const exchangeRateJob = { job_type: 'exchange_rate', payload: { base: 'USD', target: 'EUR', amount: 10 } };

describe('a job that runs longer than its timeout, with a handler that ignores its signal', () => {
  const services = servicesMode('dtq-timeouts');
  const started: string[] = [];
  const release = deferred();
  const lateProgress: string[] = [];
  let app: EmbeddedApp;
  let mongo: MongoClient;

  /** The weather handler: waits for the test, never looking at its signal, then answers as the simulation does. */
  const hangingWeather = (handlers: JobHandlerRegistry): JobHandlerRegistry => ({
    ...handlers,
    weather: {
      ...handlers.weather,
      run: async (payload, context) => {
        started.push(context.jobId);
        await release.promise;
        try {
          await context.progress('answering late');
          lateProgress.push('written');
        } catch {
          lateProgress.push('refused');
        }
        return handlers.weather.run(payload, { ...context, signal: new AbortController().signal });
      },
    },
  });

  beforeAll(async () => {
    app = await startEmbeddedApp({ ...services.env, WORKER_CONCURRENCY: '1', SIMULATED_PROVIDER_DELAY_MS: '0' }, { wrapHandlers: hangingWeather });
    mongo = await MongoClient.connect(TEST_MONGODB_URI);
  }, 60_000);
  afterAll(async () => {
    release.resolve();
    await app?.close();
    await mongo?.close();
    await services.cleanup();
  }, 60_000);

  const gauge = async (name: 'abandonedHandlers' | 'jobsTimedOut') =>
    (await app.worker.metrics[name].get()).values.find((value) => value.labels.job_type === 'weather')?.value ?? 0;

  it('fails the job with TIMEOUT at its deadline, frees its slot for the next job, and ignores the late answer', async () => {
    const slow = await postJson(`${app.baseUrl}/v1/jobs`, { ...weatherJob('Hanging'), timeout_ms: 1_000 });
    expect(slow.status).toBe(202);
    const slowId = slow.body.job_id as string;
    await waitFor(() => (started.includes(slowId) ? true : undefined), { timeoutMs: 30_000, what: 'the hanging handler to start' });

    // One slot, held by a handler that never settles on its own: the next job runs only if the timeout freed it.
    const next = await postJson(`${app.baseUrl}/v1/jobs`, exchangeRateJob);
    expect(next.status).toBe(202);
    expect(await waitForTerminal(app.baseUrl, next.body.job_id, 30_000)).toMatchObject({ state: 'completed', timeout_ms: 300_000 });

    const timedOut = await waitForTerminal(app.baseUrl, slowId, 30_000);
    expect(timedOut).toMatchObject({ state: 'failed', error_code: TIMEOUT_ERROR_CODE, error_message: 'ran longer than its timeout of 1000 ms', timeout_ms: 1_000 });
    const result = await request(`${app.baseUrl}/v1/jobs/${slowId}/result`);
    expect(result.body).toMatchObject({ final_state: 'failed', output: null, error: { code: 'TIMEOUT', message: 'ran longer than its timeout of 1000 ms' } });
    // The decision: a timeout ends the job. Its handler ran once; no retry, no redelivery.
    expect(started.filter((id) => id === slowId)).toHaveLength(1);
    expect(await gauge('jobsTimedOut')).toBe(1);
    expect(await gauge('abandonedHandlers')).toBe(1);

    // The abandoned handler answers at last: its progress report is refused and its answer dropped.
    release.resolve();
    await waitFor(async () => ((await gauge('abandonedHandlers')) === 0 && lateProgress.length === 1 ? true : undefined), { what: 'the abandoned handler to settle' });
    expect(lateProgress).toEqual(['refused']);
    const after = await request(`${app.baseUrl}/v1/jobs/${slowId}/status`);
    expect(after.body).toMatchObject({ state: 'failed', progress_percent: timedOut.progress_percent, error_code: TIMEOUT_ERROR_CODE, updated_at: timedOut.updated_at });
    const documents = await mongo.db(services.env.MONGODB_DATABASE).collection(RESULT_COLLECTION).find({ job_id: slowId }).toArray();
    expect(documents).toHaveLength(1);
    expect(documents[0]).toMatchObject({ final_state: 'failed', error: { code: 'TIMEOUT' } });
  }, 90_000);

  it.each([
    [999, 'must be at least 1000'],
    [1_500.5, 'must be a whole number'],
    ['5000', 'must be a number, not a string'],
    [3_600_001, 'must be at most 3600000 ms, the longest timeout this deployment allows'],
    [86_400_001, 'must be at most 86400000'],
  ])('refuses timeout_ms %j with a 400 naming the field', async (timeout, words) => {
    const response = await postJson(`${app.baseUrl}/v1/jobs`, { ...weatherJob(), timeout_ms: timeout });
    const error = expectErrorBody(response, 400, 'INVALID_BODY');
    expect(error.details?.fields).toEqual([{ field: 'timeout_ms', message: expect.stringContaining(words) }]);
  });
});
