/**
 * Catalog commands: listCollections, listDatabases, create, drop,
 * dropDatabase, renameCollection, dbStats.
 */
import { calculateObjectSize } from "bson";
import { canonicalKey, type Doc } from "../documents.js";
import { fail } from "../errors.js";
import { asFilter, matcher } from "../query.js";
import { validateDbName } from "../store.js";
import { collectionName, commandOptions, cursorBatchSize, firstBatchReply, type CommandHandler } from "./context.js";

const ID_INDEX = { v: 2, key: { _id: 1 }, name: "_id_" };

const listCollections: CommandHandler = (ctx) => {
  const filter = asFilter(ctx.body.filter, "listCollections.filter");
  const nameOnly = ctx.body.nameOnly === true;
  const entries: Doc[] = ctx.server.store.collections(ctx.db).map((c) => ({
    name: c.name,
    type: "collection",
    options: c.options,
    info: { readOnly: false, uuid: c.uuid },
    idIndex: ID_INDEX,
  }));
  const match = matcher(filter);
  const docs = entries.filter(match).map((e) => (nameOnly ? { name: e.name, type: e.type } : e));
  const ns = `${ctx.db}.$cmd.listCollections`;
  return firstBatchReply(ctx.server.cursors.openCursor(ns, docs, cursorBatchSize(ctx.body, "listCollections"), false));
};

function dataSize(docs: Doc[]): number {
  return docs.reduce((n, d) => n + calculateObjectSize(d), 0);
}

const listDatabases: CommandHandler = (ctx) => {
  if (ctx.db !== "admin") throw fail("Unauthorized", "listDatabases may only be run against the admin database.");
  const filter = asFilter(ctx.body.filter, "listDatabases.filter");
  const store = ctx.server.store;
  const entries = store.databaseNames().map((name) => {
    const sizeOnDisk = store.collections(name).reduce((n, c) => n + dataSize(c.all()), 0);
    return { name, sizeOnDisk, empty: sizeOnDisk === 0 };
  });
  const match = matcher(filter);
  const selected = entries.filter(match);
  if (ctx.body.nameOnly === true) return { databases: selected.map((e) => ({ name: e.name })), ok: 1 };
  const totalSize = selected.reduce((n, e) => n + e.sizeOnDisk, 0);
  return { databases: selected, totalSize, totalSizeMb: Math.floor(totalSize / (1024 * 1024)), ok: 1 };
};

const create: CommandHandler = (ctx) => {
  const name = collectionName(ctx);
  const options = commandOptions(ctx);
  if ("viewOn" in options || "pipeline" in options) throw fail("CommandNotSupported", "views are not supported by the dtq mongo emulator");
  const existing = ctx.server.store.get(ctx.db, name);
  if (existing) {
    if (canonicalKey(existing.options) === canonicalKey(options)) return { ok: 1 };
    throw fail("NamespaceExists", `Collection ${ctx.db}.${name} already exists.`);
  }
  ctx.server.store.getOrCreate(ctx.db, name, options);
  return { ok: 1 };
};

const drop: CommandHandler = (ctx) => {
  const name = collectionName(ctx);
  const dropped = ctx.server.store.drop(ctx.db, name);
  if (!dropped) return { ok: 1 };
  return { nIndexesWas: dropped.indexes.length, ns: dropped.namespace, ok: 1 };
};

const dropDatabase: CommandHandler = (ctx) => {
  ctx.server.store.dropDatabase(ctx.db);
  return { dropped: ctx.db, ok: 1 };
};

function splitNamespace(ns: unknown, field: string): { db: string; coll: string } {
  if (typeof ns !== "string") throw fail("TypeMismatch", `'${field}' must be a namespace string`);
  const dot = ns.indexOf(".");
  if (dot <= 0 || dot === ns.length - 1) throw fail("InvalidNamespace", `Invalid namespace specified '${ns}'`);
  const db = ns.slice(0, dot);
  validateDbName(db);
  return { db, coll: ns.slice(dot + 1) };
}

const renameCollection: CommandHandler = (ctx) => {
  if (ctx.db !== "admin") throw fail("Unauthorized", "renameCollection may only be run against the admin database.");
  const from = splitNamespace(ctx.body.renameCollection, "renameCollection");
  const to = splitNamespace(ctx.body.to, "to");
  ctx.server.store.rename(from.db, from.coll, to.db, to.coll, ctx.body.dropTarget === true);
  return { ok: 1 };
};

const dbStats: CommandHandler = (ctx) => {
  const colls = ctx.server.store.collections(ctx.db);
  const objects = colls.reduce((n, c) => n + c.size, 0);
  const size = colls.reduce((n, c) => n + dataSize(c.all()), 0);
  return {
    db: ctx.db,
    collections: colls.length,
    views: 0,
    objects,
    avgObjSize: objects === 0 ? 0 : size / objects,
    dataSize: size,
    storageSize: size,
    indexes: colls.reduce((n, c) => n + c.indexes.length, 0),
    indexSize: 0,
    ok: 1,
  };
};

export const namespaceCommands: Record<string, CommandHandler> = {
  listCollections,
  listDatabases,
  create,
  drop,
  dropDatabase,
  renameCollection,
  dbStats,
};
