import { MongoClient } from 'mongodb';
import { TEST_MONGODB_URI } from './services.js';
import { uniqueName } from './unique.js';

/** `uri` with connection-string options set, replacing options of the same name. */
export function mongoUriWith(uri: string, options: Record<string, string | number>): string {
  const url = new URL(uri);
  for (const [name, value] of Object.entries(options)) url.searchParams.set(name, String(value));
  return url.toString();
}

/** The test server's connection string with another host and port, e.g. a fault-injecting proxy's. */
export function mongoUriVia(port: number, options: Record<string, string | number> = {}): string {
  const url = new URL(TEST_MONGODB_URI);
  url.host = `127.0.0.1:${port}`;
  return mongoUriWith(url.toString(), options);
}

/** Host and port of the test server, for a proxy in front of it. */
export function testMongoAddress(): { host: string; port: number } {
  const url = new URL(TEST_MONGODB_URI);
  return { host: url.hostname, port: Number(url.port || 27017) };
}

/**
 * A connected client of the test MongoDB wire server (FerretDB here). When it does not answer the
 * error names the server and how to start it.
 */
export async function connectTestMongo(uri = TEST_MONGODB_URI): Promise<MongoClient> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 15_000 });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
    return client;
  } catch (error) {
    await client.close().catch(() => {});
    const { host, port } = testMongoAddress();
    throw new Error(
      `the MongoDB wire server at ${host}:${port} (MONGODB_URI) does not answer; start it with \`eval "$(npm run -s services:up)"\`: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/**
 * Unique database names for one suite on a shared server; `drop()` removes every database named
 * so far (a test's afterEach or afterAll calls it).
 */
export function testDatabases(client: () => MongoClient, prefix = 'dtq_test') {
  const names: string[] = [];
  return {
    name(): string {
      const name = uniqueName(prefix);
      names.push(name);
      return name;
    },
    async drop(): Promise<void> {
      for (const name of names.splice(0)) await client().db(name).dropDatabase();
    },
  };
}
