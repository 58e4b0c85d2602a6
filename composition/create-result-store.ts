import type { Config } from '../config/index.js';
import type { BulkOperationStore, DeadLetterMarks, DelayedJobStore, HealthCheck, IdempotencyStore, Logger, ResultStore, ScheduleStore, WebhookOutbox } from '../core/ports/index.js';
import { MemoryBulkOperationStore, MemoryDeadLetterMarks, MemoryDelayedJobStore, MemoryResultStore, MemoryScheduleStore, MemoryWebhookOutbox } from '../adapters/memory/index.js';
import {
  MongoBulkOperationStore,
  MongoDeadLetterMarks,
  MongoDelayedJobStore,
  MongoIdempotencyStore,
  MongoResultStore,
  MongoScheduleStore,
  MongoWebhookOutbox,
  createMongoClient,
} from '../adapters/mongodb/index.js';

export interface ResultStoreChoice {
  results: ResultStore;
  /**
   * Idempotency keys kept durably beside the results (MongoDB), so they outlive a Redis that
   * loses its data; undefined with the in-memory result store.
   */
  idempotency?: IdempotencyStore;
  /** Schedules, beside the results (MongoDB) so they outlive every process and a Redis that loses its data; in memory otherwise. */
  schedules: ScheduleStore;
  /** Delayed jobs until they are due, in the same database (in memory with the in-memory result store). */
  delayed: DelayedJobStore;
  /** Webhook deliveries, beside the results (MongoDB) so a recorded delivery outlives its worker; in memory otherwise. */
  webhooks: WebhookOutbox;
  /** Which dead letters were dealt with (purged, replayed): beside the results (MongoDB), in memory otherwise. */
  deadLetterMarks: DeadLetterMarks;
  /** Bulk operations and their targets, beside the results (MongoDB) so an operation outlives the API that ran it; in memory otherwise. */
  bulkOperations: BulkOperationStore;
  readiness: HealthCheck[];
  /** Ensures the collections' indexes; idempotent. */
  init(): Promise<void>;
  close(): Promise<void>;
}

/** MongoDB (one client for results, idempotency keys, schedules and delayed jobs) when MONGODB_URI is set, process memory otherwise. */
export function createResultStore(config: Config, logger: Logger): ResultStoreChoice {
  if (!config.MONGODB_URI) {
    const results = new MemoryResultStore();
    const delayed = new MemoryDelayedJobStore();
    return {
      results,
      schedules: new MemoryScheduleStore(),
      webhooks: new MemoryWebhookOutbox(),
      bulkOperations: new MemoryBulkOperationStore(),
      deadLetterMarks: new MemoryDeadLetterMarks(),
      delayed,
      readiness: [],
      init: async () => {},
      close: async () => void (await Promise.all([results.close(), delayed.close()])),
    };
  }
  const client = createMongoClient(config.MONGODB_URI);
  const database = config.MONGODB_DATABASE;
  const results = new MongoResultStore({ client, database, logger });
  const idempotency = new MongoIdempotencyStore({ client, database, logger });
  const schedules = new MongoScheduleStore({ client, database, logger });
  const webhooks = new MongoWebhookOutbox({ client, database, logger });
  const deadLetterMarks = new MongoDeadLetterMarks({ client, database, logger });
  const bulkOperations = new MongoBulkOperationStore({ client, database, logger });
  const delayed = new MongoDelayedJobStore({ client, database, logger });
  return {
    results,
    idempotency,
    schedules,
    webhooks,
    deadLetterMarks,
    bulkOperations,
    delayed,
    readiness: [results.healthCheck],
    init: async () =>
      void (await Promise.all([results.init(), idempotency.init(), schedules.init(), webhooks.init(), bulkOperations.init(), deadLetterMarks.init(), delayed.init()])),
    close: async () => {
      await client.close().catch((error: unknown) => logger.warn({ err: error }, 'closing the MongoDB client failed'));
    },
  };
}
