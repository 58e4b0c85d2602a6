import type { RetryPolicy } from 'cockatiel';
import { MongoBulkWriteError, type Collection, type Filter, type MongoClient } from 'mongodb';
import { RESULT_COLLECTION, RESULT_DATABASE, type JobResultDocument } from '../../contracts/index.js';
import { ResultRefusedError } from '../../core/errors/index.js';
import type { HealthCheck, Logger, ResultPage, ResultPageQuery, ResultStore } from '../../core/ports/index.js';
import { decodeCursor, encodeCursor } from '../shared/page-cursor.js';
import { TurnBatcher } from '../shared/turn-batcher.js';
import { closeOwnedClient, resolveMongoClient, type ClientTimeouts } from './mongo-client.js';
import { DUPLICATE_KEY, isDuplicateKeyError, isRefusedDocumentError, isUnavailableError, toStoreError } from './mongo-errors.js';
import { MongoPingHealthCheck } from './mongo-health-check.js';
import { ensureResultIndexes } from './result-indexes.js';
import { DEFAULT_THROTTLING_RETRY, createThrottlingRetry, type ThrottlingRetryOptions } from './throttling-retry.js';

/** Most result documents one coalesced insert carries (each is at most a few MiB; the driver splits by size). */
const SAVE_BATCH_DOCUMENTS = 100;

export interface MongoResultStoreOptions extends ClientTimeouts {
  /** A connection string (the store then owns and closes its client) or a client the caller owns. */
  client: MongoClient | string;
  database?: string;
  collection?: string;
  logger: Logger;
  throttlingRetry?: ThrottlingRetryOptions;
}

/**
 * Job results in MongoDB (`dtq.job_results` by default), one document per job_id.
 *
 * Documents are the contract document plus MongoDB's `_id`; reads project `_id` away and return
 * the contract document. Timestamps stay RFC 3339 strings, as the contract defines them, written
 * in `Date#toISOString()` form (UTC, milliseconds, "Z"): strings of that one fixed shape sort
 * chronologically, which the newest-first listing and its keyset cursor rely on. `save`
 * rewrites any other valid form ("…:08Z", microseconds) to it, since "…:08.5Z" < "…:08Z" as text.
 */
export class MongoResultStore implements ResultStore {
  readonly healthCheck: HealthCheck;
  private readonly saves: TurnBatcher<JobResultDocument, { inserted: boolean }>;
  private readonly client: MongoClient;
  private readonly ownsClient: boolean;
  private readonly collection: Collection<JobResultDocument>;
  private readonly retry: RetryPolicy;
  private readonly logger: Logger;
  private indexes: Promise<void> | undefined;

  constructor(options: MongoResultStoreOptions) {
    const database = options.database ?? RESULT_DATABASE;
    ({ client: this.client, owned: this.ownsClient } = resolveMongoClient(options.client, options));
    this.collection = this.client.db(database).collection<JobResultDocument>(options.collection ?? RESULT_COLLECTION);
    this.retry = createThrottlingRetry(options.throttlingRetry ?? DEFAULT_THROTTLING_RETRY);
    this.logger = options.logger.child({ component: 'mongo-result-store', database, collection: this.collection.collectionName });
    this.healthCheck = new MongoPingHealthCheck({ client: this.client, database });
    this.saves = new TurnBatcher({ send: (docs) => this.insertBatch(docs), maxBatchItems: SAVE_BATCH_DOCUMENTS });
  }

  /**
   * Verifies the indexes and creates what is missing (idempotent). Start-up calls it so a missing
   * unique index exists before the first write (Cosmos DB can only add one to an empty
   * collection); every operation also awaits it, so a process that started while MongoDB was down
   * verifies them on first use. An index the server refuses to create is logged, not fatal.
   */
  init(): Promise<void> {
    this.indexes ??= this.withRetry('ensure indexes', {}, async () => {
      const report = await ensureResultIndexes(this.collection, (error) => !isUnavailableError(error));
      this.logger.info({ present: report.present, created: report.created }, 'result store indexes verified');
      // Refused by the server (a conflicting index someone made, a Cosmos DB collection whose
      // unique index cannot be added any more): the store keeps working, and says what is missing.
      for (const { index, reason } of report.refused) {
        const unique = index.endsWith('(unique)');
        this.logger[unique ? 'error' : 'warn']({ index, reason }, unique ? 'the unique index is missing and could not be created: results of replayed jobs could be duplicated' : 'an index is missing and could not be created: listing may be slow or refused');
      }
    }).catch((error: unknown) => {
      this.indexes = undefined;
      throw error;
    });
    return this.indexes;
  }

  /**
   * Saves made in the same turn of the event loop go in one unordered insertMany (TurnBatcher): a
   * worker finishing many jobs at once then sends one command instead of one each.
   */
  save(result: JobResultDocument): Promise<{ inserted: boolean }> {
    return this.saves.add({ ...result, started_at: canonicalTimestamp(result.started_at), completed_at: canonicalTimestamp(result.completed_at) });
  }

