import type { Collection, IndexDescription, MongoClient } from 'mongodb';
import { RESULT_DATABASE } from '../../contracts/index.js';
import type { Logger, ScheduleStore, StoredSchedule } from '../../core/ports/index.js';
import { closeOwnedClient, resolveMongoClient, type ClientTimeouts } from './mongo-client.js';
import { ensureDeclaredIndexes } from './declared-indexes.js';
import { StoreCalls } from './store-calls.js';
import { DEFAULT_THROTTLING_RETRY, createThrottlingRetry, type ThrottlingRetryOptions } from './throttling-retry.js';

export const SCHEDULE_COLLECTION = 'schedules';

/**
 * The indexes of `schedules` (Bicep declares the same, a test compares them). `next_run_at`
 * serves the workers' due query, polled a few times a second by each; `created_at` the listing.
 * Times are RFC 3339 texts in UTC, which sort as the times do.
 */
export const SCHEDULE_INDEXES: readonly IndexDescription[] = [{ key: { next_run_at: 1 } }, { key: { created_at: -1 } }];

export interface MongoScheduleStoreOptions extends ClientTimeouts {
  /** A connection string (the store then owns and closes its client) or a client the caller owns. */
  client: MongoClient | string;
  database?: string;
  collection?: string;
  logger: Logger;
  throttlingRetry?: ThrottlingRetryOptions;
}

interface ScheduleDocument extends Omit<StoredSchedule, 'schedule_id'> {
  _id: string;
}

/**
 * Schedules in MongoDB (`dtq.schedules`), beside the results: a schedule must outlive every
 * process and a Redis that loses its data. `_id` is the schedule id; `advance` is one
 * `updateOne` conditioned on the tick it moves from: on MongoDB racing workers move a schedule
 * once; FerretDB may let two through, which sets the same next tick twice.
 */
export class MongoScheduleStore implements ScheduleStore {
  private readonly client: MongoClient;
  private readonly ownsClient: boolean;
  private readonly collection: Collection<ScheduleDocument>;
  private readonly calls: StoreCalls;
  private readonly logger: Logger;

  constructor(options: MongoScheduleStoreOptions) {
    const database = options.database ?? RESULT_DATABASE;
    ({ client: this.client, owned: this.ownsClient } = resolveMongoClient(options.client, options));
    this.collection = this.client.db(database).collection<ScheduleDocument>(options.collection ?? SCHEDULE_COLLECTION);
    this.logger = options.logger.child({ component: 'mongo-schedule-store', database, collection: this.collection.collectionName });
    this.calls = new StoreCalls({
      dependency: 'schedule store',
      retry: createThrottlingRetry(options.throttlingRetry ?? DEFAULT_THROTTLING_RETRY),
      prepare: () => this.ensureIndexes(),
    });
  }

  /** Creates the indexes (idempotent); one the server refuses is logged, and the store serves without it. */
  init(): Promise<void> {
    return this.calls.init();
  }

  private ensureIndexes(): Promise<void> {
    return ensureDeclaredIndexes({ collection: this.collection, indexes: SCHEDULE_INDEXES, logger: this.logger, withoutIndex: 'finding due schedules scans the collection' });
  }

  async create(schedule: StoredSchedule): Promise<void> {
    await this.run('create', () => this.collection.insertOne(toDocument(schedule)));
  }

  async get(scheduleId: string): Promise<StoredSchedule | undefined> {
    const found = await this.run('get', () => this.collection.findOne({ _id: scheduleId }));
    return found ? fromDocument(found) : undefined;
  }

  async list(): Promise<StoredSchedule[]> {
    const found = await this.run('list', () => this.collection.find({}).sort({ created_at: -1 }).toArray());
    return found.map(fromDocument);
  }

  async delete(scheduleId: string): Promise<boolean> {
    const deleted = await this.run('delete', () => this.collection.deleteOne({ _id: scheduleId }));
    return deleted.deletedCount === 1;
  }

  async setPaused(scheduleId: string, paused: boolean, nextRunAt: string | null): Promise<StoredSchedule | undefined> {
    const updated = await this.run('set paused', () =>
      this.collection.findOneAndUpdate({ _id: scheduleId }, { $set: { paused, next_run_at: nextRunAt } }, { returnDocument: 'after' }),
    );
    return updated ? fromDocument(updated) : undefined;
  }

  async due(now: Date, limit: number): Promise<StoredSchedule[]> {
    const found = await this.run('due', () =>
      this.collection
        .find({ paused: false, next_run_at: { $ne: null, $lte: now.toISOString() } })
        .sort({ next_run_at: 1 })
        .limit(limit)
        .toArray(),
    );
    return found.map(fromDocument);
  }

  async advance(scheduleId: string, from: string, to: string | null): Promise<boolean> {
    const updated = await this.run('advance', () =>
      this.collection.updateOne({ _id: scheduleId, paused: false, next_run_at: from }, { $set: { next_run_at: to, last_run_at: from } }),
    );
    return updated.modifiedCount === 1;
  }

  /** Closes the client when the store created it; never rejects. */
  close(): Promise<void> {
    return closeOwnedClient({ client: this.client, owned: this.ownsClient }, this.logger);
  }

  private run<T>(operation: string, call: () => Promise<T>): Promise<T> {
    return this.calls.run(operation, call);
  }
}

function toDocument(schedule: StoredSchedule): ScheduleDocument {
  const { schedule_id, ...fields } = schedule;
  return { _id: schedule_id, ...fields };
}

function fromDocument(document: ScheduleDocument): StoredSchedule {
  const { _id, job_type, payload, cron, timezone, paused, created_at, next_run_at, last_run_at } = document;
  return { schedule_id: _id, job_type, payload, cron, timezone, paused, created_at, next_run_at, last_run_at };
}
