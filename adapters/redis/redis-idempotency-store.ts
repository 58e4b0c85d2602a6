import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ClaimResult, IdempotencyRecord, IdempotencyStore, Logger, StoredIdempotencyRecord } from '../../core/ports/index.js';
import { closeRedis, redisCall, resolveRedis, type RedisClient } from './redis-connection.js';
import { CLAIM_IDEMPOTENCY_KEY, MARK_IDEMPOTENCY_ENQUEUED, runScript } from './redis-scripts.js';

export interface RedisIdempotencyStoreOptions {
  /** A client (the caller closes it) or a URL (the store opens and closes its own client). */
  redis: RedisClient | string;
  keyPrefix?: string;
  logger: Logger;
}

const RecordSchema = z.object({
  job_id: z.string(),
  fingerprint: z.string(),
  trace_id: z.string(),
  submitted_at: z.string(),
});
/**
 * The record as JSON in Redis. A SHA-256 fingerprint (64 hex digits) is kept as `fp` in base64url
 * (43 characters); any other as `fingerprint`, as are those of records written before `fp`.
 * A record written before the enqueued mark existed reads as not enqueued: a retry re-publishes it.
 * Fields it no longer needs (`job_type`) are dropped on reading.
 */
const StoredRecordSchema = z
  .object({
    job_id: z.string(),
    fp: z.string().optional(),
    fingerprint: z.string().optional(),
    trace_id: z.string(),
    submitted_at: z.string(),
    enqueued: z.boolean().default(false),
  })
  .refine((record) => record.fp !== undefined || record.fingerprint !== undefined, 'has no fingerprint');
const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Idempotency keys as Redis strings `idempotency:{sha256(key)}` holding the record as JSON. A
 * claim is one script (SET NX EX, else GET), so of racing claims exactly one wins and the
 * others see its record; `markEnqueued` sets `enqueued: true` in the JSON (SET KEEPTTL) only
 * while the key still names the given job. Each script touches only its one key, so it runs as
 * it is on a cluster.
 */
export class RedisIdempotencyStore implements IdempotencyStore {
  private readonly redis: RedisClient;
  private readonly ownsClient: boolean;
  private readonly prefix: string;

  constructor(options: RedisIdempotencyStoreOptions) {
    const { client, owned } = resolveRedis(options.redis, options.logger);
    this.redis = client;
    this.ownsClient = owned;
    this.prefix = options.keyPrefix ?? '';
  }

  /** Hashed, so a client's key of any length or alphabet makes a short, safe Redis key. */
  redisKey(key: string): string {
    return `${this.prefix}idempotency:${createHash('sha256').update(key).digest('hex')}`;
  }

  async claim(key: string, record: IdempotencyRecord, ttlSeconds: number): Promise<ClaimResult> {
    const { fingerprint, ...rest } = RecordSchema.parse(record);
    const stored = SHA256_HEX.test(fingerprint) ? { fp: Buffer.from(fingerprint, 'hex').toString('base64url') } : { fingerprint };
    const value = JSON.stringify({ ...rest, ...stored, enqueued: false });
    const existing = await redisCall(this.redis, () =>
      runScript(this.redis, CLAIM_IDEMPOTENCY_KEY, this.redisKey(key), value, Math.max(1, Math.ceil(ttlSeconds))),
    );
    if (existing === null || existing === undefined) return { claimed: true };
    return { claimed: false, existing: parseStored(String(existing)) };
  }

  async markEnqueued(key: string, jobId: string): Promise<boolean> {
    const marked = await redisCall(this.redis, () => runScript(this.redis, MARK_IDEMPOTENCY_ENQUEUED, this.redisKey(key), jobId));
    return Number(marked) === 1;
  }

  async get(key: string): Promise<StoredIdempotencyRecord | undefined> {
    const value = await redisCall(this.redis, () => this.redis.get(this.redisKey(key)));
    return value === null || value === undefined ? undefined : parseStored(value);
  }

  async close(): Promise<void> {
    if (this.ownsClient) await closeRedis(this.redis);
  }
}

function parseStored(value: string): StoredIdempotencyRecord {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    throw new Error('stored idempotency record is not JSON');
  }
  const parsed = StoredRecordSchema.safeParse(json);
  if (!parsed.success) throw new Error(`stored idempotency record is invalid: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
  const { fp, fingerprint, ...record } = parsed.data;
  return { ...record, fingerprint: fp !== undefined ? Buffer.from(fp, 'base64url').toString('hex') : fingerprint! };
}
