import type { RetryPolicy } from 'cockatiel';
import { MongoClient, type Collection, type Filter } from 'mongodb';
import { RESULT_COLLECTION, RESULT_DATABASE, type JobResultDocument } from '../../contracts/index.js';
import type { HealthCheck, Logger, ResultPage, ResultPageQuery, ResultStore } from '../../core/ports/index.js';
import { decodeCursor, encodeCursor } from '../shared/page-cursor.js';
import { isDuplicateKeyError, isUnavailableError, toStoreError } from './mongo-errors.js';
import { MongoPingHealthCheck } from './mongo-health-check.js';
import { ensureResultIndexes } from './result-indexes.js';
import { DEFAULT_THROTTLING_RETRY, createThrottlingRetry, type ThrottlingRetryOptions } from './throttling-retry.js';

/** Fail fast when MongoDB is down: a request waits this long for a server, then answers 503. */
export const DEFAULT_SERVER_SELECTION_TIMEOUT_MS = 5_000;
/** A new connection (TCP, TLS and handshake) that has not answered by then is given up (the driver's default is 30 s). */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/**
 * A reply the server has not sent within this long fails the operation (the driver's default is
 * no limit, so a server that hangs would hang its callers for good). Every operation here reads
 * or writes one document or one page, so this only ever cuts off a server that stopped answering.
 */
export const DEFAULT_SOCKET_TIMEOUT_MS = 30_000;

/** The client deadlines; each is used only with a connection string that does not set it itself. */
interface ClientTimeouts {
  serverSelectionTimeoutMS?: number;
  connectTimeoutMS?: number;
  socketTimeoutMS?: number;
}

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
  private readonly client: MongoClient;
  private readonly ownsClient: boolean;
  private readonly collection: Collection<JobResultDocument>;
  private readonly retry: RetryPolicy;
  private readonly logger: Logger;
  private indexes: Promise<void> | undefined;

  constructor(options: MongoResultStoreOptions) {
    const database = options.database ?? RESULT_DATABASE;
    this.ownsClient = typeof options.client === 'string';
    this.client = typeof options.client === 'string' ? createClient(options.client, options) : options.client;
    this.collection = this.client.db(database).collection<JobResultDocument>(options.collection ?? RESULT_COLLECTION);
    this.retry = createThrottlingRetry(options.throttlingRetry ?? DEFAULT_THROTTLING_RETRY);
    this.logger = options.logger.child({ component: 'mongo-result-store', database, collection: this.collection.collectionName });
    this.healthCheck = new MongoPingHealthCheck({ client: this.client, database });
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

  async save(result: JobResultDocument): Promise<{ inserted: boolean }> {
    const doc = { ...result, started_at: canonicalTimestamp(result.started_at), completed_at: canonicalTimestamp(result.completed_at) };
    return this.run('save', { job_id: result.job_id, trace_id: result.trace_id }, async () => {
      try {
        // A plain insert on the unique job_id index: the first save of a job inserts, and the index
        // refuses every later or racing one with E11000, so a replay never touches the first result.
        // (Not an upsert with $setOnInsert: FerretDB's $setOnInsert skips null fields, and the
        // contract's `error: null` would be lost. See README, "On FerretDB".)
        await this.collection.insertOne({ ...doc });
        return { inserted: true };
      } catch (error) {
        if (isDuplicateKeyError(error)) return { inserted: false };
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
  async close(): Promise<void> {
    if (!this.ownsClient) return;
    try {
      await this.client.close();
    } catch (error) {
      this.logger.warn({ err: error }, 'closing the MongoDB client failed');
    }
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

function createClient(uri: string, timeouts: ClientTimeouts): MongoClient {
  const wanted: Required<ClientTimeouts> = {
    serverSelectionTimeoutMS: timeouts.serverSelectionTimeoutMS ?? DEFAULT_SERVER_SELECTION_TIMEOUT_MS,
    connectTimeoutMS: timeouts.connectTimeoutMS ?? DEFAULT_CONNECT_TIMEOUT_MS,
    socketTimeoutMS: timeouts.socketTimeoutMS ?? DEFAULT_SOCKET_TIMEOUT_MS,
  };
  // Options given here override the connection string's, so only fill in what it leaves unset.
  const unset = Object.entries(wanted).filter(([name]) => !new RegExp(`[?&]${name}=`, 'i').test(uri));
  return new MongoClient(uri, Object.fromEntries(unset));
}

function canonicalTimestamp(value: string): string {
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? value : parsed.toISOString();
}
