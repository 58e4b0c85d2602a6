import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DtqClient, DtqWaitTimeoutError, type JobEvent } from '../../client/index.js';
import type { StatusStore } from '../../core/ports/index.js';
import { startEmbeddedApp, type EmbeddedApp } from '../support/embedded-app.js';
import { weatherJob } from '../support/http-client.js';
import { FALLBACK_API_ENTRY as ENTRY, recordingRedisStatuses, startFallbackApi, workerMilestones } from '../support/event-stream-api.js';
import { freePort, type RunningChild } from '../support/processes.js';
import { deleteRedisKeys } from '../support/services.js';
import { testLogger } from '../support/test-logger.js';
import { uniqueName } from '../support/unique.js';
import { waitFor } from '../support/wait-for.js';

const KEY = `client-events-${randomUUID()}`;

/** Reads an event iterator in the background, so a test can write while it waits. */
function collect(events: AsyncIterable<JobEvent>): { seen: JobEvent[]; ended: Promise<void> } {
  const seen: JobEvent[] = [];
  const ended = (async () => {
    for await (const event of events) seen.push(event);
  })();
  return { seen, ended };
}

describe('the typed client waiting on a running dtq (API, worker and UI in one process)', () => {
  let app: EmbeddedApp;
  let client: DtqClient;

  beforeAll(async () => {
    app = await startEmbeddedApp({ API_KEYS: KEY, SIMULATED_PROVIDER_DELAY_MS: '800' });
    client = new DtqClient({ baseUrl: app.baseUrl, apiKey: KEY });
  });
  afterAll(() => app?.close());

  it('waitUntilDone resolves with the final status of a job that is running', async () => {
    const job = await client.submit(weatherJob('Waiting City'));
    await waitFor(async () => ((await client.get(job.job_id)).state === 'running' ? true : undefined), { what: 'the job to run' });
    const status = await client.waitUntilDone(job.job_id, { timeoutMs: 30_000 });
    expect(status).toMatchObject({ job_id: job.job_id, state: 'completed', progress_percent: 100 });
    expect(status.milestones?.['100']).toBeDefined();
  });
});

/**
 * The client against the fallback API host (`npm run start:api`) on the test Redis, with the
 * job's milestones written from this process as the worker writes them (the status store every
 * process composes), so a test says when each one happens and can restart the API between two.
 */
describe('the typed client following event streams of a real API process', () => {
  const prefix = `${uniqueName('client-events')}:`;
  const logger = testLogger();
  let writer: ReturnType<typeof recordingRedisStatuses> | undefined;
  let statuses: StatusStore;
  let port: number;
  let api: RunningChild;
  let client: DtqClient;

  const startApi = () => startFallbackApi({ port, prefix, apiKey: KEY });
  const milestone = workerMilestones(() => statuses);

  beforeAll(async () => {
    if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run npm run build:server first (npm test does)`);
    writer = recordingRedisStatuses(prefix, logger);
    statuses = writer.statuses;
    port = await freePort();
    api = await startApi();
    client = new DtqClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: KEY });
  });

  afterAll(async () => {
    await api?.stop('SIGKILL');
    await writer?.close();
    await deleteRedisKeys(prefix);
  });

  it('jobEvents yields the current state, then every later milestone in order, and ends after the final one', async () => {
    const jobId = randomUUID();
    await milestone.queued(jobId);
    await milestone.running(jobId, 20, 'started');
    const stream = collect(client.jobEvents(jobId));
    await waitFor(() => (stream.seen.length >= 1 ? true : undefined), { what: 'the current state' });
    await milestone.running(jobId, 50, 'calling open-meteo');
    await milestone.running(jobId, 80, 'storing result');
    await milestone.completed(jobId);
    await stream.ended;
    expect(stream.seen.map((event) => [event.state, event.progress_percent])).toEqual([
      ['running', 20],
      ['running', 50],
      ['running', 80],
      ['completed', 100],
    ]);
    expect(stream.seen.at(-1)!.result_url).toBe(`/v1/jobs/${jobId}/result`);
    expect(stream.seen.every((event) => event.event_id !== undefined)).toBe(true);
  });

  it('resumes a stream cut by an API restart with Last-Event-ID, losing and repeating no event', async () => {
    const jobId = randomUUID();
    await milestone.queued(jobId);
    await milestone.running(jobId, 20, 'started');
    const stream = collect(client.jobEvents(jobId));
    await waitFor(() => (stream.seen.length >= 1 ? true : undefined), { what: 'the current state' });
    expect((await api.stop('SIGTERM')).code).toBe(0);
    // Written while no API process runs: only the event log in Redis has them.
    await milestone.running(jobId, 50, 'calling open-meteo');
    await milestone.running(jobId, 80, 'storing result');
    api = await startApi();
    await waitFor(() => (stream.seen.length >= 3 ? true : undefined), { timeoutMs: 20_000, what: 'the missed milestones after the restart' });
    await milestone.completed(jobId);
    await stream.ended;
    expect(stream.seen.map((event) => event.progress_percent)).toEqual([20, 50, 80, 100]);
    const ids = stream.seen.map((event) => event.event_id);
    expect(new Set(ids).size).toBe(ids.length);
  }, 40_000);

  it('waitUntilDone rejects with DtqWaitTimeoutError when timeoutMs passes, and the job goes on', async () => {
    const jobId = randomUUID();
    await milestone.queued(jobId);
    const waited = await client.waitUntilDone(jobId, { timeoutMs: 300 }).catch((error: unknown) => error);
    expect(waited).toBeInstanceOf(DtqWaitTimeoutError);
    expect(waited).toMatchObject({ jobId });
    expect((waited as Error).message).toContain(jobId);
    expect((await client.get(jobId)).state).toBe('queued');
  });

  it('waitUntilDone follows a job to its end across the milestones written after the call', async () => {
    const jobId = randomUUID();
    await milestone.queued(jobId);
    const waiting = client.waitUntilDone(jobId, { timeoutMs: 20_000 });
    await milestone.running(jobId, 20, 'started');
    await milestone.running(jobId, 80, 'storing result');
    await milestone.completed(jobId);
    await expect(waiting).resolves.toMatchObject({ job_id: jobId, state: 'completed', progress_percent: 100 });
  });
});
