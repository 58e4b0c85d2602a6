import type { Logger, WorkerHeartbeat, WorkerHeartbeats } from '../../core/ports/index.js';
import { closeRedis, redisCall, resolveRedis, type RedisClient } from './redis-connection.js';

export interface RedisWorkerHeartbeatsOptions {
  /** A client (the caller closes it) or a URL (the store opens and closes its own client). */
  redis: RedisClient | string;
  keyPrefix?: string;
  logger: Logger;
  now?: () => number;
}

/**
 * Heartbeats in one Redis hash `workers:heartbeats`, a field per worker holding its heartbeat and
 * when it expires. Redis expires keys, not fields, so a read leaves out (and deletes) the fields
 * past their time; the hash itself expires with the last beat's TTL, so a fleet that is gone
 * leaves nothing behind. One key: every command runs as it is on a cluster.
 */
export class RedisWorkerHeartbeats implements WorkerHeartbeats {
  private readonly redis: RedisClient;
  private readonly ownsClient: boolean;
  private readonly key: string;
  private readonly now: () => number;

  constructor(options: RedisWorkerHeartbeatsOptions) {
    const { client, owned } = resolveRedis(options.redis, options.logger);
    this.redis = client;
    this.ownsClient = owned;
    this.key = `${options.keyPrefix ?? ''}workers:heartbeats`;
    this.now = options.now ?? Date.now;
  }

  async beat(heartbeat: WorkerHeartbeat, ttlMs: number): Promise<void> {
    const entry = JSON.stringify({ ...heartbeat, expires_at: this.now() + ttlMs });
    await redisCall(this.redis, () => this.redis.multi().hset(this.key, heartbeat.instance, entry).pexpire(this.key, Math.ceil(ttlMs)).exec());
  }

  async remove(instance: string): Promise<void> {
    await redisCall(this.redis, () => this.redis.hdel(this.key, instance));
  }

  async list(): Promise<WorkerHeartbeat[]> {
    const fields = await redisCall(this.redis, () => this.redis.hgetall(this.key));
    const now = this.now();
    const live: WorkerHeartbeat[] = [];
    const expired: string[] = [];
    for (const [instance, raw] of Object.entries(fields)) {
      const { expires_at: expiresAt, ...heartbeat } = JSON.parse(raw) as WorkerHeartbeat & { expires_at: number };
      if (expiresAt > now) live.push(heartbeat);
      else expired.push(instance);
    }
    if (expired.length > 0) await redisCall(this.redis, () => this.redis.hdel(this.key, ...expired));
    return live;
  }

  async close(): Promise<void> {
    if (this.ownsClient) await closeRedis(this.redis);
  }
}
