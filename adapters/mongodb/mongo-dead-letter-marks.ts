import type { Collection, MongoClient } from 'mongodb';
import { RESULT_DATABASE } from '../../contracts/index.js';
import type { DeadLetterMark, DeadLetterMarks, Logger } from '../../core/ports/index.js';
import { isDuplicateKeyError } from './mongo-errors.js';
import { closeOwnedClient, resolveMongoClient, type ClientTimeouts } from './mongo-client.js';
import { StoreCalls } from './store-calls.js';
import { DEFAULT_THROTTLING_RETRY, createThrottlingRetry, type ThrottlingRetryOptions } from './throttling-retry.js';

export const DEAD_LETTER_MARKS_COLLECTION = 'dead_letter_marks';

export interface MongoDeadLetterMarksOptions extends ClientTimeouts {
  /** A connection string (the store then owns and closes its client) or a client the caller owns. */
  client: MongoClient | string;
  database?: string;
  collection?: string;
  logger: Logger;
  throttlingRetry?: ThrottlingRetryOptions;
}

/** A mark as stored: `_id` is `<topic>/<partition>-<offset>`, so a record is marked once. */
interface MarkDocument extends DeadLetterMark {
  _id: string;
  topic: string;
}

/**
 * Dead-letter marks in MongoDB (`dtq.dead_letter_marks`), beside the results, so what was dealt
 * with stays dealt with across restarts. A mark is an insert on `_id`: of two racing marks the
 * first is kept and the other reads it.
 */
export class MongoDeadLetterMarks implements DeadLetterMarks {
  private readonly client: MongoClient;
  private readonly ownsClient: boolean;
  private readonly collection: Collection<MarkDocument>;
  private readonly calls: StoreCalls;
  private readonly logger: Logger;

  constructor(options: MongoDeadLetterMarksOptions) {
    const database = options.database ?? RESULT_DATABASE;
    ({ client: this.client, owned: this.ownsClient } = resolveMongoClient(options.client, options));
    this.collection = this.client.db(database).collection<MarkDocument>(options.collection ?? DEAD_LETTER_MARKS_COLLECTION);
    this.logger = options.logger;
    this.calls = new StoreCalls({
      dependency: 'dead-letter marks',
      retry: createThrottlingRetry(options.throttlingRetry ?? DEFAULT_THROTTLING_RETRY),
      prepare: async () => void (await this.collection.createIndex({ topic: 1 })),
    });
  }

  init(): Promise<void> {
    return this.calls.init();
  }

  async mark(topic: string, mark: DeadLetterMark): Promise<DeadLetterMark> {
    const _id = `${topic}/${mark.id}`;
    return this.calls.run('mark', async () => {
      try {
        await this.collection.insertOne({ _id, topic, ...mark });
        return mark;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        const existing = await this.collection.findOne({ _id });
        if (!existing) throw error;
        return toMark(existing);
      }
    });
  }

  async find(topic: string, ids: string[]): Promise<DeadLetterMark[]> {
    if (ids.length === 0) return [];
    const found = await this.calls.run('find', () => this.collection.find({ _id: { $in: ids.map((id) => `${topic}/${id}`) } }).toArray());
    return found.map(toMark);
  }

  count(topic: string): Promise<number> {
    return this.calls.run('count', () => this.collection.countDocuments({ topic }));
  }

  close(): Promise<void> {
    return closeOwnedClient({ client: this.client, owned: this.ownsClient }, this.logger);
  }
}

function toMark(document: MarkDocument): DeadLetterMark {
  return {
    id: document.id,
    outcome: document.outcome,
    handled_at: document.handled_at,
    ...(document.handled_by ? { handled_by: document.handled_by } : {}),
  };
}
