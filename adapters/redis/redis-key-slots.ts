import type { DelayedJobs, KeySlotAnswer, KeySlots, Logger, ParkedRecord, QueueRecord } from '../../core/ports/index.js';
import { closeRedis, redisCall, resolveRedis, type RedisClient } from './redis-connection.js';
import {
  CONFIRM_DUE,
  CONFIRM_HAND_BACK,
  FORGET_SCOPE,
  HAND_BACK,
  PARK_DELAYED,
  RENEW_SLOT,
  TAKE_DUE,
  TAKE_OR_PARK,
  runSlotScript,
} from './key-limit-scripts.js';

export interface RedisKeySlotsOptions {
  /** A client (the caller closes it) or a URL (its own client, closed with it). */
  redis: RedisClient | string;
  keyPrefix?: string;
  logger: Logger;
}

/** A scope that has had nobody parking for this long may leave the waiting index once its line is empty. */
const FORGET_EMPTY_SCOPE_AFTER_MS = 10_000;

/** A parked record as stored: bytes as base64, so any value survives JSON. */
export function encodeParked(record: QueueRecord): string {
  return JSON.stringify({ topic: record.topic, key: record.key, value: record.value.toString('base64'), headers: record.headers });
}

export function decodeParked(text: string): QueueRecord {
  const parsed = JSON.parse(text) as { topic: string; key: string | null; value: string; headers: Record<string, string> };
  return { topic: parsed.topic, key: parsed.key, value: Buffer.from(parsed.value, 'base64'), headers: parsed.headers };
}

/**
 * Key slots and lines in Redis. Per scope, four keys under one hash tag `{kl:<scope>}` (one
 * cluster slot, so each step is one atomic script): `slots` (sorted set: job id → lease expiry,
 * by the server's clock), `line` (list of waiting job ids), `records` (hash: job id → record)
 * and `handing` (sorted set: job id → deadline of its hand-back). Beside them, `kl:waiting`
 * indexes the scopes with a line, scored by when each was last served.
 */
export class RedisKeySlots implements KeySlots {
  private readonly redis: RedisClient;
  private readonly ownsClient: boolean;
  private readonly prefix: string;

  constructor(options: RedisKeySlotsOptions) {
    const { client, owned } = resolveRedis(options.redis, options.logger);
    this.redis = client;
    this.ownsClient = owned;
    this.prefix = options.keyPrefix ?? '';
  }

  private keys(scope: string): string[] {
    const tag = `${this.prefix}{kl:${encodeURIComponent(scope)}}`;
    return [`${tag}:slots`, `${tag}:line`, `${tag}:records`, `${tag}:handing`];
  }

  private get index(): string {
    return `${this.prefix}kl:waiting`;
  }

  async takeOrPark(scope: string, jobId: string, max: number, ttlMs: number, record: QueueRecord): Promise<KeySlotAnswer> {
    const [taken, running, waiting] = (await redisCall(this.redis, () =>
      runSlotScript(this.redis, TAKE_OR_PARK, this.keys(scope), jobId, max, Math.ceil(ttlMs), encodeParked(record)),
    )) as [number, number, number];
    if (Number(taken) === 1) return { taken: true };
    // Indexed after parking: a sweep that finds the scope indexed finds its line too.
    await redisCall(this.redis, () => this.redis.zadd(this.index, Date.now(), scope));
    return { taken: false, running: Number(running), waiting: Number(waiting) };
  }

  async renew(scope: string, jobId: string, ttlMs: number): Promise<boolean> {
    return Number(await redisCall(this.redis, () => runSlotScript(this.redis, RENEW_SLOT, [this.keys(scope)[0]!], jobId, Math.ceil(ttlMs)))) === 1;
  }

  async release(scope: string, jobId: string, max: number, reserveMs: number): Promise<ParkedRecord[]> {
    return this.serve(scope, max, reserveMs, jobId);
  }

  async handBack(scope: string, max: number, reserveMs: number): Promise<ParkedRecord[]> {
    const out = await this.serve(scope, max, reserveMs);
    if (out.length === 0) await this.forgetIfEmpty(scope);
    return out;
  }

  private async serve(scope: string, max: number, reserveMs: number, releasing?: string): Promise<ParkedRecord[]> {
    const args = [max, Math.ceil(reserveMs), ...(releasing === undefined ? [] : [releasing])];
    const flat = (await redisCall(this.redis, () => runSlotScript(this.redis, HAND_BACK, this.keys(scope), ...args))) as string[];
    const out: ParkedRecord[] = [];
    for (let i = 0; i < flat.length; i += 2) out.push({ jobId: flat[i]!, record: decodeParked(flat[i + 1]!) });
    if (out.length > 0) await redisCall(this.redis, () => this.redis.zadd(this.index, 'XX', String(Date.now()), scope));
    return out;
  }

