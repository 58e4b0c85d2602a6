import type { Config } from '../config/index.js';
import type { HealthCheck, IdempotencyStore, JobEvents, JobLeases, Logger, StatusStore, WorkerHeartbeats } from '../core/ports/index.js';
import { MemoryIdempotencyStore, MemoryJobEvents, MemoryJobLeases, MemoryStatusStore, MemoryWorkerHeartbeats } from '../adapters/memory/index.js';
import {
  RedisIdempotencyStore,
  RedisJobEvents,
  RedisJobLeases,
  RedisStatusStore,
  RedisWorkerHeartbeats,
  closeRedis,
  createRedisConnection,
  redisHealthCheck,
} from '../adapters/redis/index.js';

export interface StatusStores {
  statuses: StatusStore;
  idempotency: IdempotencyStore;
  /** Workers' leases on the jobs they run, beside the statuses. */
  leases: JobLeases;
  /** Each job's status changes: a short log per job and the live feed the event streams follow. */
  events: JobEvents;
  /** Where workers say they are alive, for the fleet view. */
  heartbeats: WorkerHeartbeats;
  readiness: HealthCheck[];
  close(): Promise<void>;
}

/**
 * Redis (one shared, fail-fast client) when REDIS_URL is set — cluster-aware when REDIS_CLUSTER
 * is true — and process memory otherwise.
 */
export function createStatusStores(config: Config, logger: Logger): StatusStores {
  if (!config.REDIS_URL) {
    const statuses = new MemoryStatusStore({ ttlSeconds: config.STATUS_TTL_SECONDS });
    const idempotency = new MemoryIdempotencyStore();
    const leases = new MemoryJobLeases();
    const events = new MemoryJobEvents({ ttlSeconds: config.EVENT_LOG_TTL_SECONDS });
    const heartbeats = new MemoryWorkerHeartbeats();
    return {
      statuses,
      idempotency,
      leases,
      events,
      heartbeats,
      readiness: [],
      close: async () => void (await Promise.allSettled([statuses.close(), idempotency.close(), leases.close(), events.close(), heartbeats.close()])),
    };
  }
  const redis = createRedisConnection({ url: config.REDIS_URL, cluster: config.REDIS_CLUSTER, logger });
  const keyPrefix = config.REDIS_KEY_PREFIX;
  const events = new RedisJobEvents({
    redis,
    // Its own connection: a subscribed connection serves nothing else.
    subscriber: () => createRedisConnection({ url: config.REDIS_URL!, cluster: config.REDIS_CLUSTER, logger }),
    keyPrefix,
    ttlSeconds: config.EVENT_LOG_TTL_SECONDS,
    logger,
  });
  return {
    statuses: new RedisStatusStore({ redis, keyPrefix, ttlSeconds: config.STATUS_TTL_SECONDS, logger }),
    idempotency: new RedisIdempotencyStore({ redis, keyPrefix, logger }),
    leases: new RedisJobLeases({ redis, keyPrefix, logger }),
    events,
    heartbeats: new RedisWorkerHeartbeats({ redis, keyPrefix, logger }),
    readiness: [redisHealthCheck(redis)],
    close: async () => {
      await events.close();
      await closeRedis(redis);
    },
  };
}
