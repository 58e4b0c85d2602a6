import type { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe } from 'vitest';
import { MongoDelayedJobStore, MongoIdempotencyStore, MongoResultStore, MongoScheduleStore, MongoWebhookOutbox } from '../../adapters/mongodb/index.js';
import { connectTestMongo, testDatabases } from '../support/mongo-server.js';
import { TEST_MONGODB_URI } from '../support/services.js';
import { testLogger } from '../support/test-logger.js';
import { describeDelayedJobsConformance } from './delayed-jobs.suite.js';
import { describeIdempotencyStoreConformance } from './idempotency-store.suite.js';
import { describeResultStoreConformance } from './result-store.suite.js';
import { describeScheduleStoreConformance } from './schedule-store.suite.js';
import { describeWebhookOutboxConformance } from './webhook-outbox.suite.js';

describe(`MongoResultStore on the MongoDB wire server at ${new URL(TEST_MONGODB_URI).host}`, () => {
  let client: MongoClient;
  const databases = testDatabases(() => client, 'dtq_results');
  beforeAll(async () => {
    client = await connectTestMongo();
  });
  afterAll(async () => {
    if (client) await databases.drop();
    await client?.close();
  });

  /** Each fixture gets a store in a database of its own on the shared client, dropped in cleanup. */
  function inOwnDatabase<S extends { init(): Promise<void>; close(): Promise<void> }>(create: (database: string) => S) {
    return async () => {
      const database = databases.name();
      const store = create(database);
      await store.init();
      return {
        store,
        cleanup: async () => {
          await store.close();
          await client.db(database).dropDatabase();
        },
      };
    };
  }

  describeResultStoreConformance('mongodb', inOwnDatabase((database) => new MongoResultStore({ client, database, logger: testLogger() })));

  describeIdempotencyStoreConformance('mongodb', inOwnDatabase((database) => new MongoIdempotencyStore({ client, database, logger: testLogger() })));

  describeScheduleStoreConformance('mongodb', inOwnDatabase((database) => new MongoScheduleStore({ client, database, logger: testLogger() })));
  const delayedStore = inOwnDatabase((database) => new MongoDelayedJobStore({ client, database, logger: testLogger() }));
  describeDelayedJobsConformance('mongodb', async () => {
    const { store, cleanup } = await delayedStore();
    return { delayed: store, cleanup };
  });

  // Each fixture's outbox, as its lease and its claims, is seen in a fresh database.
  describeWebhookOutboxConformance('mongodb', async () => {
    const fixture = await inOwnDatabase((database) => new MongoWebhookOutbox({ client, database, logger: testLogger() }))();
    return { outbox: fixture.store, cleanup: fixture.cleanup };
  });
});
