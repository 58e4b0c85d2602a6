import { Cluster, Redis, ReplyError, type ClusterOptions, type RedisOptions } from 'ioredis';
import { DependencyUnavailableError } from '../../core/errors/index.js';
import type { Logger } from '../../core/ports/index.js';
import { backoffDelay } from '../shared/backoff.js';

/** A single server or a cluster-aware client: the stores use only what both offer. */
export type RedisClient = Redis | Cluster;

export interface RedisConnectionOptions {
  /** redis:// or rediss:// URL; it may carry credentials, so it is never logged. */
  url: string;
  /**
   * The URL names one node of a Redis Cluster (OSS clustering policy): the client learns the
   * others from CLUSTER SLOTS, sends each key to its slot's node and follows MOVED/ASK. The
   * URL's credentials and TLS apply to every node.
   */
  cluster?: boolean;
  /** For a cluster: where to reach the nodes whose announced `host:port` is not reachable as such. */
  natMap?: Record<string, { host: string; port: number }>;
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
 * reconnect attempt (`maxRetriesPerRequest: 0`); every command is bounded by `commandTimeoutMs`
 * (on a cluster, including the redirections and retries it takes to reach its slot's node).
 */
export function createRedisConnection(options: RedisConnectionOptions): RedisClient {
  const reconnect = options.reconnect ?? { initialMs: 100, maxMs: 2_000 };
  const retryStrategy = (attempt: number) => Math.max(10, backoffDelay(attempt - 1, reconnect));
  const perConnection = {
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 1_000,
    connectTimeout: options.connectTimeoutMs ?? 5_000,
  } satisfies RedisOptions;
  // Commands issued in the same tick (concurrent jobs' status writes, concurrent submits) go
  // out in one write and are read back in one pass: a third less Redis CPU per job. On a
  // cluster, one such pipeline per node.
  const redis = options.cluster
    ? new Cluster([seedNode(options.url)], clusterOptions(options, perConnection, retryStrategy))
    : new Redis(options.url, { ...perConnection, enableOfflineQueue: true, enableAutoPipelining: true, retryStrategy });
  watchConnection(redis, options);
  return redis;
}

function seedNode(url: string): { host: string; port: number } {
  const target = new URL(url);
  return { host: target.hostname, port: Number(target.port || 6379) };
}

function clusterOptions(options: RedisConnectionOptions, perConnection: RedisOptions, retryStrategy: (attempt: number) => number): ClusterOptions {
  const target = new URL(options.url);
  const tls = target.protocol === 'rediss:';
  return {
    // No offline queue: the cluster client's would hold commands across a reconnect without a
    // timeout (a node's command timeout starts only when the command reaches the node). Until
    // the first slot map arrives, auto-pipelined commands still wait for it; after that, a
    // command that finds the cluster not ready rejects at once.
    enableOfflineQueue: false,
    enableAutoPipelining: true,
    clusterRetryStrategy: retryStrategy,
    // A command whose node's connection closed is retried every retryDelayOnFailover (100 ms)
    // after a slot refresh, up to maxRedirections times: with the default 16 a shard that is
    // away held its callers for seconds before they heard. Three is enough to follow a MOVED or
    // ASK while slots move, and a shard without a replica does not come back within them anyway.
    maxRedirections: 3,
    ...(options.natMap ? { natMap: options.natMap } : {}),
    // With TLS the certificate names the host, not the addresses it resolves to: keep the name.
    ...(tls ? { dnsLookup: (address: string, callback: (error: null, address: string) => void) => callback(null, address) } : {}),
    redisOptions: {
      ...perConnection,
      ...(target.username ? { username: decodeURIComponent(target.username) } : {}),
      ...(target.password ? { password: decodeURIComponent(target.password) } : {}),
      ...(tls ? { tls: { servername: target.hostname } } : {}),
    },
  };
}

function watchConnection(redis: RedisClient, options: RedisConnectionOptions): void {
  const log = options.logger.child({ component: 'redis' });
  let connectedOnce = false;
  let up = false;
  redis.on('ready', () => {
    up = true;
    if (connectedOnce) {
      log.info({}, 'redis connection restored');
      options.onReconnect?.();
    } else {
      log.info({ cluster: options.cluster === true }, 'redis connected');
    }
    connectedOnce = true;
  });
  redis.on('close', () => {
    if (!up) return;
    up = false;
    log.warn({}, 'redis connection lost; reconnecting with backoff');
    options.onDisconnect?.();
  });
  redis.on('dtq:replacing', (timeouts: number) => log.warn({ timeouts }, 'redis commands keep timing out; replacing the connection'));
  // Without a listener ioredis prints every failed attempt; the state changes above are what matter.
  redis.on('error', (error: Error) => log.debug({ err: error }, 'redis connection error'));
  if (redis instanceof Cluster) redis.on('node error', (error: Error, node: string) => log.debug({ err: error, node }, 'redis cluster node error'));
}

/**
 * Error replies of a cluster whose topology is in flux (a shard away, slots moving): passed to
 * the caller they mean "not now", like a closed connection. ioredis follows a redirection by
 * itself, except in a pipeline whose commands were redirected to different places.
 */
const CLUSTER_TRANSIENT_REPLY = /^(MOVED|ASK|TRYAGAIN|CLUSTERDOWN|MASTERDOWN|LOADING) /;

/**
 * Runs one Redis operation: rejects at once while the connection is down, and turns transport
 * failures (closed connection, timeout, flushed queue, a cluster redirection it could not
 * follow) into DependencyUnavailableError. Any other Redis error reply (a bug such as
 * WRONGTYPE) is passed through as it is.
 */
export async function redisCall<T>(redis: RedisClient, call: () => Promise<T>): Promise<T> {
  if (DOWN_STATES.has(redis.status)) throw new DependencyUnavailableError('redis', `connection is ${redis.status}`);
  try {
    if (redis instanceof Cluster && redis.status !== 'ready') await untilReady(redis);
    const result = await call();
    consecutiveTimeouts.delete(redis);
    return result;
  } catch (error) {
    if (error instanceof ReplyError && !CLUSTER_TRANSIENT_REPLY.test((error as Error).message)) throw error;
    // A cluster client keeps one connection per node and replaces a node's on its own topology
    // refresh; dropping them all for one node's timeouts would cut off the healthy shards too.
    if (!(redis instanceof Cluster) && error instanceof Error && error.message === COMMAND_TIMEOUT_MESSAGE) replaceAfterRepeatedTimeouts(redis);
    throw new DependencyUnavailableError('redis', error instanceof Error ? error.message : String(error), { cause: error });
  }
}

/** ioredis' message when `commandTimeout` passes without a reply. */
const COMMAND_TIMEOUT_MESSAGE = 'Command timed out';
/** Timeouts in a row after which the connection is dropped and made anew. */
export const REPLACE_AFTER_TIMEOUTS = 3;
const consecutiveTimeouts = new WeakMap<RedisClient, number>();

/**
 * A command that times out stays in the connection's reply queue. When its reply never comes (a
 * proxy or load balancer that dropped it, a half-open socket), every later reply is read as the
 * answer to an older command and the connection never works again although it looks open. After
 * a few timeouts in a row the connection is replaced; ioredis reconnects with its backoff.
 */
function replaceAfterRepeatedTimeouts(redis: RedisClient): void {
  const count = (consecutiveTimeouts.get(redis) ?? 0) + 1;
  if (count < REPLACE_AFTER_TIMEOUTS) {
    consecutiveTimeouts.set(redis, count);
    return;
  }
  consecutiveTimeouts.delete(redis);
  redis.emit('dtq:replacing', count);
  redis.disconnect(true);
}

const connecting = new WeakMap<Cluster, Promise<void>>();

/**
 * A cluster client without an offline queue refuses commands until it is ready; a call made
 * while it connects waits for that attempt instead (one shared wait), as a single-server client
 * holds it in its queue. The attempt is bounded by the connect and slot-refresh timeouts.
 */
function untilReady(cluster: Cluster): Promise<void> {
  let wait = connecting.get(cluster);
  if (!wait) {
    wait = new Promise<void>((resolve, reject) => {
      const settle = (error?: Error) => {
        connecting.delete(cluster);
        cluster.off('ready', onReady);
        cluster.off('close', onClose);
        cluster.off('end', onClose);
        if (error) reject(error);
        else resolve();
      };
      const onReady = () => settle();
      const onClose = () => settle(new Error('cluster connection closed before it was ready'));
      cluster.once('ready', onReady);
      cluster.once('close', onClose);
      cluster.once('end', onClose);
    });
    connecting.set(cluster, wait);
  }
  return wait;
}

/** A store's handle on Redis: a client it was given (the caller closes it) or one it opened from a URL. */
export function resolveRedis(redis: RedisClient | string, logger: Logger): { client: RedisClient; owned: boolean } {
  if (typeof redis !== 'string') return { client: redis, owned: false };
  return { client: createRedisConnection({ url: redis, logger }), owned: true };
}

/** Closes a client politely (QUIT), or at once when the server is not there to answer. */
export async function closeRedis(redis: RedisClient): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status !== 'ready') {
    redis.disconnect();
    return;
  }
  await redis.quit().catch(() => redis.disconnect());
}
