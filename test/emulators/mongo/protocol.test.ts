import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Long } from "bson";
import { MongoServerError, type MongoClient } from "mongodb";
import { startMongoEmulator, type MongoEmulator } from "../../../scripts/emulators/mongo/index.js";
import { connectClient, uniqueName } from "./helpers.js";
import { OP_REPLY, opMsg, opQuery, RawConnection } from "./wire-client.js";

describe("mongo emulator wire protocol", () => {
  let emulator: MongoEmulator;
  const raws: RawConnection[] = [];
  const open = async (): Promise<RawConnection> => {
    const conn = await RawConnection.open(emulator.port);
    raws.push(conn);
    return conn;
  };

  beforeAll(async () => {
    emulator = await startMongoEmulator();
  });
  afterEach(() => {
    for (const conn of raws.splice(0)) conn.destroy();
  });
  afterAll(async () => {
    await emulator?.close();
  });

  it("answers a legacy OP_QUERY isMaster with an OP_REPLY handshake", async () => {
    const conn = await open();
    conn.send(opQuery(7, "admin.$cmd", { isMaster: 1, client: { application: { name: "t" } } }));
    const reply = await conn.next();
    expect(reply.opCode).toBe(OP_REPLY);
    expect(reply.responseTo).toBe(7);
    expect(reply.docs).toHaveLength(1);
    const hello = reply.docs[0];
    expect(hello).toMatchObject({ ok: 1, ismaster: true, minWireVersion: 0, readOnly: false });
    expect(hello?.maxWireVersion).toBeGreaterThanOrEqual(9);
    expect(hello?.logicalSessionTimeoutMinutes).toBeGreaterThan(0);
    expect(hello).not.toHaveProperty("setName");
    expect(hello).not.toHaveProperty("compression");
    // The same connection then speaks OP_MSG.
    expect(await conn.command(8, { hello: 1, helloOk: true, $db: "admin" })).toMatchObject({ ok: 1, isWritablePrimary: true, helloOk: true });
  });

  it("accepts kind-1 document sequences, checksummed messages and moreToCome", async () => {
    const conn = await open();
    const db = uniqueName("wire");
    const inserted = await conn.command(1, { insert: "c", $db: db, lsid: { id: "x" } }, { sequences: { documents: [{ _id: 1 }, { _id: 2 }] } });
    expect(inserted).toEqual({ n: 2, ok: 1 });
    const viaChecksum = await conn.command(2, { insert: "c", $db: db }, { sequences: { documents: [{ _id: 3 }] }, checksum: true });
    expect(viaChecksum).toEqual({ n: 1, ok: 1 });
    // moreToCome (flag bit 1): no reply for the insert; the next reply answers the find.
    conn.send(opMsg(3, { insert: "c", $db: db, writeConcern: { w: 0 } }, { flags: 2, sequences: { documents: [{ _id: 4 }] } }));
    const found = await conn.command(4, { find: "c", $db: db, sort: { _id: 1 } });
    expect(found.cursor.firstBatch).toEqual([{ _id: 1 }, { _id: 2 }, { _id: 3 }, { _id: 4 }]);
    expect(found.cursor.id).toEqual(Long.ZERO);
    expect(found.cursor.ns).toBe(`${db}.c`);
  });

  it("serves cursors with Long ids, getMore batches and killCursors", async () => {
    const conn = await open();
    const db = uniqueName("cursor");
    await conn.command(1, { insert: "c", $db: db }, { sequences: { documents: Array.from({ length: 5 }, (_, i) => ({ _id: i })) } });
    const first = await conn.command(2, { find: "c", $db: db, batchSize: 2 });
    const id = first.cursor.id as Long;
    expect(id).toBeInstanceOf(Long);
    expect(id.isZero()).toBe(false);
    expect(first.cursor.firstBatch).toHaveLength(2);
    const more = await conn.command(3, { getMore: id, collection: "c", batchSize: 2, $db: db });
    expect(more.cursor.nextBatch).toEqual([{ _id: 2 }, { _id: 3 }]);
    expect(more.cursor.id).toEqual(id);
    const killed = await conn.command(4, { killCursors: "c", cursors: [id], $db: db });
    expect(killed.cursorsKilled).toEqual([id]);
    const gone = await conn.command(5, { getMore: id, collection: "c", $db: db });
    expect(gone).toMatchObject({ ok: 0, code: 43, codeName: "CursorNotFound" });
  });

  it("answers an unknown command with CommandNotFound and keeps the connection", async () => {
    const conn = await open();
    const reply = await conn.command(1, { frobnicate: 1, $db: "admin" });
    expect(reply).toEqual({ ok: 0, errmsg: "no such command: 'frobnicate'", code: 59, codeName: "CommandNotFound" });
    expect(await conn.command(2, { ping: 1, $db: "admin" })).toEqual({ ok: 1 });
  });

  it("surfaces CommandNotFound through the driver and keeps working", async () => {
    const client: MongoClient = await connectClient(emulator.uri, { maxPoolSize: 1 });
    try {
      const db = client.db(uniqueName("unknown"));
      const err = await db.command({ notARealCommand: 1 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MongoServerError);
      expect((err as MongoServerError).code).toBe(59);
      expect((err as MongoServerError).codeName).toBe("CommandNotFound");
      await expect(db.command({ ping: 1 })).resolves.toMatchObject({ ok: 1 });
      await db.collection("c").insertOne({ still: "works" });
      expect(await db.collection("c").countDocuments()).toBe(1);
    } finally {
      await client.close();
    }
  });

  it("closes only the connection that sent a malformed message", async () => {
    const good = await open();
    const badLength = await open();
    const badBson = await open();
    const badLengthMsg = Buffer.alloc(16);
    badLengthMsg.writeInt32LE(3, 0);
    badLength.send(badLengthMsg);
    const corrupt = opMsg(1, { ping: 1, $db: "admin" });
    corrupt.writeInt32LE(0x7fff, 21); // BSON length larger than the message
    badBson.send(corrupt);
    await Promise.all([badLength.closed, badBson.closed]);
    expect(await good.command(9, { ping: 1, $db: "admin" })).toEqual({ ok: 1 });
  });

  it("reports errors as ok:0 documents with code and codeName", async () => {
    const conn = await open();
    const db = uniqueName("errors");
    expect(await conn.command(1, { listIndexes: "missing", $db: db })).toMatchObject({ ok: 0, code: 26, codeName: "NamespaceNotFound" });
    expect(await conn.command(2, { ping: 1 })).toMatchObject({ ok: 0, code: 40571 });
    const badUpdate = await conn.command(3, { update: "c", $db: db, updates: [{ q: {}, u: { $frob: { a: 1 } } }] });
    expect(badUpdate).toMatchObject({ ok: 1, n: 0, nModified: 0 });
    expect(badUpdate.writeErrors[0]).toMatchObject({ index: 0, code: 9 });
    const badFilter = await conn.command(4, { find: "c", $db: db, filter: { a: { $nope: 1 } } });
    expect(badFilter).toMatchObject({ ok: 0, code: 2, codeName: "BadValue" });
  });
});

describe("mongo emulator shutdown", () => {
  it("close() ends open connections and stops listening", async () => {
    const emulator = await startMongoEmulator();
    const conn = await RawConnection.open(emulator.port);
    expect(await conn.command(1, { ping: 1, $db: "admin" })).toEqual({ ok: 1 });
    await Promise.all([emulator.close(), conn.closed]);
    await expect(RawConnection.open(emulator.port)).rejects.toThrow();
    await emulator.close(); // idempotent
  });
});
