import { randomUUID } from 'node:crypto';
import { MongoClient, MongoServerError } from 'mongodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MongoResultStore, isDuplicateKeyError, type MongoResultStoreOptions } from '../../adapters/mongodb/index.js';
import { DependencyUnavailableError, ResultRefusedError } from '../../core/errors/index.js';
import { sampleResult } from '../conformance/result-store.suite.js';
import { connectTestMongo, mongoUriVia, testDatabases, testMongoAddress } from '../support/mongo-server.js';
import { TEST_MONGODB_URI } from '../support/services.js';
import { startFaultProxy, type FaultProxy } from '../../testkit/fault-proxy.js';
import { testLogger } from '../support/test-logger.js';
import { outcomeWithin, waitFor } from '../support/wait-for.js';

describe('MongoResultStore specifics', () => {
  let client: MongoClient;
  const databases = testDatabases(() => client, 'dtq_results');
  const stores: MongoResultStore[] = [];
  const proxies: FaultProxy[] = [];

  beforeAll(async () => {
    client = await connectTestMongo();
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    for (const proxy of proxies.splice(0)) await proxy.close();
    await databases.drop();
  });
  afterAll(async () => {
    await client?.close();
  });

  function store(options: Partial<MongoResultStoreOptions> = {}): { store: MongoResultStore; database: string } {
    const database = databases.name();
    const created = new MongoResultStore({ client, database, logger: testLogger(), ...options });
    stores.push(created);
    return { store: created, database };
  }

  it('creates the unique job_id index and the listing indexes at init, and init is idempotent', async () => {
    const { store: first, database } = store();
    await first.init();
    const second = new MongoResultStore({ client, database, logger: testLogger() });
    stores.push(second);
    await second.init();
    await first.init();

    const indexes = await client.db(database).collection('job_results').listIndexes().toArray();
    const byName = Object.fromEntries(indexes.map((ix) => [ix.name as string, ix]));
    expect(byName.job_id_1).toMatchObject({ key: { job_id: 1 }, unique: true });
    expect(Object.values(byName).map((ix) => ix.key)).toEqual(
      expect.arrayContaining([
        { _id: 1 },
        { completed_at: -1 },
        { completed_at: -1, job_id: -1 },
        { final_state: 1, completed_at: -1, job_id: -1 },
        { job_type: 1, completed_at: -1, job_id: -1 },
      ]),
    );
    expect(indexes).toHaveLength(6);
  });

  it('verifies indexes that exist instead of creating them again', async () => {
    const { store: first, database } = store();
    await first.init();
    const watched = new MongoClient(TEST_MONGODB_URI, { monitorCommands: true });
    const commands: string[] = [];
    watched.on('commandStarted', (event) => commands.push(event.commandName));
    try {
      const second = new MongoResultStore({ client: watched, database, logger: testLogger() });
      await second.init();
      expect(commands).toContain('listIndexes');
      expect(commands).not.toContain('createIndexes');
    } finally {
      await watched.close();
    }
  });

  it('keeps serving when the server refuses to create an index, and says which', async () => {
    const { database } = store();
    // Two documents of one job, from before the unique index existed: the server refuses to build
    // it over them (MongoDB, FerretDB; Cosmos DB refuses it on any collection that is not empty).
    await client.db(database).collection('job_results').insertMany([sampleResult({ job_id: 'dup' }), sampleResult({ job_id: 'dup' })]);
    const lines: Array<Record<string, unknown>> = [];
    const { createLogger } = await import('../../telemetry/index.js');
    const logger = createLogger({ service: 'test', level: 'info', destination: { write: (line: string) => lines.push(JSON.parse(line)) } });
    const refused = new MongoResultStore({ client, database, logger });
    stores.push(refused);
    await refused.init();
    const result = sampleResult({ job_id: randomUUID() });
    expect(await refused.save(result)).toEqual({ inserted: true });
    expect(await refused.get(result.job_id)).toMatchObject({ job_id: result.job_id });
    expect(lines.find((line) => String(line.msg).startsWith('the unique index is missing'))).toMatchObject({ level: 'error', index: 'job_id (unique)' });
  });

  it('builds the indexes once when many stores start on a new database at the same time', async () => {
    const { store: first, database } = store();
    const others = Array.from({ length: 7 }, () => new MongoResultStore({ client, database, logger: testLogger() }));
    stores.push(...others);
    await Promise.all([first, ...others].map((s) => s.init()));
    const indexes = await client.db(database).collection('job_results').listIndexes().toArray();
    expect(indexes.map((ix) => ix.name).sort()).toEqual(
      ['_id_', 'completed_at_-1', 'completed_at_-1_job_id_-1', 'final_state_1_completed_at_-1_job_id_-1', 'job_id_1', 'job_type_1_completed_at_-1_job_id_-1'],
    );
  });

  it('stores the contract document plus _id, in the default collection', async () => {
    const { store: s, database } = store();
    const doc = sampleResult();
    await s.save(doc);
    const raw = await client.db(database).collection('job_results').findOne({ job_id: doc.job_id });
    expect(Object.keys(raw ?? {}).sort()).toEqual([...Object.keys(doc), '_id'].sort());
    expect(await s.get(doc.job_id)).toEqual(doc);
  });

  it('writes timestamps in toISOString form so text order is time order', async () => {
    const { store: s } = store();
    const whole = sampleResult({ completed_at: '2093-01-01T00:00:08Z', started_at: '2093-01-01T00:00:01Z' });
    const later = sampleResult({ completed_at: '2093-01-01T00:00:08.500Z' });
    await s.save(whole);
    await s.save(later);
    expect((await s.get(whole.job_id))?.completed_at).toBe('2093-01-01T00:00:08.000Z');
    expect((await s.get(whole.job_id))?.started_at).toBe('2093-01-01T00:00:01.000Z');
    const page = await s.list({ limit: 10, job_type: 'weather' });
    expect(page.items.map((d) => d.job_id)).toEqual([later.job_id, whole.job_id]);
  });

  it('treats an unreadable cursor as the first page, as the other adapters do', async () => {
    const { store: s } = store();
    const doc = sampleResult();
    await s.save(doc);
    const page = await s.list({ limit: 10, cursor: 'not-a-cursor' });
    expect(page).toEqual({ items: [doc], next_cursor: null });
  });

  it('recognises the E11000 a racing upsert receives from the server', async () => {
    const collection = client.db(databases.name()).collection('job_results');
    await collection.createIndex({ job_id: 1 }, { unique: true });
    await collection.insertOne({ job_id: 'a' });
    const error = await collection.insertOne({ job_id: 'a' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(isDuplicateKeyError(error)).toBe(true);
    expect(isDuplicateKeyError(new MongoServerError({ code: 16500, errmsg: 'TooManyRequests' }))).toBe(false);
  });

  it('fails only the save of a document the server refuses when it was sent with others', async () => {
    const { store: s } = store();
    await s.init();
    const good = [sampleResult(), sampleResult()];
    // Field names starting with '$' are refused by the server, not by the driver.
    const refused = sampleResult({ output: { $where: 'refused' } });
    const outcomes = await Promise.allSettled([s.save(good[0]!), s.save(refused), s.save(good[1]!)]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    for (const doc of good) expect(await s.get(doc.job_id)).toEqual(doc);
    expect(await s.get(refused.job_id)).toBeNull();
  });

  it.each([
    ['a NUL in a string (FerretDB fails the whole batch over it)', { output: { text: 'A\u0000B' } }],
    ['a NUL in a key (the driver cannot encode the batch)', { output: { 'k\u0000': 1 } }],
  ])('refuses for good (ResultRefusedError) a document with %s, and saves the others sent with it', async (_what, overrides) => {
    const { store: s } = store();
    await s.init();
    const good = [sampleResult(), sampleResult()];
    const refused = sampleResult(overrides);
    const outcomes = await Promise.allSettled([s.save(good[0]!), s.save(refused), s.save(good[1]!)]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(ResultRefusedError);
    for (const doc of good) expect(await s.get(doc.job_id)).toEqual(doc);
    expect(await s.get(refused.job_id)).toBeNull();
  });

  it('owns and closes a client it created from a connection string', async () => {
    const { store: s } = store({ client: TEST_MONGODB_URI });
    await s.init();
    await s.healthCheck.check();
    await s.close();
    await expect(s.get(randomUUID())).rejects.toBeInstanceOf(DependencyUnavailableError);
    await s.close();
  });

  it('answers DependencyUnavailableError, not a driver error, when MongoDB cannot be reached', async () => {
    const proxy = await startFaultProxy(testMongoAddress());
    proxies.push(proxy);
    proxy.cut();
    const { store: s } = store({ client: mongoUriVia(proxy.port, { serverSelectionTimeoutMS: 300 }) });

    const failure = await s.get(randomUUID()).catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(DependencyUnavailableError);
    expect(failure).toMatchObject({ code: 'SERVICE_UNAVAILABLE', dependency: 'result store' });
    await expect(s.save(sampleResult())).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(s.init()).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(s.healthCheck.check()).rejects.toThrow();
  });

  it('fails with DependencyUnavailableError while the connection to MongoDB is cut, and recovers when it is back', async () => {
    const proxy = await startFaultProxy(testMongoAddress());
    proxies.push(proxy);
    const { store: s } = store({ client: mongoUriVia(proxy.port, { serverSelectionTimeoutMS: 1_000 }) });
    const before = sampleResult();
    expect(await s.save(before)).toEqual({ inserted: true });

    proxy.cut();
    await expect(s.get(before.job_id)).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(s.save(sampleResult())).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(s.healthCheck.check()).rejects.toThrow();

    proxy.restore();
    await waitFor(() => s.healthCheck.check().then(() => true), { timeoutMs: 20_000, what: 'the store to reach MongoDB again' });
    expect(await s.get(before.job_id)).toEqual(before);
    expect(await s.save(before)).toEqual({ inserted: false });
  });

  it('fails a call with DependencyUnavailableError when the server stops answering, instead of hanging it', async () => {
    const proxy = await startFaultProxy(testMongoAddress(), { whileFrozen: 'drop' });
    proxies.push(proxy);
    const { store: s } = store({ client: mongoUriVia(proxy.port), serverSelectionTimeoutMS: 1_000, connectTimeoutMS: 500, socketTimeoutMS: 500 });
    const before = sampleResult();
    expect(await s.save(before)).toEqual({ inserted: true });

    proxy.freeze();
    // Generous bounds: they only tell "failed" from "hangs"; the deadlines above are far shorter.
    const calls: Array<() => Promise<unknown>> = [() => s.get(before.job_id), () => s.save(sampleResult()), () => s.list({ limit: 5 })];
    for (const call of calls) {
      const outcome = await outcomeWithin(call(), 20_000);
      expect(outcome).not.toBe('pending');
      expect(outcome).toMatchObject({ error: expect.any(DependencyUnavailableError) });
    }
    expect(await outcomeWithin(s.healthCheck.check(), 20_000)).toMatchObject({ error: expect.any(Error) });
    expect(await outcomeWithin(s.close(), 20_000)).toEqual({ value: undefined });
  }, 120_000);
});
