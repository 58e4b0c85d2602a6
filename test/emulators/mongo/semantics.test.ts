import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MongoServerError, type Db, type MongoClient } from "mongodb";
import { startMongoEmulator, type MongoEmulator } from "../../../scripts/emulators/mongo/index.js";
import { connectClient, uniqueName } from "./helpers.js";

/** Server semantics beyond the happy path, checked through the Node driver. */
describe("mongo emulator command semantics", () => {
  let emulator: MongoEmulator;
  let client: MongoClient;
  let db: Db;

  beforeAll(async () => {
    emulator = await startMongoEmulator();
    client = await connectClient(emulator.uri);
    db = client.db(uniqueName("sem"));
  });
  afterAll(async () => {
    await client?.close();
    await emulator?.close();
  });

  const serverError = async (p: Promise<unknown>): Promise<MongoServerError> => {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(MongoServerError);
    return err as MongoServerError;
  };

  it("seeds upserts from filter equalities and honours positional and array-filter updates", async () => {
    const coll = db.collection(uniqueName("upd"));
    await coll.updateOne({ "meta.kind": "x", n: { $eq: 3 }, $and: [{ tag: "t" }], age: { $gt: 1 } }, { $set: { v: 1 } }, { upsert: true });
    expect(await coll.findOne({}, { projection: { _id: 0 } })).toEqual({ meta: { kind: "x" }, n: 3, tag: "t", v: 1 });

    await coll.insertOne({ k: "arr", items: [{ id: 1, q: 1 }, { id: 2, q: 1 }] });
    await coll.updateOne({ k: "arr", "items.id": 2 }, { $inc: { "items.$.q": 5 } });
    await coll.updateOne({ k: "arr" }, { $set: { "items.$[e].flag": true } }, { arrayFilters: [{ "e.id": 1 }] });
    expect((await coll.findOne({ k: "arr" }))?.items).toEqual([
      { id: 1, q: 1, flag: true },
      { id: 2, q: 6 },
    ]);

    await coll.updateOne({ k: "arr" }, [{ $set: { count: { $size: "$items" } } }]);
    expect((await coll.findOne({ k: "arr" }))?.count).toBe(2);

    const replaced = await coll.replaceOne({ k: "new" }, { k: "new", fresh: true }, { upsert: true });
    expect(replaced.upsertedCount).toBe(1);
    expect(await coll.countDocuments({ k: "new", fresh: true })).toBe(1);

    const immutable = await serverError(coll.updateOne({ k: "new" }, { $set: { _id: 42 } }));
    expect(immutable.code).toBe(66);
  });

  it("handles compound, sparse and pre-existing-duplicate unique indexes", async () => {
    const coll = db.collection(uniqueName("ix"));
    await coll.createIndex({ a: 1, b: -1 }, { unique: true });
    await coll.insertMany([{ a: 1, b: 1 }, { a: 1, b: 2 }]);
    const dup = await serverError(coll.insertOne({ a: 1, b: 2 }));
    expect(dup.code).toBe(11000);
    expect(dup.keyValue).toEqual({ a: 1, b: 2 });

    await coll.createIndex({ email: 1 }, { unique: true, sparse: true });
    await coll.insertMany([{ a: 2, b: 1 }, { a: 3, b: 1 }]); // no email: sparse index ignores them
    await coll.insertOne({ a: 4, b: 1, email: "x@y" });
    expect((await serverError(coll.insertOne({ a: 5, b: 1, email: "x@y" }))).code).toBe(11000);

    await coll.insertMany([{ d: 1 }, { d: 1, a: 9, b: 9 }]);
    const build = await serverError(coll.createIndex({ d: 1 }, { unique: true }));
    expect(build.code).toBe(11000);
    expect((await coll.indexes()).map((ix) => ix.name)).toEqual(["_id_", "a_1_b_-1", "email_1"]);

    const conflict = await serverError(coll.createIndex({ a: 1, b: -1 }, { unique: true, name: "other" }));
    expect(conflict.code).toBe(85);
    await coll.createIndex({ a: 1, b: -1 }, { unique: true }); // identical: no-op
    await coll.dropIndexes();
    expect((await coll.indexes()).map((ix) => ix.name)).toEqual(["_id_"]);
    const dropId = await serverError(coll.dropIndex("_id_"));
    expect(dropId.code).toBe(72);
  });

  it("supports skip, negative limit, $lookup, and rejects unsupported stages", async () => {
    const jobs = db.collection(uniqueName("jobs"));
    const results = db.collection(uniqueName("results"));
    await jobs.insertMany([{ _id: 1 as never, j: "a" }, { _id: 2 as never, j: "b" }, { _id: 3 as never, j: "c" }]);
    await results.insertMany([{ job: 1, r: "ok" }, { job: 3, r: "bad" }]);
    expect((await jobs.find().sort({ _id: -1 }).skip(1).toArray()).map((d) => d._id)).toEqual([2, 1]);
    expect(await jobs.find().limit(-2).toArray()).toHaveLength(2);
    const joined = await jobs
      .aggregate([
        { $lookup: { from: results.collectionName, localField: "_id", foreignField: "job", as: "res" } },
        { $project: { _id: 1, n: { $size: "$res" } } },
      ])
      .toArray();
    expect(joined).toEqual([
      { _id: 1, n: 1 },
      { _id: 2, n: 0 },
      { _id: 3, n: 1 },
    ]);
    expect((await serverError(jobs.aggregate([{ $frobnicate: {} }]).toArray())).code).toBe(40324);
    expect((await serverError(jobs.aggregate([{ $out: "elsewhere" }]).toArray())).code).toBe(115);
  });

  it("creates, renames and drops collections with 7.0 semantics", async () => {
    const name = uniqueName("cat");
    await db.createCollection(name);
    await db.command({ create: name }); // identical options: success, as on 7.0
    expect((await serverError(db.command({ create: name, capped: true, size: 4096 }))).code).toBe(48);
    await db.collection(name).insertOne({ x: 1 });
    const renamed = uniqueName("cat2");
    await db.collection(name).rename(renamed);
    expect(await db.collection(renamed).countDocuments()).toBe(1);
    expect(await db.collection(name).countDocuments()).toBe(0);
    await db.command({ drop: uniqueName("never-existed") });
    expect((await serverError(db.collection(uniqueName("none")).indexes())).code).toBe(26);
    const other = client.db(uniqueName("gone"));
    await other.collection("c").insertOne({});
    await other.dropDatabase();
    expect((await client.db("admin").admin().listDatabases({ nameOnly: true })).databases.map((d) => d.name)).not.toContain(other.databaseName);
  });

  it("runs collection bulkWrite, TTL index specs and date updates", async () => {
    const coll = db.collection(uniqueName("bulk"));
    await coll.createIndex({ createdAt: 1 }, { expireAfterSeconds: 3600 });
    await coll.createIndex({ job_id: 1 }, { unique: true });
    const res = await coll.bulkWrite([
      { insertOne: { document: { job_id: "a", state: "new" } } },
      { updateOne: { filter: { job_id: "b" }, update: { $setOnInsert: { state: "new" }, $currentDate: { createdAt: true } }, upsert: true } },
      { updateMany: { filter: { state: "new" }, update: { $set: { state: "seen" } } } },
      { replaceOne: { filter: { job_id: "a" }, replacement: { job_id: "a", state: "replaced" } } },
      { deleteOne: { filter: { job_id: "missing" } } },
    ]);
    expect(res).toMatchObject({ insertedCount: 1, upsertedCount: 1, matchedCount: 3, modifiedCount: 3, deletedCount: 0 });
    const b = await coll.findOne({ job_id: "b" });
    expect(b?.createdAt).toBeInstanceOf(Date);
    expect(await coll.countDocuments({ createdAt: { $lte: new Date(Date.now() + 60_000) } })).toBe(1);
    const ttl = (await coll.indexes()).find((ix) => ix.name === "createdAt_1");
    expect(ttl?.expireAfterSeconds).toBe(3600);
    const dup = await coll.bulkWrite([{ insertOne: { document: { job_id: "a" } } }]).catch((e: unknown) => e);
    expect((dup as { code?: number }).code).toBe(11000);
  });

  it("keeps documents isolated from later writes while a cursor is open", async () => {
    const coll = db.collection(uniqueName("snap"));
    await coll.insertMany(Array.from({ length: 4 }, (_, i) => ({ i, v: "before" })));
    const cursor = coll.find().sort({ i: 1 }).batchSize(1);
    const first = await cursor.next();
    await coll.updateMany({}, { $set: { v: "after" } });
    const rest = await cursor.toArray();
    expect([first, ...rest].map((d) => d?.v)).toEqual(["before", "before", "before", "before"]);
    expect(await coll.countDocuments({ v: "after" })).toBe(4);
  });
});