  /**
   * A plain insert on the unique job_id index: the first save of a job inserts, and the index
   * refuses every later or racing one with E11000, so a replay never touches the first result.
   * (Not an upsert with $setOnInsert: FerretDB's $setOnInsert skips null fields, and the
   * contract's `error: null` would be lost. See README, "On FerretDB".) Unordered, so one refused
   * document does not stop the others; a document refused for another reason is saved again on
   * its own, with the retry and error mapping every operation gets.
   */
  private async insertBatch(docs: JobResultDocument[]): Promise<PromiseSettledResult<{ inserted: boolean }>[]> {
    const refused = await this.run('save', { job_ids: docs.map((doc) => doc.job_id) }, async () => {
      try {
        // Copies: the driver adds `_id` to the documents it is given.
        await this.collection.insertMany(docs.map((doc) => ({ ...doc })), { ordered: false });
        return new Map<number, number | string>();
      } catch (error) {
        const writeErrors = error instanceof MongoBulkWriteError ? [error.writeErrors].flat() : [];
        // No per-document errors: the command itself failed. The driver wraps what went wrong
        // (a network error, a timeout) in the bulk error; that is what says whether to retry.
        if (writeErrors.length === 0) {
          const cause = error instanceof MongoBulkWriteError && error.errorResponse instanceof Error ? error.errorResponse : error;
          // Refused for what a document holds (the driver could not encode it, or FerretDB failed
          // the whole command over one NUL): each on its own, so only the one at fault is refused.
          if (isRefusedDocumentError(cause)) return 'each-alone' as const;
          throw cause;
        }
        return new Map(writeErrors.map((writeError) => [writeError.index, writeError.code]));
      }
    });
    return Promise.allSettled(
      docs.map(async (doc, index) => {
        if (refused === 'each-alone') return this.insertOne(doc);
        if (!refused.has(index)) return { inserted: true };
        if (refused.get(index) === DUPLICATE_KEY) return { inserted: false };
        return this.insertOne(doc);
      }),
    );
  }

  /**
   * One document on its own. A refusal that is no outage (the store cannot hold something in
   * it: PostgreSQL behind FerretDB refuses a NUL) is a ResultRefusedError, so the worker can
   * store a failed result in its place instead of trying the same document for ever.
   */
  private insertOne(doc: JobResultDocument): Promise<{ inserted: boolean }> {
    return this.run('save', { job_id: doc.job_id, trace_id: doc.trace_id }, async () => {
      try {
        await this.collection.insertOne({ ...doc });
        return { inserted: true };
      } catch (error) {
        if (isDuplicateKeyError(error)) return { inserted: false };
        if (isRefusedDocumentError(error)) throw new ResultRefusedError(doc.job_id, { cause: error });
        throw error;
      }
    });
  }

  async get(jobId: string): Promise<JobResultDocument | null> {
    return this.run('get', { job_id: jobId }, async () => {
      const found = await this.collection.findOne({ job_id: jobId }, { projection: { _id: 0 } });
      return found as JobResultDocument | null;
    });
  }

  async list(query: ResultPageQuery): Promise<ResultPage> {
    const limit = Math.max(0, Math.floor(query.limit));
    const after = decodeCursor(query.cursor);
    const filter: Filter<JobResultDocument> = {
      ...(query.final_state ? { final_state: query.final_state } : {}),
      ...(query.job_type ? { job_type: query.job_type } : {}),
      // Keyset: strictly after the cursor in (completed_at desc, job_id desc) order.
      ...(after ? { $or: [{ completed_at: { $lt: after.at } }, { completed_at: after.at, job_id: { $lt: after.id } }] } : {}),
    };
    return this.run('list', {}, async () => {
      // One extra document says whether another page follows.
      const docs = (await this.collection
        .find(filter, { projection: { _id: 0 }, sort: { completed_at: -1, job_id: -1 }, limit: limit + 1 })
        .toArray()) as JobResultDocument[];
      const items = docs.slice(0, limit);
      const last = items[items.length - 1];
      return { items, next_cursor: docs.length > limit && last ? encodeCursor({ at: last.completed_at, id: last.job_id }) : null };
    });
  }

  /** Closes the client when the store created it; never rejects. */
  close(): Promise<void> {
    return closeOwnedClient({ client: this.client, owned: this.ownsClient }, this.logger);
  }

  private async run<T>(operation: string, fields: Record<string, unknown>, call: () => Promise<T>): Promise<T> {
    await this.init();
    return this.withRetry(operation, fields, call);
  }

  /** Throttled calls are retried; what still fails leaves as DependencyUnavailableError when MongoDB is unreachable. */
  private async withRetry<T>(operation: string, fields: Record<string, unknown>, call: () => Promise<T>): Promise<T> {
    try {
      return await this.retry.execute(({ attempt }) => {
        if (attempt > 0) this.logger.warn({ ...fields, operation, attempt }, 'result store throttled; retrying');
        return call();
      });
    } catch (error) {
      throw toStoreError(error, operation);
    }
  }
}

function canonicalTimestamp(value: string): string {
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? value : parsed.toISOString();
}
