import { JobEventSchema, STATUS_TTL_SECONDS, type JobEvent } from '../../contracts/index.js';
import type { JobEventRecord, JobEvents, Logger } from '../../core/ports/index.js';
import { closeRedis, redisCall, resolveRedis, type RedisClient } from './redis-connection.js';
import { runScript, script } from './redis-scripts.js';

export interface RedisJobEventsOptions {
  /** The client appends and history reads go through (shared with the status store). */
  redis: RedisClient | string;
  /** Opens the subscriber connection, on the first `follow` only: writers never need one. */
  subscriber: () => RedisClient;
  keyPrefix?: string;
  ttlSeconds?: number;
  /** Events kept per job: far more than a job's five milestones and its progress reports. */
  maxPerJob?: number;
  logger: Logger;
}

/**
 * Appends to the job's log (a Redis stream, `job:<id>:events`) and publishes the event with its
 * id on one channel, in one script on one key: an event is published exactly when it is logged,
 * and the stream entry id (`<ms>-<seq>`, increasing per stream) is the SSE id. The TTL follows
 * the status's.
 *
 * KEYS[1]: the job's log. ARGV: ttl seconds, max entries, channel, event JSON. Returns the id.
 */
const APPEND_EVENT = script(`
local id = redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[2], '*', 'e', ARGV[4])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1]))
redis.call('PUBLISH', ARGV[3], id .. ' ' .. ARGV[4])
return id
`);

/**
 * Job events on Redis: each job's log is a capped stream beside its status hash, live changes go
 * out on pub/sub (channel `events:jobs`, one for all jobs: every API process filters for its own
 * streams). Pub/sub is chosen over a RabbitMQ exchange because the log lives beside the status
 * in the same store and the same script writes and publishes, with no per-process queue to
 * declare and clean up; its at-most-once delivery is covered by the log (see `follow`).
 */
export class RedisJobEvents implements JobEvents {
  private readonly redis: RedisClient;
  private readonly ownsClient: boolean;
  private readonly prefix: string;
  private readonly ttlSeconds: number;
  private readonly maxPerJob: number;
  private readonly logger: Logger;
  private readonly listeners = new Set<(record: JobEventRecord) => void>();
  private readonly resyncs = new Set<() => void>();
  private subscriber: RedisClient | undefined;
  private subscribed: Promise<void> | undefined;

  constructor(private readonly options: RedisJobEventsOptions) {
    const { client, owned } = resolveRedis(options.redis, options.logger);
    this.redis = client;
    this.ownsClient = owned;
    this.prefix = options.keyPrefix ?? '';
    this.ttlSeconds = options.ttlSeconds ?? STATUS_TTL_SECONDS;
    this.maxPerJob = options.maxPerJob ?? 64;
    this.logger = options.logger.child({ component: 'redis-job-events' });
  }

  logKey(jobId: string): string {
    return `${this.prefix}job:${jobId}:events`;
  }

  channel(): string {
    return `${this.prefix}events:jobs`;
  }

  async append(event: JobEvent): Promise<string> {
    const id = await redisCall(this.redis, () =>
      runScript(this.redis, APPEND_EVENT, this.logKey(event.job_id), this.ttlSeconds, this.maxPerJob, this.channel(), JSON.stringify(event)),
    );
    return String(id);
  }

  async history(jobId: string, afterId?: string): Promise<JobEventRecord[]> {
    const entries = await redisCall(this.redis, () => this.redis.xrange(this.logKey(jobId), afterId ? `(${afterId}` : '-', '+'));
    return entries.flatMap(([id, fields]) => {
      const record = this.parse(id, fields[fields.indexOf('e') + 1]);
      return record ? [record] : [];
    });
  }

  async follow(listener: (record: JobEventRecord) => void, onResync?: () => void): Promise<() => void> {
    this.listeners.add(listener);
    if (onResync) this.resyncs.add(onResync);
    await (this.subscribed ??= this.subscribe());
    return () => {
      this.listeners.delete(listener);
      if (onResync) this.resyncs.delete(onResync);
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.resyncs.clear();
    if (this.subscriber) await closeRedis(this.subscriber);
    if (this.ownsClient) await closeRedis(this.redis);
  }

  /** One subscriber connection per process; ioredis subscribes again after a reconnect, and readers re-read their logs then. */
  private async subscribe(): Promise<void> {
    const subscriber = this.options.subscriber();
    this.subscriber = subscriber;
    let connectedOnce = false;
    subscriber.on('ready', () => {
      if (connectedOnce) for (const resync of this.resyncs) resync();
      connectedOnce = true;
    });
    subscriber.on('message', (_channel: string, message: string) => {
      const space = message.indexOf(' ');
      const record = this.parse(message.slice(0, space), message.slice(space + 1));
      if (record) for (const listener of this.listeners) listener(record);
    });
    try {
      await subscriber.subscribe(this.channel());
    } catch (error) {
      this.subscribed = undefined;
      this.subscriber = undefined;
      await closeRedis(subscriber);
      throw error;
    }
  }

  private parse(id: string, json: string | undefined): JobEventRecord | undefined {
    try {
      return { id, event: JobEventSchema.parse(JSON.parse(json ?? '')) };
    } catch (error) {
      this.logger.warn({ err: error, event_id: id }, 'job event does not match the contract; skipped');
      return undefined;
    }
  }
}
