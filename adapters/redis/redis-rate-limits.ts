import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { Logger } from '../../core/ports/index.js';
import { FlexibleRateLimits } from '../shared/rate-limits.js';
import { redisCall, resolveRedis, type RedisClient } from './redis-connection.js';

/** Rate limits per scope shared by every worker: rate-limiter-flexible's RateLimiterRedis on dtq's client. */
export function redisRateLimits(options: { redis: RedisClient | string; keyPrefix?: string; logger: Logger }): FlexibleRateLimits {
  const { client } = resolveRedis(options.redis, options.logger);
  return new FlexibleRateLimits({
    create: ({ points, duration, keyPrefix }) => new RateLimiterRedis({ storeClient: client, points, duration, keyPrefix, rejectIfRedisNotReady: true }),
    keyPrefix: options.keyPrefix ?? '',
    call: (work) => redisCall(client, work),
  });
}
