import type { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe } from 'vitest';
import { MongoResultStore } from '../../adapters/mongodb/index.js';
import { connectTestMongo, testDatabases } from '../support/mongo-server.js';
import { TEST_MONGODB_URI } from '../support/services.js';
import { testLogger } from '../support/test-logger.js';
import { describeResultStoreConformance, type ResultStoreFixture } from './result-store.suite.js';

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

  /** Each fixture gets a database of its own on the shared client, dropped in cleanup. */
  async function fixture(): Promise<ResultStoreFixture> {
    const database = databases.name();
    const store = new MongoResultStore({ client, database, logger: testLogger() });
    await store.init();
    return {
      store,
      cleanup: async () => {
        await store.close();
        await client.db(database).dropDatabase();
      },
    };
  }

  describeResultStoreConformance('mongodb', fixture);
});
