import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Collection, Db, Document, MongoClient } from "mongodb";
import { startMongoEmulator, type MongoEmulator } from "../../../scripts/emulators/mongo/index.js";
import { connectClient, uniqueName } from "./helpers.js";

/**
 * Equality on a uniquely indexed field is answered from the index. The same operations on a
 * collection without the index (a full scan) must give the same answers.
 */
describe("mongo emulator: equality lookups through a unique index", () => {
  let emulator: MongoEmulator;
  let client: MongoClient;
  let db: Db;

  beforeAll(async () => {
    emulator = await startMongoEmulator({ port: 0 });
    client = await connectClient(emulator.uri);
    db = client.db(uniqueName("ixlookup"));
  });

  afterAll(async () => {
    await client?.close();
    await emulator?.close();
  });

  const seed: Document[] = [
    { _id: 1, k: "a", n: 1 },
    { _id: 2, k: ["b", "c"], n: 2 },
    { _id: 3, n: 3 },
    { _id: 4, k: 7, n: 4 },
    { _id: 5, k: "A", n: 5 },
    { _id: 6, k: { nested: "a" }, n: 6 },
  ];

  async function run(coll: Collection) {
    await coll.insertMany(seed.map((doc) => ({ ...doc })));
    const found = {
      a: await coll.find({ k: "a" }).toArray(),
      b: await coll.find({ k: "b" }).toArray(),
      missing: await coll.findOne({ k: "zz" }),
      projected: await coll.findOne({ k: "c" }, { projection: { _id: 0, n: 1 } }),
      count: await coll.countDocuments({ k: "A" }),
    };
    const updated = await coll.updateOne({ k: "c" }, { $set: { touched: true } });
    const upserted = await coll.updateOne({ k: "new" }, { $setOnInsert: { n: 9 } }, { upsert: true });
    const replay = await coll.updateOne({ k: "new" }, { $setOnInsert: { n: 10 } }, { upsert: true });
    const deleted = await coll.deleteOne({ k: "a" });
    const after = await coll.find({}, { projection: { _id: 0 } }).sort({ n: 1 }).toArray();
    return {
      found,
      updated: [updated.matchedCount, updated.modifiedCount],
      upserted: [upserted.matchedCount, upserted.upsertedCount, replay.matchedCount, replay.upsertedCount],
      deleted: deleted.deletedCount,
      after,
    };
  }

  it("answers find, count, update, upsert and delete as a scan does", async () => {
    const indexed = db.collection(uniqueName("indexed"));
    await indexed.createIndex({ k: 1 }, { unique: true });
    const scanned = db.collection(uniqueName("scanned"));
    const viaIndex = await run(indexed);
    expect(viaIndex).toEqual(await run(scanned));
    expect(viaIndex.found.b.map((d) => d._id)).toEqual([2]);
    expect(viaIndex.found.missing).toBeNull();
    expect(viaIndex.upserted).toEqual([0, 1, 1, 0]);
  });

  it("still refuses a duplicate through the index", async () => {
    const coll = db.collection(uniqueName("dup"));
    await coll.createIndex({ k: 1 }, { unique: true });
    await coll.insertOne({ k: "x" });
    await expect(coll.insertOne({ k: "x" })).rejects.toMatchObject({ code: 11000 });
    expect(await coll.countDocuments({ k: "x" })).toBe(1);
  });
});
