export { RedisStatusStore, type RedisStatusStoreOptions } from './redis-status-store.js';
export { RedisIdempotencyStore, type RedisIdempotencyStoreOptions } from './redis-idempotency-store.js';
export { createRedisConnection, closeRedis, type RedisClient, type RedisConnectionOptions } from './redis-connection.js';
export { redisHealthCheck } from './redis-health-check.js';
export { RedisJobLeases, type RedisJobLeasesOptions } from './redis-job-leases.js';
export { RedisJobEvents, type RedisJobEventsOptions } from './redis-job-events.js';
export { RedisKeySlots, RedisDelayedJobs, type RedisKeySlotsOptions } from './redis-key-slots.js';
export { redisRateLimits } from './redis-rate-limits.js';
export { RedisWorkerHeartbeats, type RedisWorkerHeartbeatsOptions } from './redis-worker-heartbeats.js';
