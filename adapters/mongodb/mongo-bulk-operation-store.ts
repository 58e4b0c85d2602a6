import type { Collection, IndexDescription, MongoClient } from 'mongodb';
import { RESULT_DATABASE, type BulkOutcome } from '../../contracts/index.js';
import type {
  BulkItemOutcome,
  BulkOperationPatch,
  BulkOperationStore,
  BulkTarget,
  Logger,
  StoredBulkItem,
  StoredBulkOperation,
} from '../../core/ports/index.js';
import { isDuplicateKeyError } from './mongo-errors.js';
import { closeOwnedClient, resolveMongoClient, type ClientTimeouts } from './mongo-client.js';
import { ensureDeclaredIndexes } from './declared-indexes.js';
import { StoreCalls } from './store-calls.js';
import { DEFAULT_THROTTLING_RETRY, createThrottlingRetry, type ThrottlingRetryOptions } from './throttling-retry.js';

export const BULK_OPERATION_COLLECTION = 'bulk_operations';
export const BULK_ITEM_COLLECTION = 'bulk_operation_items';
/** The targets' indexes: the page and pending queries walk one operation's targets in `seq` order. */
export const BULK_ITEM_INDEXES: readonly IndexDescription[] = [{ key: { operation_id: 1, seq: 1 } }, { key: { operation_id: 1, outcome: 1 } }];
/** Targets written per insertMany: a request stays far below the 16 MiB message bound. */
const INSERT_CHUNK = 1_000;

export interface MongoBulkOperationStoreOptions extends ClientTimeouts {
  client: MongoClient | string;
  database?: string;
  logger: Logger;
  throttlingRetry?: ThrottlingRetryOptions;
}

interface OperationDocument extends Omit<StoredBulkOperation, 'operation_id'> {
  _id: string;
}

interface ItemDocument extends StoredBulkItem {
  /** `<operation_id>:<seq>`: a target stored twice (a retried insert) is refused, not doubled. */
  _id: string;
  operation_id: string;
}

/**
 * Bulk operations in MongoDB (`dtq.bulk_operations`, one document each) and their targets
 * (`dtq.bulk_operation_items`, one document per job, written with insertMany before any job is
 * acted on). Every call is safe to repeat, as StoreCalls' retry needs. Every call on the targets
 * names `operation_id`, the key Bicep shards them on in Cosmos DB.
 */
export class MongoBulkOperationStore implements BulkOperationStore {
  private readonly client: MongoClient;
  private readonly ownsClient: boolean;
  private readonly operations: Collection<OperationDocument>;
  private readonly targets: Collection<ItemDocument>;
  private readonly calls: StoreCalls;
  private readonly logger: Logger;

  constructor(options: MongoBulkOperationStoreOptions) {
    const database = options.database ?? RESULT_DATABASE;
    ({ client: this.client, owned: this.ownsClient } = resolveMongoClient(options.client, options));
    this.operations = this.client.db(database).collection<OperationDocument>(BULK_OPERATION_COLLECTION);
    this.targets = this.client.db(database).collection<ItemDocument>(BULK_ITEM_COLLECTION);
    this.logger = options.logger.child({ component: 'mongo-bulk-operation-store', database });
    this.calls = new StoreCalls({
      dependency: 'bulk operation store',
      retry: createThrottlingRetry(options.throttlingRetry ?? DEFAULT_THROTTLING_RETRY),
      prepare: () => this.ensureIndexes(),
    });
  }

  init(): Promise<void> {
    return this.calls.init();
  }

  private ensureIndexes(): Promise<void> {
    return ensureDeclaredIndexes({ collection: this.targets, indexes: BULK_ITEM_INDEXES, logger: this.logger, withoutIndex: 'reading an operation\'s items scans the collection' });
  }

  async create(operation: StoredBulkOperation): Promise<boolean> {
    const { operation_id, ...fields } = operation;
    return this.calls.run('create', async () => {
      try {
        await this.operations.insertOne({ _id: operation_id, ...fields });
        return true;
      } catch (error) {
        if (isDuplicateKeyError(error)) return false;
        throw error;
      }
    });
  }

  async get(operationId: string): Promise<StoredBulkOperation | undefined> {
    const found = await this.calls.run('get', () => this.operations.findOne({ _id: operationId }));
    if (!found) return undefined;
    const { _id, ...fields } = found;
    return { operation_id: _id, ...fields };
  }

  async putTargets(operationId: string, targets: BulkTarget[]): Promise<void> {
    await this.calls.run('put targets', async () => {
      await this.targets.deleteMany({ operation_id: operationId });
      for (let i = 0; i < targets.length; i += INSERT_CHUNK) {
        const docs = targets.slice(i, i + INSERT_CHUNK).map((target) => ({
          ...target,
          _id: `${operationId}:${target.seq}`,
          operation_id: operationId,
          outcome: 'pending' as const,
        }));
        await this.targets.insertMany(docs, { ordered: false });
      }
    });
  }

  async update(operationId: string, patch: BulkOperationPatch, ifHeartbeatAt?: string): Promise<boolean> {
    const filter = ifHeartbeatAt === undefined ? { _id: operationId } : { _id: operationId, heartbeat_at: ifHeartbeatAt };
    const updated = await this.calls.run('update', () => this.operations.updateOne(filter, { $set: patch }));
    return updated.matchedCount === 1;
  }

  async items(operationId: string, page: { afterSeq?: number; limit: number; pendingOnly?: boolean }): Promise<StoredBulkItem[]> {
    const found = await this.calls.run('items', () =>
      this.targets
        .find({ operation_id: operationId, seq: { $gt: page.afterSeq ?? -1 }, ...(page.pendingOnly ? { outcome: 'pending' } : {}) })
        .sort({ seq: 1 })
        .limit(page.limit)
        .toArray(),
    );
    return found.map(({ _id: _key, operation_id: _operation, ...item }) => item);
  }

  async recordOutcome(operationId: string, seq: number, outcome: BulkItemOutcome): Promise<void> {
    await this.calls.run('record outcome', () => this.targets.updateOne({ _id: `${operationId}:${seq}`, operation_id: operationId }, { $set: outcome }));
  }

  async countOutcomes(operationId: string): Promise<Partial<Record<BulkOutcome, number>>> {
    const groups = await this.calls.run('count outcomes', () =>
      this.targets.aggregate<{ _id: BulkOutcome; count: number }>([{ $match: { operation_id: operationId } }, { $group: { _id: '$outcome', count: { $sum: 1 } } }]).toArray(),
    );
    return Object.fromEntries(groups.map((group) => [group._id, group.count]));
  }

  close(): Promise<void> {
    return closeOwnedClient({ client: this.client, owned: this.ownsClient }, this.logger);
  }
}
