import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisJobEvents, RedisStatusStore, closeRedis, createRedisConnection, type RedisClient } from '../../adapters/redis/index.js';
import { recordingJobEvents } from '../../core/domain/index.js';
import type { StatusStore } from '../../core/ports/index.js';
import { expectErrorBody, request } from '../support/http-client.js';
import { freePort, startNode, type RunningChild } from '../support/processes.js';
import { deleteRedisKeys } from '../support/services.js';
import { openEventStream, type SseStream } from '../support/sse-client.js';
import { startPrivateRedis, type PrivateRedis } from '../support/private-redis.js';
import { testLogger } from '../support/test-logger.js';
import { uniqueName } from '../support/unique.js';
import { FALLBACK_API_ENTRY as ENTRY, recordingRedisStatuses, startFallbackApi, workerMilestones } from '../support/event-stream-api.js';
import { waitFor } from '../support/wait-for.js';

const KEY = 'event-streams-key-5b1c9e2d7a4f';
const MAX_STREAMS = 4;
const now = () => new Date().toISOString();

/**
 * The event routes on real processes: the fallback API host (`npm run start:api`) with its
 * statuses in the test Redis, and status writes made as the worker makes them (the status store
 * every process composes, which logs and publishes each change), from this process.
 */
describe('event streams on the API process, changes written by another process', () => {
  const prefix = `${uniqueName('event-streams')}:`;
  const logger = testLogger();
  let redis: RedisClient;
  let statuses: StatusStore;
  let events: RedisJobEvents;
  let port: number;
  let api: RunningChild;
  const open: SseStream[] = [];

  const base = () => `http://127.0.0.1:${port}`;
  const auth = { 'x-api-key': KEY };

  const startApi = () => startFallbackApi({ port, prefix, apiKey: KEY, env: { EVENT_STREAMS_MAX: String(MAX_STREAMS) } });

  async function stream(path: string, headers: Record<string, string> = auth): Promise<SseStream> {
    const opened = await openEventStream(`${base()}${path}`, headers);
    open.push(opened);
    return opened;
  }

  const milestone = workerMilestones(() => statuses);

  beforeAll(async () => {
    if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run npm run build:server first (npm test does)`);
    ({ redis, events, statuses } = recordingRedisStatuses(prefix, logger));
    port = await freePort();
    api = await startApi();
  });

  afterAll(async () => {
    for (const s of open) s.close();
    await api?.stop('SIGKILL');
    await events?.close();
    if (redis) await closeRedis(redis);
    await deleteRedisKeys(prefix);
  });

  it('sends a stream opened mid-job the current state, then every later milestone in order, and ends after the final one', async () => {
    const jobId = randomUUID();
    await milestone.queued(jobId);
    await milestone.running(jobId, 20, 'started');
    const s = await stream(`/v1/jobs/${jobId}/events`);
    expect(s.status).toBe(200);
    await s.waitForEvents(1);
    await milestone.running(jobId, 50, 'calling open-meteo');
    await milestone.running(jobId, 80, 'storing result');
    await milestone.completed(jobId);
    await s.ended;
    expect(s.events.map((e) => [e.data.state, e.data.progress_percent])).toEqual([
      ['running', 20],
      ['running', 50],
      ['running', 80],
      ['completed', 100],
    ]);
    expect(s.events.every((e) => e.event === 'status' && e.data.job_id === jobId)).toBe(true);
    expect(s.events.at(-1)!.data.result_url).toBe(`/v1/jobs/${jobId}/result`);
    const ids = s.events.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('resumes from Last-Event-ID without a gap, and from last_event_id with the key in the query as EventSource must', async () => {
    const jobId = randomUUID();
    await milestone.queued(jobId);
    await milestone.running(jobId, 20, 'started');
    const first = await stream(`/v1/jobs/${jobId}/events`);
    const [seen] = await first.waitForEvents(1);
    first.close();
    await milestone.running(jobId, 50, 'calling open-meteo');
    await milestone.running(jobId, 80, 'storing result');

    const resumed = await stream(`/v1/jobs/${jobId}/events`, { ...auth, 'last-event-id': seen!.id });
    await resumed.waitForEvents(2);
    await milestone.failed(jobId);
    await resumed.ended;
    expect(resumed.events.map((e) => [e.data.state, e.data.progress_percent])).toEqual([
      ['running', 50],
      ['running', 80],
      ['failed', 80],
    ]);
    expect(resumed.events.at(-1)!.data).toMatchObject({ state: 'failed', error: { code: 'CITY_NOT_FOUND', message: 'no such city' } });

    const fromQuery = await stream(`/v1/jobs/${jobId}/events?last_event_id=${encodeURIComponent(seen!.id)}&api_key=${KEY}`, {});
    await fromQuery.ended;
    expect(fromQuery.events.map((e) => e.id)).toEqual(resumed.events.map((e) => e.id));
  });

  it('gives a client that connects after the job finished its final state at once, then ends', async () => {
    const jobId = randomUUID();
    await milestone.queued(jobId);
    await milestone.running(jobId, 20, 'started');
    await milestone.running(jobId, 50, 'calling open-meteo');
    await milestone.running(jobId, 80, 'storing result');
    await milestone.completed(jobId);
    const s = await stream(`/v1/jobs/${jobId}/events`);
    await s.ended;
    expect(s.events.map((e) => e.data.state)).toEqual(['completed']);
  });

  it('answers 404 for an unknown job and 401 without a key, in the one error shape', async () => {
    expectErrorBody(await request(`${base()}/v1/jobs/${randomUUID()}/events`, { headers: auth }), 404, 'JOB_NOT_FOUND');
    expectErrorBody(await request(`${base()}/v1/jobs/${randomUUID()}/events`), 401, 'UNAUTHORIZED');
    expectErrorBody(await request(`${base()}/v1/events?api_key=wrong`), 403, 'FORBIDDEN');
    // The query key is for the event routes only.
    expectErrorBody(await request(`${base()}/v1/jobs?api_key=${KEY}`), 401, 'UNAUTHORIZED');
  });

  it('streams only the jobs the all-jobs filter matches, with heartbeats while nothing happens', async () => {
    const scheduleId = randomUUID();
    const s = await stream(`/v1/events?job_type=quote&state=completed&schedule_id=${scheduleId}`);
    await waitFor(() => (s.comments > 0 ? true : undefined), { what: 'a heartbeat' });
    const weather = randomUUID();
    const unscheduled = randomUUID();
    const matching = randomUUID();
    await milestone.queued(weather, { schedule_id: scheduleId });
    await milestone.completed(weather);
    await milestone.queued(unscheduled, { job_type: 'quote' });
    await milestone.completed(unscheduled);
    await milestone.queued(matching, { job_type: 'quote', schedule_id: scheduleId });
    await milestone.running(matching, 20, 'started');
    await milestone.completed(matching);
    await s.waitForEvents(1);
    expect(s.events.map((e) => [e.data.job_id, e.data.state])).toEqual([[matching, 'completed']]);
    expect(s.events[0]!.id).toMatch(new RegExp(`^${matching}/\\d+-\\d+$`));
    expectErrorBody(await request(`${base()}/v1/events?state=done`, { headers: auth }), 400, 'INVALID_QUERY');
    s.close();
  });

  it(`answers 503 past EVENT_STREAMS_MAX (${MAX_STREAMS}) open streams`, async () => {
    for (const s of open) s.close();
    await waitFor(async () => ((await openStreams()) === 0 ? true : undefined), { what: 'no stream open' });
    const held = await Promise.all(Array.from({ length: MAX_STREAMS }, () => stream('/v1/events')));
    expect(held.map((s) => s.status)).toEqual(Array(MAX_STREAMS).fill(200));
    const refused = expectErrorBody(await request(`${base()}/v1/events`, { headers: auth }), 503, 'SERVICE_UNAVAILABLE');
    expect(refused.message).toContain(`${MAX_STREAMS} event streams`);
    held[0]!.close();
    await waitFor(async () => ((await openStreams()) < MAX_STREAMS ? true : undefined), { what: 'a place freed' });
    const again = await stream('/v1/events');
    expect(again.status).toBe(200);
    for (const s of open) s.close();
  });

  it('lets a client resume on a restarted API process: shutdown ends the stream cleanly, the next process serves what was missed', async () => {
    await waitFor(async () => ((await openStreams()) === 0 ? true : undefined), { what: 'no stream open' });
    const jobId = randomUUID();
    await milestone.queued(jobId);
    await milestone.running(jobId, 20, 'started');
    const before = await stream(`/v1/jobs/${jobId}/events`);
    const [seen] = await before.waitForEvents(1);
    const exit = await api.stop('SIGTERM');
    expect(exit.code).toBe(0);
    await expect(before.ended).resolves.toBe('ended');
    await milestone.running(jobId, 50, 'calling open-meteo');
    await milestone.running(jobId, 80, 'storing result');
    api = await startApi();
    const after = await stream(`/v1/jobs/${jobId}/events`, { ...auth, 'last-event-id': seen!.id });
    await after.waitForEvents(2);
    await milestone.completed(jobId);
    await after.ended;
    expect([...before.events, ...after.events].map((e) => e.data.progress_percent)).toEqual([20, 50, 80, 100]);
  });

  it('sends the final state even when its event was never logged nor published (the status is re-read at each heartbeat)', async () => {
    const jobId = randomUUID();
    await milestone.queued(jobId);
    await milestone.running(jobId, 20, 'started');
    const s = await stream(`/v1/jobs/${jobId}/events`);
    const [seen] = await s.waitForEvents(1);
    // Written as a process whose event append failed: the status store alone.
    await new RedisStatusStore({ redis, keyPrefix: prefix, logger }).write({ job_id: jobId, state: 'completed', progress_percent: 100, message: 'completed', updated_at: now() });
    await s.ended;
    expect(s.events.map((e) => e.data.state)).toEqual(['running', 'completed']);
    expect(s.events[1]!.id).not.toBe(seen!.id);
  });

  async function openStreams(): Promise<number> {
    const text = await (await fetch(`${base()}/metrics`)).text();
    return [...text.matchAll(/^dtq_api_event_streams_open\{[^}]*\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
  }
});

/** With a Redis of its own, so the API's subscriber connection can be cut without touching anyone else's. */
describe('event streams when the API loses its Redis subscriber', () => {
  const logger = testLogger();
  let privateRedis: PrivateRedis;
  let api: RunningChild;
  let port: number;
  const open: SseStream[] = [];

  beforeAll(async () => {
    if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run npm run build:server first (npm test does)`);
    privateRedis = await startPrivateRedis();
    port = await freePort();
    api = startNode(ENTRY, { PORT: String(port), WORKER_METRICS_PORT: '0', REDIS_URL: privateRedis.url, SERVE_WEB: 'false', EVENT_STREAM_HEARTBEAT_MS: '200' });
    await api.waitForLine(/dtq API ready/);
  });
  afterAll(async () => {
    for (const s of open) s.close();
    await api?.stop('SIGKILL');
    await privateRedis?.close();
  });

  it('ends the all-jobs streams so their clients catch up, and keeps a job stream going to its final event', async () => {
    const redis = createRedisConnection({ url: privateRedis.url, logger });
    const events = new RedisJobEvents({ redis, subscriber: () => createRedisConnection({ url: privateRedis.url, logger }), logger });
    const statuses = recordingJobEvents(new RedisStatusStore({ redis, logger }), { events, logger });
    try {
      const jobId = randomUUID();
      const at = now();
      await statuses.write({ job_id: jobId, state: 'queued', progress_percent: 0, message: 'queued', updated_at: at, job_type: 'quote', submitted_at: at });
      const job = await openEventStream(`http://127.0.0.1:${port}/v1/jobs/${jobId}/events`);
      const all = await openEventStream(`http://127.0.0.1:${port}/v1/events`);
      open.push(job, all);
      await job.waitForEvents(1);
      await waitFor(() => (all.comments > 0 ? true : undefined), { what: 'the all-jobs stream to be open' });
      expect(await privateRedis.client.call('CLIENT', 'KILL', 'TYPE', 'pubsub')).toBeGreaterThan(0);
      await expect(all.ended).resolves.toBe('ended');
      await statuses.write({ job_id: jobId, state: 'running', progress_percent: 20, message: 'started', updated_at: now() });
      await statuses.write({ job_id: jobId, state: 'completed', progress_percent: 100, message: 'completed', updated_at: now() });
      await job.ended;
      expect(job.events.map((e) => e.data.progress_percent)).toEqual([0, 20, 100]);
    } finally {
      await events.close();
      await closeRedis(redis);
    }
  });
});
