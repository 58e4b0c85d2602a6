import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MongoBulkWriteError, MongoServerError, type CommandStartedEvent, type Db, type MongoClient } from "mongodb";
import { startMongoEmulator, type MongoEmulator } from "../../../scripts/emulators/mongo/index.js";
import { connectClient, uniqueName } from "./helpers.js";

describe("mongo emulator with the Node mongodb driver", () => {
  let emulator: MongoEmulator;
  let client: MongoClient;
  let db: Db;
  const started: CommandStartedEvent[] = [];

  beforeAll(async () => {
    emulator = await startMongoEmulator({ port: 0 });
    client = await connectClient(emulator.uri, { monitorCommands: true });
    client.on("commandStarted", (event) => started.push(event));
    db = client.db(uniqueName("node"));
  });

  afterAll(async () => {
    await client?.close();
    await emulator?.close();
  });

  it("reports a uri on the ephemeral port and answers ping", async () => {
    expect(emulator.port).toBeGreaterThan(0);
    expect(emulator.uri).toBe(`mongodb://127.0.0.1:${emulator.port}/?directConnection=true`);
    await expect(db.command({ ping: 1 })).resolves.toMatchObject({ ok: 1 });
    const info = await db.admin().command({ buildInfo: 1 });
    expect(info.version).toMatch(/^\d+\.\d+/);
  });

  it("inserts documents and finds them with filter, sort, limit and projection", async () => {
    const coll = db.collection(uniqueName("find"));
    const one = await coll.insertOne({ name: "a", n: 1, tags: ["x"] });
    expect(one.insertedId).toBeDefined();
    const many = await coll.insertMany([
      { name: "b", n: 5 },
      { name: "c", n: 3 },
      { name: "d", n: 4 },
    ]);
    expect(many.insertedCount).toBe(3);
    const found = await coll
      .find({ n: { $gte: 3 } }, { projection: { _id: 0, name: 1 } })
      .sort({ n: -1 })
      .limit(2)
      .toArray();
    expect(found).toEqual([{ name: "b" }, { name: "d" }]);
    const byId = await coll.findOne({ _id: one.insertedId });
    expect(byId).toMatchObject({ name: "a", n: 1, tags: ["x"] });
  });

  it("pages a cursor with a small batchSize through getMore", async () => {
    const name = uniqueName("paged");
    const coll = db.collection(name);
    await coll.insertMany(Array.from({ length: 7 }, (_, i) => ({ i })));
    const before = started.filter((e) => e.commandName === "getMore").length;
    const seen = await coll.find({}).sort({ i: 1 }).batchSize(2).toArray();
    expect(seen.map((d) => d.i)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const getMores = started.slice(before).filter((e) => e.commandName === "getMore");
    expect(getMores.length).toBe(3);
    expect(getMores.every((e) => e.command.collection === name)).toBe(true);
  });

  it("updates with $set and $inc and reports matched/modified counts", async () => {
    const coll = db.collection(uniqueName("update"));
    await coll.insertMany([
      { k: 1, v: 10, s: "old" },
      { k: 2, v: 20, s: "old" },
    ]);
    const res = await coll.updateOne({ k: 1 }, { $set: { s: "new" }, $inc: { v: 5 } });
    expect(res).toMatchObject({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0 });
    expect(await coll.findOne({ k: 1 }, { projection: { _id: 0 } })).toEqual({ k: 1, v: 15, s: "new" });
    const noop = await coll.updateOne({ k: 1 }, { $set: { s: "new" } });
    expect(noop).toMatchObject({ matchedCount: 1, modifiedCount: 0 });
    const many = await coll.updateMany({}, { $inc: { v: 1 } });
    expect(many).toMatchObject({ matchedCount: 2, modifiedCount: 2 });
    const replaced = await coll.replaceOne({ k: 2 }, { k: 2, replaced: true });
    expect(replaced.modifiedCount).toBe(1);
    expect(await coll.findOne({ k: 2 }, { projection: { _id: 0 } })).toEqual({ k: 2, replaced: true });
  });

  it("upserts with $setOnInsert three times leaving one document", async () => {
    const coll = db.collection(uniqueName("upsert"));
    const results = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      results.push(
        await coll.updateOne(
          { job_id: "job-1" },
          { $setOnInsert: { status: "queued", attempt }, $set: { touched: attempt } },
          { upsert: true },
        ),
      );
    }
    expect(results.map((r) => r.upsertedCount)).toEqual([1, 0, 0]);
    expect(results.map((r) => r.matchedCount)).toEqual([0, 1, 1]);
    const docs = await coll.find({ job_id: "job-1" }).toArray();
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ job_id: "job-1", status: "queued", attempt: 0, touched: 2 });
    expect(docs[0]?._id).toEqual(results[0]?.upsertedId);
  });

  it("counts with countDocuments and estimatedDocumentCount, deletes with deleteMany", async () => {
    const coll = db.collection(uniqueName("count"));
    await coll.insertMany(Array.from({ length: 10 }, (_, i) => ({ i, even: i % 2 === 0 })));
    expect(await coll.countDocuments({ even: true })).toBe(5);
    expect(await coll.countDocuments({ i: { $lt: 3 } })).toBe(3);
    expect(await coll.countDocuments({}, { skip: 2, limit: 5 })).toBe(5);
    expect(await coll.estimatedDocumentCount()).toBe(10);
    const deleted = await coll.deleteMany({ even: false });
    expect(deleted.deletedCount).toBe(5);
    const one = await coll.deleteOne({ even: true });
    expect(one.deletedCount).toBe(1);
    expect(await coll.estimatedDocumentCount()).toBe(4);
  });

  it("aggregates with $match, $group and $sort", async () => {
    const coll = db.collection(uniqueName("agg"));
    await coll.insertMany([
      { status: "done", ms: 10 },
      { status: "done", ms: 30 },
      { status: "failed", ms: 5 },
      { status: "queued", ms: 0 },
    ]);
    const grouped = await coll
      .aggregate([
        { $match: { status: { $ne: "queued" } } },
        { $group: { _id: "$status", total: { $sum: "$ms" }, n: { $sum: 1 } } },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    expect(grouped).toEqual([
      { _id: "done", total: 40, n: 2 },
      { _id: "failed", total: 5, n: 1 },
    ]);
    const counted = await coll.aggregate([{ $match: { ms: { $gt: 1 } } }, { $count: "c" }]).toArray();
    expect(counted).toEqual([{ c: 3 }]);
  });

  it("enforces a unique index with E11000 and lists it", async () => {
    const coll = db.collection(uniqueName("unique"));
    const name = await coll.createIndex({ job_id: 1 }, { unique: true });
    expect(name).toBe("job_id_1");
    await coll.insertOne({ job_id: "a" });
    const err = await coll.insertOne({ job_id: "a" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MongoServerError);
    const serverErr = err as MongoServerError;
    expect(serverErr.code).toBe(11000);
    expect(serverErr.message).toBe(
      `E11000 duplicate key error collection: ${db.databaseName}.${coll.collectionName} index: job_id_1 dup key: { job_id: "a" }`,
    );
    expect(serverErr.keyValue).toEqual({ job_id: "a" });
    expect(serverErr.keyPattern).toEqual({ job_id: 1 });

    const bulk = await coll.insertMany([{ job_id: "b" }, { job_id: "a" }, { job_id: "c" }], { ordered: false }).catch((e: unknown) => e);
    expect(bulk).toBeInstanceOf(MongoBulkWriteError);
    expect((bulk as MongoBulkWriteError).insertedCount).toBe(2);
    expect((bulk as MongoBulkWriteError).writeErrors).toHaveLength(1);

    await coll.insertOne({ job_id: "z" });
    const upd = await coll.updateOne({ job_id: "z" }, { $set: { job_id: "a" } }).catch((e: unknown) => e);
    expect((upd as MongoServerError).code).toBe(11000);

    const indexes = await coll.listIndexes().toArray();
    expect(indexes.map((ix) => ix.name)).toEqual(["_id_", "job_id_1"]);
    expect(indexes[1]).toMatchObject({ key: { job_id: 1 }, unique: true });
    await coll.dropIndex("job_id_1");
    expect((await coll.indexes()).map((ix) => ix.name)).toEqual(["_id_"]);
  });

  it("lists and drops collections", async () => {
    const name = uniqueName("listed");
    await db.createCollection(name);
    await db.collection(name).insertOne({ x: 1 });
    const listed = await db.listCollections({ name }, { nameOnly: true }).toArray();
    expect(listed).toEqual([{ name, type: "collection" }]);
    expect(await db.collection(name).drop()).toBe(true);
    expect(await db.listCollections({ name }).toArray()).toEqual([]);
    const dbs = await client.db("admin").admin().listDatabases();
    expect(dbs.databases.map((d) => d.name)).toContain(db.databaseName);
  });

  it("findOneAndUpdate upserts, then updates and returns the new document", async () => {
    const coll = db.collection(uniqueName("fam"));
    const first = await coll.findOneAndUpdate(
      { job_id: "x" },
      { $setOnInsert: { created: true }, $inc: { hits: 1 } },
      { upsert: true, returnDocument: "after" },
    );
    expect(first).toMatchObject({ job_id: "x", created: true, hits: 1 });
    const before = await coll.findOneAndUpdate({ job_id: "x" }, { $inc: { hits: 1 } }, { returnDocument: "before" });
    expect(before).toMatchObject({ hits: 1 });
    const withMeta = await coll.findOneAndUpdate({ job_id: "x" }, { $inc: { hits: 1 } }, { returnDocument: "after", includeResultMetadata: true });
    expect(withMeta.value).toMatchObject({ hits: 3 });
    expect(withMeta.lastErrorObject).toMatchObject({ n: 1, updatedExisting: true });
    const removed = await coll.findOneAndDelete({ job_id: "x" });
    expect(removed).toMatchObject({ hits: 3 });
    expect(await coll.countDocuments()).toBe(0);
  });

  it("answers distinct and keeps int64 values as integers", async () => {
    const coll = db.collection(uniqueName("misc"));
    await coll.insertMany([{ k: "b" }, { k: "a" }, { k: "b" }, { k: ["c", "a"] }]);
    expect(await coll.distinct("k")).toEqual(["a", "b", "c"]);
    const big = 2 ** 40 + 3;
    await coll.insertOne({ big });
    expect((await coll.findOne({ big }))?.big).toBe(big);
  });
});