  /** Drops a scope from the index when its line is empty and nobody parked there lately. */
  private async forgetIfEmpty(scope: string): Promise<void> {
    const [, line, , handing] = this.keys(scope);
    const [score, length, handingCount] = await redisCall(this.redis, async () =>
      Promise.all([this.redis.zscore(this.index, scope), this.redis.llen(line!), this.redis.zcard(handing!)]),
    );
    if (score === null || length > 0 || handingCount > 0 || Date.now() - Number(score) < FORGET_EMPTY_SCOPE_AFTER_MS) return;
    await redisCall(this.redis, () => runSlotScript(this.redis, FORGET_SCOPE, [this.index], scope, score));
  }

  async confirmHandedBack(scope: string, jobId: string): Promise<void> {
    const [, , records, handing] = this.keys(scope);
    await redisCall(this.redis, () => runSlotScript(this.redis, CONFIRM_HAND_BACK, [handing!, records!], jobId));
  }

  async waitingScopes(limit: number): Promise<string[]> {
    return redisCall(this.redis, () => this.redis.zrange(this.index, "0", String(limit - 1)));
  }

  async waitingCount(): Promise<number> {
    const lines = await this.lineLengths(1_000);
    return lines.reduce((sum, line) => sum + line.jobs, 0);
  }

  async lineLengths(limit: number): Promise<Array<{ scope: string; jobs: number }>> {
    const scopes = await this.waitingScopes(limit);
    if (scopes.length === 0) return [];
    const lengths = await redisCall(this.redis, () => Promise.all(scopes.map((scope) => this.redis.llen(this.keys(scope)[1]!))));
    return scopes.map((scope, i) => ({ scope, jobs: lengths[i]! })).filter((line) => line.jobs > 0);
  }

  async close(): Promise<void> {
    if (this.ownsClient) await closeRedis(this.redis);
  }
}

/** Jobs parked until a time, in Redis: `{kl:delayed}:due` (sorted set: job id → due ms) and `{kl:delayed}:records`. */
export class RedisDelayedJobs implements DelayedJobs {
  private readonly redis: RedisClient;
  private readonly ownsClient: boolean;
  private readonly keys: [string, string];
  /** Held-until times of records handed out by `due`, for their confirmation. */
  private readonly held = new Map<string, string>();

  constructor(options: RedisKeySlotsOptions) {
    const { client, owned } = resolveRedis(options.redis, options.logger);
    this.redis = client;
    this.ownsClient = owned;
    const tag = `${options.keyPrefix ?? ''}{kl:delayed}`;
    this.keys = [`${tag}:due`, `${tag}:records`];
  }

  async park(jobId: string, dueAtMs: number, record: QueueRecord): Promise<void> {
    await redisCall(this.redis, () => runSlotScript(this.redis, PARK_DELAYED, this.keys, jobId, Math.ceil(dueAtMs), encodeParked(record)));
  }

  async due(limit: number, reserveMs: number): Promise<ParkedRecord[]> {
    const flat = (await redisCall(this.redis, () => runSlotScript(this.redis, TAKE_DUE, this.keys, limit, Math.ceil(reserveMs)))) as string[];
    const out: ParkedRecord[] = [];
    for (let i = 0; i < flat.length; i += 3) {
      this.held.set(flat[i]!, flat[i + 2]!);
      out.push({ jobId: flat[i]!, record: decodeParked(flat[i + 1]!) });
    }
    return out;
  }

  async confirmDue(jobId: string): Promise<void> {
    const held = this.held.get(jobId);
    if (held === undefined) return;
    this.held.delete(jobId);
    await redisCall(this.redis, () => runSlotScript(this.redis, CONFIRM_DUE, this.keys, jobId, held));
  }

  async waitingCount(): Promise<number> {
    return redisCall(this.redis, () => this.redis.zcard(this.keys[0]));
  }

  async parkedRecords(limit: number): Promise<ParkedRecord[]> {
    const ids = await redisCall(this.redis, () => this.redis.zrange(this.keys[0], '0', String(limit - 1)));
    if (ids.length === 0) return [];
    const texts = await redisCall(this.redis, () => this.redis.hmget(this.keys[1], ...ids));
    // A record confirmed between the two reads is gone: it waits no more.
    return ids.flatMap((jobId, i) => (texts[i] ? [{ jobId, record: decodeParked(texts[i]) }] : []));
  }

  async close(): Promise<void> {
    if (this.ownsClient) await closeRedis(this.redis);
  }
}
