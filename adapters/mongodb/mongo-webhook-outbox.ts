import type { Collection, IndexDescription, MongoClient } from 'mongodb';
import { RESULT_DATABASE } from '../../contracts/index.js';
import type { Logger, StoredWebhookDelivery, WebhookAttemptRecord, WebhookOutbox } from '../../core/ports/index.js';
import { isDuplicateKeyError } from './mongo-errors.js';
import { closeOwnedClient, resolveMongoClient, type ClientTimeouts } from './mongo-client.js';
import { ensureDeclaredIndexes } from './declared-indexes.js';
import { StoreCalls } from './store-calls.js';
import { DEFAULT_THROTTLING_RETRY, createThrottlingRetry, type ThrottlingRetryOptions } from './throttling-retry.js';

export const WEBHOOK_COLLECTION = 'webhook_deliveries';

/**
 * The indexes of `webhook_deliveries` (Bicep declares the same, a test compares them):
 * `next_attempt_at` serves the deliverers' due query, polled every second or so by each worker;
 * `state` the pending count. Times are RFC 3339 texts in UTC, which sort as the times do.
 */
export const WEBHOOK_INDEXES: readonly IndexDescription[] = [{ key: { next_attempt_at: 1 } }, { key: { state: 1 } }];

export interface MongoWebhookOutboxOptions extends ClientTimeouts {
  /** A connection string (the outbox then owns and closes its client) or a client the caller owns. */
  client: MongoClient | string;
  database?: string;
  collection?: string;
  logger: Logger;
  throttlingRetry?: ThrottlingRetryOptions;
}

interface DeliveryDocument extends Omit<StoredWebhookDelivery, 'job_id'> {
  _id: string;
}

/** Fields an attempt may leave unset; a later attempt's record clears what it does not set. */
const ATTEMPT_FIELDS = ['last_status_code', 'last_error', 'next_attempt_at', 'delivered_at', 'given_up_at'] as const;

/**
 * Webhook deliveries in MongoDB (`dtq.webhook_deliveries`), beside the results, `_id` the job
 * id: a delivery outlives the worker that recorded it. A claim is an `updateOne` by `_id`
 * conditioned on the lease having lapsed; an attempt is recorded only by the lease holder. On
 * FerretDB two racing claims of one delivery may both succeed, which sends it twice with the
 * same `webhook-id`: delivery is at least once either way.
 */
export class MongoWebhookOutbox implements WebhookOutbox {
  private readonly client: MongoClient;
  private readonly ownsClient: boolean;
  private readonly collection: Collection<DeliveryDocument>;
  private readonly calls: StoreCalls;
  private readonly logger: Logger;

  constructor(options: MongoWebhookOutboxOptions) {
    const database = options.database ?? RESULT_DATABASE;
    ({ client: this.client, owned: this.ownsClient } = resolveMongoClient(options.client, options));
    this.collection = this.client.db(database).collection<DeliveryDocument>(options.collection ?? WEBHOOK_COLLECTION);
    this.logger = options.logger.child({ component: 'mongo-webhook-outbox', database, collection: this.collection.collectionName });
    this.calls = new StoreCalls({
      dependency: 'webhook outbox',
      retry: createThrottlingRetry(options.throttlingRetry ?? DEFAULT_THROTTLING_RETRY),
      prepare: () => this.ensureIndexes(),
    });
  }

  /** Creates the indexes (idempotent); one the server refuses is logged, and the outbox serves without it. */
  init(): Promise<void> {
    return this.calls.init();
  }

  private ensureIndexes(): Promise<void> {
    return ensureDeclaredIndexes({ collection: this.collection, indexes: WEBHOOK_INDEXES, logger: this.logger, withoutIndex: 'finding due webhook deliveries scans the collection' });
  }

  async add(delivery: StoredWebhookDelivery): Promise<boolean> {
    try {
      await this.calls.run('add', () => this.collection.insertOne(toDocument(delivery)));
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error) || isDuplicateKeyError((error as { cause?: unknown }).cause)) return false;
      throw error;
    }
  }

  async get(jobId: string): Promise<StoredWebhookDelivery | undefined> {
    const found = await this.calls.run('get', () => this.collection.findOne({ _id: jobId }));
    return found ? fromDocument(found) : undefined;
  }

  async claimDue(now: Date, holder: string, leaseUntil: Date, limit: number): Promise<StoredWebhookDelivery[]> {
    const at = now.toISOString();
    const claimable = { state: 'pending' as const, next_attempt_at: { $lte: at }, $or: [{ lease_until: { $exists: false } }, { lease_until: { $lte: at } }] };
    const due = await this.calls.run('due', () => this.collection.find(claimable).sort({ next_attempt_at: 1 }).limit(limit).toArray());
    // Each claim is an update by _id (the shard key on Cosmos DB) conditioned on the lease being
    // free still: of deliverers that read the same due delivery, the first update takes it.
    const lease = { lease_holder: holder, lease_until: leaseUntil.toISOString() };
    const claimed = await Promise.all(
      due.map(async (found) => {
        const updated = await this.calls.run('claim', () => this.collection.updateOne({ _id: found._id, ...claimable }, { $set: lease }));
        return updated.modifiedCount === 1 ? fromDocument({ ...found, ...lease }) : undefined;
      }),
    );
    return claimed.filter((delivery): delivery is StoredWebhookDelivery => delivery !== undefined);
  }

  async recordAttempt(jobId: string, holder: string, attempt: WebhookAttemptRecord): Promise<boolean> {
    const unset: Record<string, ''> = { lease_holder: '', lease_until: '' };
    for (const field of ATTEMPT_FIELDS) if (attempt[field] === undefined) unset[field] = '';
    const updated = await this.calls.run('record attempt', () =>
      this.collection.updateOne({ _id: jobId, lease_holder: holder }, { $set: definedFields(attempt), $unset: unset }),
    );
    return updated.matchedCount === 1;
  }

  async countPending(): Promise<number> {
    return this.calls.run('count pending', () => this.collection.countDocuments({ state: 'pending' }));
  }

  /** Closes the client when the outbox created it; never rejects. */
  close(): Promise<void> {
    return closeOwnedClient({ client: this.client, owned: this.ownsClient }, this.logger);
  }
}

function definedFields<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function toDocument(delivery: StoredWebhookDelivery): DeliveryDocument {
  const { job_id, ...fields } = delivery;
  return { _id: job_id, ...(definedFields(fields) as Omit<StoredWebhookDelivery, 'job_id'>) };
}

function fromDocument(document: DeliveryDocument): StoredWebhookDelivery {
  const { _id, ...fields } = document;
  return { job_id: _id, ...fields };
}
