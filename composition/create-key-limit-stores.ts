import type { Config } from '../config/index.js';
import type { DelayedJobs, KeySlots, Logger, RateLimits } from '../core/ports/index.js';
import { MemoryDelayedJobs, MemoryKeySlots, memoryRateLimits } from '../adapters/memory/index.js';
import { RedisDelayedJobs, RedisKeySlots, closeRedis, createRedisConnection, redisRateLimits } from '../adapters/redis/index.js';

/** Where the key-limit gate keeps slots, lines and parked jobs; the fleet view reads the same. */
export interface KeyLimitStores {
  slots: KeySlots;
  delayed: DelayedJobs;
  rates: RateLimits;
  onClose?: () => Promise<void>;
}

/**
 * Redis (a client of their own) when REDIS_URL is set, so every worker and API shares them;
 * process memory otherwise, shared by the API and worker of one process.
 */
export function createKeyLimitStores(config: Config, logger: Logger): KeyLimitStores {
  if (!config.REDIS_URL) return { slots: new MemoryKeySlots(), delayed: new MemoryDelayedJobs(), rates: memoryRateLimits() };
  const redis = createRedisConnection({ url: config.REDIS_URL, cluster: config.REDIS_CLUSTER, logger });
  const keyPrefix = config.REDIS_KEY_PREFIX;
  return {
    slots: new RedisKeySlots({ redis, keyPrefix, logger }),
    delayed: new RedisDelayedJobs({ redis, keyPrefix, logger }),
    rates: redisRateLimits({ redis, keyPrefix, logger }),
    onClose: () => closeRedis(redis),
  };
}
