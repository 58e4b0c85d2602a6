import type { JobLeases, Logger } from '../../core/ports/index.js';
import { closeRedis, redisCall, resolveRedis, type RedisClient } from './redis-connection.js';
import { ACQUIRE_LEASE, RELEASE_LEASE, RENEW_LEASE, runScript } from './redis-scripts.js';

export interface RedisJobLeasesOptions {
  /** A client (the caller closes it) or a URL (the leases open and close their own client). */
  redis: RedisClient | string;
  keyPrefix?: string;
  logger: Logger;
}

/**
 * Job leases as Redis strings `job:<job_id>:lease` holding the holder's id, with a TTL in
 * milliseconds (SET NX PX). Renewing and releasing check the holder first, in one script on the
 * lease's one key, so a worker whose lease lapsed and was taken by another never extends or
 * frees the other's; each runs as it is on a cluster.
 */
export class RedisJobLeases implements JobLeases {
  private readonly redis: RedisClient;
  private readonly ownsClient: boolean;
  private readonly prefix: string;

  constructor(options: RedisJobLeasesOptions) {
    const { client, owned } = resolveRedis(options.redis, options.logger);
    this.redis = client;
    this.ownsClient = owned;
    this.prefix = options.keyPrefix ?? '';
  }

  redisKey(jobId: string): string {
    return `${this.prefix}job:${jobId}:lease`;
  }

  async acquire(jobId: string, holder: string, ttlMs: number): Promise<boolean> {
    return Number(await redisCall(this.redis, () => runScript(this.redis, ACQUIRE_LEASE, this.redisKey(jobId), holder, Math.ceil(ttlMs)))) === 1;
  }

  async renew(jobId: string, holder: string, ttlMs: number): Promise<boolean> {
    return Number(await redisCall(this.redis, () => runScript(this.redis, RENEW_LEASE, this.redisKey(jobId), holder, Math.ceil(ttlMs)))) === 1;
  }

  async release(jobId: string, holder: string): Promise<void> {
    await redisCall(this.redis, () => runScript(this.redis, RELEASE_LEASE, this.redisKey(jobId), holder));
  }

  async close(): Promise<void> {
    if (this.ownsClient) await closeRedis(this.redis);
  }
}
