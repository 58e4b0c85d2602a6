import { createHash } from 'node:crypto';
import type { Collection, MongoClient } from 'mongodb';
import { RESULT_DATABASE } from '../../contracts/index.js';
import type { ClaimResult, IdempotencyRecord, IdempotencyStore, Logger, StoredIdempotencyRecord } from '../../core/ports/index.js';
import { isDuplicateKeyError, isUnavailableError } from './mongo-errors.js';
import { closeOwnedClient, resolveMongoClient, type ClientTimeouts } from './mongo-client.js';
import { StoreCalls } from './store-calls.js';
import { DEFAULT_THROTTLING_RETRY, createThrottlingRetry, type ThrottlingRetryOptions } from './throttling-retry.js';

export const IDEMPOTENCY_COLLECTION = 'idempotency_keys';

/** How often a store on a server without TTL indexes removes expired keys itself (at a claim, at most this often). */
const DEFAULT_SWEEP_INTERVAL_MS = 10 * 60_000;
/** A claim that keeps meeting a key removed or taken over between its steps gives up after this many rounds. */
const CLAIM_ROUNDS = 5;

export interface MongoIdempotencyStoreOptions extends ClientTimeouts {
  /** A connection string (the store then owns and closes its client) or a client the caller owns. */
  client: MongoClient | string;
  database?: string;
  collection?: string;
  logger: Logger;
  throttlingRetry?: ThrottlingRetryOptions;
  sweepIntervalMs?: number;
}

/** A key as stored: `_id` is the key's SHA-256, so any key makes a short, safe id. */
interface KeyDocument extends StoredIdempotencyRecord {
  _id: string;
  expires_at: Date;
}

/**
 * Idempotency keys in MongoDB (`dtq.idempotency_keys`), beside the results, so a key outlives a
 * Redis that loses its data. A claim is an insert on `_id`: of racing claims the unique `_id`
 * lets one in and refuses the others with E11000, which then read the winner's record.
 *
 * Expiry is the record's own `expires_at`: reads and marks ignore an expired record, and a claim
 * takes one over (a replace that names the expired job, so of racing claims one wins). Removal
 * is a TTL index where the server has them (MongoDB, Cosmos DB vCore); FerretDB 1.x and Cosmos DB
 * RU refuse a TTL index on a field of ours, so there the store deletes expired keys itself, at
 * most once per sweep interval (on Cosmos DB RU, Bicep declares the collection with a TTL on
 * `_ts`, which removes them as well).
 */
export class MongoIdempotencyStore implements IdempotencyStore {
  private readonly client: MongoClient;
  private readonly ownsClient: boolean;
  private readonly collection: Collection<KeyDocument>;
  private readonly calls: StoreCalls;
  private readonly logger: Logger;
  private readonly sweepIntervalMs: number;
  /** True when the server refused the TTL index, so expired keys are this store's to delete. */
  private sweeps = false;
  private lastSweep = 0;

  constructor(options: MongoIdempotencyStoreOptions) {
    const database = options.database ?? RESULT_DATABASE;
    ({ client: this.client, owned: this.ownsClient } = resolveMongoClient(options.client, options));
    this.collection = this.client.db(database).collection<KeyDocument>(options.collection ?? IDEMPOTENCY_COLLECTION);
    this.logger = options.logger.child({ component: 'mongo-idempotency-store', database, collection: this.collection.collectionName });
    this.sweepIntervalMs = options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
    this.calls = new StoreCalls({
      dependency: 'idempotency store',
      retry: createThrottlingRetry(options.throttlingRetry ?? DEFAULT_THROTTLING_RETRY),
      prepare: () => this.ensureTtlIndex(),
    });
  }

  /** Asks for the TTL index on `expires_at` (idempotent); a server that refuses it leaves removal to the store. */
  init(): Promise<void> {
    return this.calls.init();
  }

  private async ensureTtlIndex(): Promise<void> {
    try {
      await this.collection.createIndex({ expires_at: 1 }, { expireAfterSeconds: 0 });
      this.logger.info({}, 'idempotency keys expire by TTL index');
    } catch (error) {
      if (isUnavailableError(error)) throw error;
      this.sweeps = true;
      this.logger.info({ reason: (error as Error).message }, 'the server refused a TTL index: the store deletes expired idempotency keys itself');
    }
  }

  async claim(key: string, record: IdempotencyRecord, ttlSeconds: number): Promise<ClaimResult> {
    const _id = keyId(key);
    const now = new Date();
    const doc: KeyDocument = { ...pickRecord(record), enqueued: false, _id, expires_at: new Date(now.getTime() + Math.max(1, Math.ceil(ttlSeconds)) * 1_000) };
    return this.run('claim', async () => {
      this.sweepNowAndThen(now);
      for (let round = 0; round < CLAIM_ROUNDS; round++) {
        try {
          await this.collection.insertOne({ ...doc });
          return { claimed: true };
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error;
        }
        const existing = await this.collection.findOne({ _id });
        if (!existing) continue; // removed between the insert and the read: insert again
        if (existing.expires_at > now) return { claimed: false, existing: pickStored(existing) };
        // Expired, not removed yet: take it over unless a racing claim did first.
        const replaced = await this.collection.replaceOne({ _id, job_id: existing.job_id }, doc);
        if (replaced.modifiedCount === 1) return { claimed: true };
      }
      throw new Error(`idempotency key claim did not settle in ${CLAIM_ROUNDS} rounds`);
    });
  }

  async markEnqueued(key: string, jobId: string): Promise<boolean> {
    return this.run('mark enqueued', async () => {
      const updated = await this.collection.updateOne({ _id: keyId(key), job_id: jobId, expires_at: { $gt: new Date() } }, { $set: { enqueued: true } });
      return updated.matchedCount === 1;
    });
  }

  async get(key: string): Promise<StoredIdempotencyRecord | undefined> {
    return this.run('get', async () => {
      const found = await this.collection.findOne({ _id: keyId(key), expires_at: { $gt: new Date() } });
      return found ? pickStored(found) : undefined;
    });
  }

  /** Closes the client when the store created it; never rejects. */
  close(): Promise<void> {
    return closeOwnedClient({ client: this.client, owned: this.ownsClient }, this.logger);
  }

  /** Without a TTL index, expired keys are deleted in the background of a claim, at most once per interval. */
  private sweepNowAndThen(now: Date): void {
    if (!this.sweeps || now.getTime() - this.lastSweep < this.sweepIntervalMs) return;
    this.lastSweep = now.getTime();
    this.collection.deleteMany({ expires_at: { $lte: now } }).then(
      (deleted) => this.logger.debug({ deleted: deleted.deletedCount }, 'expired idempotency keys deleted'),
      (error: unknown) => this.logger.warn({ err: error }, 'could not delete expired idempotency keys; the next sweep tries again'),
    );
  }

  private run<T>(operation: string, call: () => Promise<T>): Promise<T> {
    return this.calls.run(operation, call);
  }
}

function keyId(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

function pickRecord(record: IdempotencyRecord): IdempotencyRecord {
  const { job_id, fingerprint, trace_id, submitted_at } = record;
  return { job_id, fingerprint, trace_id, submitted_at };
}

function pickStored(doc: KeyDocument): StoredIdempotencyRecord {
  return { ...pickRecord(doc), enqueued: doc.enqueued === true };
}
