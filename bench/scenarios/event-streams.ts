import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisJobEvents, RedisStatusStore, closeRedis, createRedisConnection } from '../../adapters/redis/index.js';
import { DtqClient } from '../../client/index.js';
import { recordingJobEvents } from '../../core/domain/index.js';
import type { Logger } from '../../core/ports/index.js';
import { API_HOST_SCRIPT, REDIS_URL, baseEnv, type BenchSettings } from '../lib/dtq-stack.js';
import { freePort, readRss, startProcess, waitUntil } from '../lib/processes.js';
import { percentiles, round } from '../lib/stats.js';

export interface DelaySummary {
  events: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface EventStreamsResult {
  streams: number;
  writes: number;
  writesPerSecond: number;
  /** The API process's RSS with no stream open (after a warm-up stream), and with every stream open after the writes. */
  rssNoStreamsMb: number;
  rssStreamsOpenMb: number;
  /** Of the API process over the whole run (VmHWM). */
  peakRssMb: number;
  /** From the status write's start to its event on an SSE stream of the API process. */
  sse: DelaySummary;
  /** From the same write's start to its message on a Redis subscriber of the channel in this process: the floor. */
  redis: DelaySummary;
  p99Ratio: number;
  /** Events the streams were expected to get and did not by the end. */
  missing: number;
}

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent } as unknown as Logger;
const MB = 1024 * 1024;
const PERCENTS = [20, 50, 80] as const;

/**
 * Opens one job's stream through dtq's typed client, as a user of dtq would follow a job, and
 * answers once it is open; `onEvent(job_id, progress)` is called for each event until `signal`
 * aborts.
 */
function openStream(client: DtqClient, jobId: string, signal: AbortSignal, onEvent: (jobId: string, progress: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const follow = async () => {
      for await (const event of client.jobEvents(jobId, { signal, onOpen: () => resolve() })) onEvent(event.job_id, event.progress_percent);
    };
    follow().catch((error: unknown) => (signal.aborted ? undefined : reject(error instanceof Error ? error : new Error(String(error)))));
  });
}

function summarize(delays: number[]): DelaySummary {
  const p = percentiles(Float64Array.from(delays));
  return { events: delays.length, p50Ms: round(p.p50, 2), p99Ms: round(p.p99, 2), maxMs: round(p.max, 2) };
}

/**
 * `streams` jobs, each with its own open SSE stream on one API process (the fallback host on
 * the real Redis), then their milestones 20, 50, 80 written at `writesPerSecond` (open loop)
 * through the status store the worker composes. Each event's delay is timed from the start of
 * its write, on the stream and, as the floor, on a plain Redis subscriber of the same channel.
 */
export async function runEventStreams(settings: BenchSettings, options: { runId: string; streams: number; writesPerSecond: number }): Promise<EventStreamsResult> {
  const prefix = `bench:${options.runId}-streams:`;
  const port = await freePort();
  const api = startProcess({
    name: 'streams-api',
    script: API_HOST_SCRIPT,
    env: {
      ...baseEnv(settings),
      REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      PORT: String(port),
      WORKER_METRICS_PORT: String(await freePort()),
      EVENT_STREAMS_MAX: String(options.streams + 10),
      LOG_LEVEL: 'warn',
    },
  });
  const base = `http://127.0.0.1:${port}`;
  const redis = createRedisConnection({ url: REDIS_URL, logger: silent, commandTimeoutMs: 10_000 });
  const events = new RedisJobEvents({ redis, subscriber: () => createRedisConnection({ url: REDIS_URL, logger: silent }), keyPrefix: prefix, logger: silent });
  const statuses = recordingJobEvents(new RedisStatusStore({ redis, keyPrefix: prefix, logger: silent }), { events, logger: silent });
  const subscriber = new Redis(REDIS_URL);
  const client = new DtqClient({ baseUrl: `http://127.0.0.1:${port}` });
  const open = new AbortController();
  try {
    await waitUntil('streams-api /readyz', async () => ((await fetch(`${base}/readyz`)).ok ? true : undefined), { timeoutMs: 60_000, watch: [api] });
    const jobIds = Array.from({ length: options.streams }, () => randomUUID());
    const now = () => new Date().toISOString();
    for (const jobId of jobIds) {
      await statuses.write({ job_id: jobId, state: 'queued', progress_percent: 0, message: 'queued', updated_at: now(), job_type: 'weather', submitted_at: now() });
    }
    // Warm-up: one stream opened and closed, so the baseline has loaded what streams load.
    const warm = new AbortController();
    await openStream(client, jobIds[0]!, warm.signal, () => {});
    warm.abort();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const rssNoStreams = readRss(api.pid)!.rss;

    const writeStarted = new Map<string, number>();
    const sseDelays: number[] = [];
    const redisDelays: number[] = [];
    const seen = (into: number[]) => (jobId: string, progress: number) => {
      const started = writeStarted.get(`${jobId}:${progress}`);
      if (started !== undefined) into.push(performance.now() - started);
    };
    const onRedis = seen(redisDelays);
    await subscriber.subscribe(`${prefix}events:jobs`);
    subscriber.on('message', (_channel: string, message: string) => {
      const event = JSON.parse(message.slice(message.indexOf(' ') + 1)) as { job_id: string; progress_percent: number };
      onRedis(event.job_id, event.progress_percent);
    });
    const onSse = seen(sseDelays);
    for (let i = 0; i < jobIds.length; i += 50) {
      await Promise.all(jobIds.slice(i, i + 50).map((jobId) => openStream(client, jobId, open.signal, onSse)));
    }
    await waitUntil('every stream open', async () => {
      const text = await (await fetch(`${base}/metrics`)).text();
      const open = [...text.matchAll(/^dtq_api_event_streams_open\{[^}]*\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
      return open >= options.streams ? true : undefined;
    }, { timeoutMs: 60_000, watch: [api] });

    const writes = PERCENTS.flatMap((percent) => jobIds.map((jobId) => ({ jobId, percent })));
    const interval = 1000 / options.writesPerSecond;
    const started = performance.now();
    const inFlight: Promise<unknown>[] = [];
    for (let i = 0; i < writes.length; i++) {
      const due = started + i * interval;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, Math.floor(wait)));
      const { jobId, percent } = writes[i]!;
      writeStarted.set(`${jobId}:${percent}`, performance.now());
      inFlight.push(statuses.write({ job_id: jobId, state: 'running', progress_percent: percent, message: `at ${percent}`, updated_at: now() }));
    }
    await Promise.all(inFlight);
    await waitUntil('every event delivered', async () => (sseDelays.length >= writes.length && redisDelays.length >= writes.length ? true : undefined), { timeoutMs: 30_000, watch: [api] }).catch(() => undefined);
    const rss = readRss(api.pid)!;
    const sse = summarize(sseDelays);
    const floor = summarize(redisDelays);
    return {
      streams: options.streams,
      writes: writes.length,
      writesPerSecond: options.writesPerSecond,
      rssNoStreamsMb: round(rssNoStreams / MB, 1),
      rssStreamsOpenMb: round(rss.rss / MB, 1),
      peakRssMb: round(rss.peak / MB, 1),
      sse,
      redis: floor,
      p99Ratio: round(sse.p99Ms / Math.max(floor.p99Ms, 0.001), 1),
      missing: writes.length - sseDelays.length,
    };
  } finally {
    open.abort();
    subscriber.disconnect();
    await events.close();
    await closeRedis(redis);
    await api.stop();
  }
}
