import type { Config } from '../config/index.js';
import { loadJobLimits } from '../config/job-limits.js';
import type { DelayedJobs, JobQueue, KeySlots, Logger, RateLimits, StatusStore } from '../core/ports/index.js';
import { MemoryDelayedJobs, MemoryKeySlots, memoryRateLimits } from '../adapters/memory/index.js';
import { RedisDelayedJobs, RedisKeySlots, closeRedis, createRedisConnection, redisRateLimits } from '../adapters/redis/index.js';
import type { WorkerMetrics } from '../telemetry/index.js';
import { createKeyLimitMetrics } from '../telemetry/index.js';
import { KeyLimitGate } from '../worker/key-limit-gate.js';

/**
 * The worker's per-key limits: slots, lines and delays in Redis (a client of their own) when
 * REDIS_URL is set, so every worker shares them, and in process memory otherwise; each type's
 * limits from its definition and JOB_LIMITS_* (a bad variable stops the start naming it).
 */
export function createKeyLimitGate(options: { config: Config; queue: JobQueue; statuses: StatusStore; metrics: WorkerMetrics; logger: Logger }): KeyLimitGate {
  const { config, logger } = options;
  const limits = loadJobLimits();
  const stores = createKeyLimitStores(config, logger);
  let gate: KeyLimitGate | undefined = undefined;
  const metrics = createKeyLimitMetrics(options.metrics.registry, () => gate!.waiting());
  gate = new KeyLimitGate({
    ...stores,
    limits,
    queue: options.queue,
    statuses: options.statuses,
    topicTemplate: config.KAFKA_TOPIC_TEMPLATE,
    metrics,
    logger,
  });
  return gate;
}

export interface KeyLimitStores {
  slots: KeySlots;
  delayed: DelayedJobs;
  rates: RateLimits;
  onClose?: () => Promise<void>;
}

/** Where the gate keeps slots, lines and parked jobs: Redis (a client of their own) when REDIS_URL is set, process memory otherwise. */
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
