import type { Config } from '../config/index.js';
import type { HealthCheck, IdempotencyStore, JobLeases, Logger, StatusStore, WorkerHeartbeats } from '../core/ports/index.js';
import { MemoryIdempotencyStore, MemoryJobLeases, MemoryStatusStore, MemoryWorkerHeartbeats } from '../adapters/memory/index.js';
import {
  RedisIdempotencyStore,
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
    const heartbeats = new MemoryWorkerHeartbeats();
    return {
      statuses,
      idempotency,
      leases,
      heartbeats,
      readiness: [],
      close: async () => void (await Promise.allSettled([statuses.close(), idempotency.close(), leases.close(), heartbeats.close()])),
    };
  }
  const redis = createRedisConnection({ url: config.REDIS_URL, cluster: config.REDIS_CLUSTER, logger });
  const keyPrefix = config.REDIS_KEY_PREFIX;
  return {
    statuses: new RedisStatusStore({ redis, keyPrefix, ttlSeconds: config.STATUS_TTL_SECONDS, logger }),
    idempotency: new RedisIdempotencyStore({ redis, keyPrefix, logger }),
    leases: new RedisJobLeases({ redis, keyPrefix, logger }),
    heartbeats: new RedisWorkerHeartbeats({ redis, keyPrefix, logger }),
    readiness: [redisHealthCheck(redis)],
    close: () => closeRedis(redis),
  };
}
