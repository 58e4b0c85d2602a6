import { Redis, ReplyError } from 'ioredis';
import { DependencyUnavailableError } from '../../core/errors/index.js';
import type { Logger } from '../../core/ports/index.js';
import { backoffDelay } from '../shared/backoff.js';

export interface RedisConnectionOptions {
  /** redis:// or rediss:// URL; it may carry credentials, so it is never logged. */
  url: string;
  logger: Logger;
  /** A command without a reply after this long rejects (a half-open socket cannot hang a caller). */
  commandTimeoutMs?: number;
  /** How long one connection attempt may take. */
  connectTimeoutMs?: number;
  /** Reconnect delays: exponential backoff with full jitter between these bounds. */
  reconnect?: { initialMs: number; maxMs: number };
  /** Called when an established connection is lost, and when it is back. */
  onDisconnect?(): void;
  onReconnect?(): void;
}

/** States in which ioredis has no connection and is only waiting to retry. */
const DOWN_STATES = new Set(['reconnecting', 'close', 'end']);

/**
 * A Redis client that fails fast instead of queueing while the server is away: commands issued
 * during the first connection attempt wait for it; commands issued while reconnecting reject at
 * once (see `redisCall`); commands caught by a dropped connection are flushed at the first
 * reconnect attempt (`maxRetriesPerRequest: 0`); every command is bounded by `commandTimeoutMs`.
 */
export function createRedisConnection(options: RedisConnectionOptions): Redis {
  const reconnect = options.reconnect ?? { initialMs: 100, maxMs: 2_000 };
  const redis = new Redis(options.url, {
    maxRetriesPerRequest: 0,
    enableOfflineQueue: true,
    commandTimeout: options.commandTimeoutMs ?? 1_000,
    connectTimeout: options.connectTimeoutMs ?? 5_000,
    retryStrategy: (attempt) => Math.max(10, backoffDelay(attempt - 1, reconnect)),
  });
  const log = options.logger.child({ component: 'redis' });
  let connectedOnce = false;
  let up = false;
  redis.on('ready', () => {
    up = true;
    if (connectedOnce) {
      log.info({}, 'redis connection restored');
      options.onReconnect?.();
    } else {
      log.info({}, 'redis connected');
    }
    connectedOnce = true;
  });
  redis.on('close', () => {
    if (!up) return;
    up = false;
    log.warn({}, 'redis connection lost; reconnecting with backoff');
    options.onDisconnect?.();
  });
  // Without a listener ioredis prints every failed attempt; the state changes above are what matter.
  redis.on('error', (error: Error) => log.debug({ err: error }, 'redis connection error'));
  return redis;
}

/**
 * Runs one Redis operation: rejects at once while the connection is down, and turns transport
 * failures (closed connection, timeout, flushed queue) into DependencyUnavailableError. A Redis
 * error reply (a bug such as WRONGTYPE) is passed through as it is.
 */
export async function redisCall<T>(redis: Redis, call: () => Promise<T>): Promise<T> {
  if (DOWN_STATES.has(redis.status)) throw new DependencyUnavailableError('redis', `connection is ${redis.status}`);
  try {
    return await call();
  } catch (error) {
    if (error instanceof ReplyError) throw error;
    throw new DependencyUnavailableError('redis', error instanceof Error ? error.message : String(error), { cause: error });
  }
}

/** A store's handle on Redis: a client it was given (the caller closes it) or one it opened from a URL. */
export function resolveRedis(redis: Redis | string, logger: Logger): { client: Redis; owned: boolean } {
  if (typeof redis !== 'string') return { client: redis, owned: false };
  return { client: createRedisConnection({ url: redis, logger }), owned: true };
}

/** Closes a client politely (QUIT), or at once when the server is not there to answer. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status !== 'ready') {
    redis.disconnect();
    return;
  }
  await redis.quit().catch(() => redis.disconnect());
}
