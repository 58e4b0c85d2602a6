import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe } from 'vitest';
import { MongoResultStore } from '../../adapters/mongodb/index.js';
import { startMongoEmulator, type MongoEmulator } from '../../scripts/emulators/mongo/index.js';
import { testLogger } from '../support/test-logger.js';
import { uniqueName } from '../support/unique.js';
import { describeResultStoreConformance, type ResultStoreFixture } from './result-store.suite.js';

/** Each fixture gets a database of its own on the shared client, dropped in cleanup. */
function resultStoreFixture(client: () => MongoClient): () => Promise<ResultStoreFixture> {
  return async () => {
    const database = uniqueName('dtq_results');
    const store = new MongoResultStore({ client: client(), database, logger: testLogger() });
    await store.init();
    return {
      store,
      cleanup: async () => {
        await store.close();
        await client().db(database).dropDatabase();
      },
    };
  };
}

async function connect(uri: string): Promise<MongoClient> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5_000 });
  await client.connect();
  return client;
}

describe('MongoResultStore on the MongoDB wire emulator', () => {
  let emulator: MongoEmulator;
  let client: MongoClient;
  beforeAll(async () => {
    emulator = await startMongoEmulator();
    client = await connect(emulator.uri);
  });
  afterAll(async () => {
    await client?.close();
    await emulator?.close();
  });

  describeResultStoreConformance('mongodb (emulator)', resultStoreFixture(() => client));
});

const REAL_URI = process.env.MONGODB_URI_REAL;
if (!REAL_URI) {
  console.info('MONGODB_URI_REAL is not set: the result-store suite against a real MongoDB server is skipped (set it, e.g. MONGODB_URI_REAL=mongodb://host:27017, to run it)');
}

describe.skipIf(!REAL_URI)('MongoResultStore on a real MongoDB server (MONGODB_URI_REAL)', () => {
  let client: MongoClient;
  beforeAll(async () => {
    client = await connect(REAL_URI as string);
  });
  afterAll(async () => {
    await client?.close();
  });

  describeResultStoreConformance('mongodb (real server)', resultStoreFixture(() => client));
});
