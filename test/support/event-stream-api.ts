import { join } from 'node:path';
import type { JobType } from '../../contracts/index.js';
import { RedisJobEvents, RedisStatusStore, closeRedis, createRedisConnection, type RedisClient } from '../../adapters/redis/index.js';
import { recordingJobEvents } from '../../core/domain/index.js';
import type { Logger, StatusStore } from '../../core/ports/index.js';
import { REPO_ROOT, startNode, type RunningChild } from './processes.js';
import { TEST_REDIS_URL } from './services.js';

/** The fallback API host as `npm run start:api` runs it. */
export const FALLBACK_API_ENTRY = join(REPO_ROOT, 'dist/functions/fallback-host/main.js');

/** Starts the fallback API host on the test Redis under `prefix`, with short heartbeats, and waits until it is ready. */
export async function startFallbackApi(options: { port: number; prefix: string; apiKey: string; env?: Record<string, string> }): Promise<RunningChild> {
  const child = startNode(FALLBACK_API_ENTRY, {
    PORT: String(options.port),
    WORKER_METRICS_PORT: '0',
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: options.prefix,
    API_KEYS: options.apiKey,
    SERVE_WEB: 'false',
    EVENT_STREAM_HEARTBEAT_MS: '200',
    LOG_LEVEL: 'info',
    ...options.env,
  });
  await child.waitForLine(/dtq API ready/);
  return child;
}

/** The status store a worker composes (each write logged and published as an event), on the test Redis under `prefix`. */
export function recordingRedisStatuses(prefix: string, logger: Logger): { redis: RedisClient; events: RedisJobEvents; statuses: StatusStore; close(): Promise<void> } {
  const redis = createRedisConnection({ url: TEST_REDIS_URL, logger });
  const events = new RedisJobEvents({ redis, subscriber: () => createRedisConnection({ url: TEST_REDIS_URL, logger }), keyPrefix: prefix, logger });
  const statuses = recordingJobEvents(new RedisStatusStore({ redis, keyPrefix: prefix, logger }), { events, logger });
  const close = async () => {
    await events.close();
    await closeRedis(redis);
  };
  return { redis, events, statuses, close };
}

const now = () => new Date().toISOString();

/** The worker's status writes, milestone by milestone, so a test says when each one happens. */
export function workerMilestones(statuses: () => StatusStore) {
  return {
    queued: (jobId: string, extra: { job_type?: JobType; schedule_id?: string } = {}) =>
      statuses().write({ job_id: jobId, state: 'queued', progress_percent: 0, message: 'queued', updated_at: now(), job_type: extra.job_type ?? 'weather', submitted_at: now(), ...(extra.schedule_id ? { schedule_id: extra.schedule_id } : {}) }),
    running: (jobId: string, percent: 20 | 50 | 80, message: string) =>
      statuses().write({ job_id: jobId, state: 'running', progress_percent: percent, message, updated_at: now(), milestones: { [percent]: now() } }),
    completed: (jobId: string) => statuses().write({ job_id: jobId, state: 'completed', progress_percent: 100, message: 'completed', updated_at: now(), milestones: { '100': now() } }),
    failed: (jobId: string) =>
      statuses().write({ job_id: jobId, state: 'failed', progress_percent: 80, message: 'failed', updated_at: now(), error_code: 'CITY_NOT_FOUND', error_message: 'no such city' }),
  };
}
