import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MongoClient } from "mongodb";
import { startMongoEmulator, type MongoEmulator } from "../../../scripts/emulators/mongo/index.js";
import { connectClient, uniqueName } from "./helpers.js";

/*
 * A real server can surface E11000 to some of many racing upserts on a unique
 * key (two upserts both miss, then both insert). The emulator runs each
 * command to completion before the next, so it behaves like a server without
 * that race: every upsert succeeds and exactly one inserts.
 */
describe("mongo emulator: concurrent upserts of one unique key", () => {
  let emulator: MongoEmulator;
  let client: MongoClient;
  let opened = 0;

  beforeAll(async () => {
    emulator = await startMongoEmulator({
      log: (line) => {
        if (line.includes(" open from ")) opened++;
      },
    });
    client = await connectClient(emulator.uri, { maxPoolSize: 20 });
  });

  afterAll(async () => {
    await client?.close();
    await emulator?.close();
  });

  it("50 concurrent upserts leave exactly one document and surface no error", async () => {
    const coll = client.db(uniqueName("race")).collection(uniqueName("results"));
    await coll.createIndex({ job_id: 1 }, { unique: true });
    const settled = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        coll.updateOne({ job_id: "job-race" }, { $setOnInsert: { job_id: "job-race", writer: i, status: "queued" } }, { upsert: true }),
      ),
    );
    const rejected = settled.filter((s) => s.status === "rejected");
    expect(rejected).toEqual([]);
    const results = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    expect(results.reduce((n, r) => n + r.upsertedCount, 0)).toBe(1);
    expect(results.reduce((n, r) => n + r.matchedCount, 0)).toBe(49);
    expect(results.every((r) => r.modifiedCount === 0)).toBe(true);
    expect(await coll.countDocuments({ job_id: "job-race" })).toBe(1);
    expect(await coll.countDocuments({})).toBe(1);
    // The upserts really were spread over several pooled connections (plus the monitor's).
    expect(opened).toBeGreaterThanOrEqual(3);
  });
});
