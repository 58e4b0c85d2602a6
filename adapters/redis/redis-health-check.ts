import type { Redis } from 'ioredis';
import type { HealthCheck } from '../../core/ports/index.js';
import { redisCall } from './redis-connection.js';

/** Ready while Redis answers PING; fails at once while the client is reconnecting. */
export function redisHealthCheck(redis: Redis, name = 'redis'): HealthCheck {
  return {
    name,
    async check() {
      const reply = await redisCall(redis, () => redis.ping());
      if (reply !== 'PONG') throw new Error(`unexpected PING reply: ${String(reply)}`);
    },
  };
}
