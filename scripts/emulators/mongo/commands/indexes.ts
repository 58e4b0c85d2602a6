/**
 * Index commands: createIndexes, listIndexes, dropIndexes. Unique indexes
 * are enforced by the collection on every write; other index options are
 * recorded and reported but do not change query behaviour (queries scan).
 */
import { canonicalKey, isPlainObject, type Doc } from "../documents.js";
import { fail } from "../errors.js";
import { defaultIndexName, Index } from "../indexes.js";
import { collectionName, cursorBatchSize, firstBatchReply, type CommandHandler } from "./context.js";

const createIndexes: CommandHandler = (ctx) => {
  const collName = collectionName(ctx);
  const specs = ctx.body.indexes;
  if (!Array.isArray(specs) || specs.length === 0) {
    throw fail("BadValue", "Must specify at least one index to create");
  }
  const wanted = specs.map((raw) => {
    if (!isPlainObject(raw)) throw fail("TypeMismatch", "Each index specification must be an object");
    const spec = { ...raw };
    if (spec.name === undefined && isPlainObject(spec.key)) spec.name = defaultIndexName(spec.key);
    return new Index(spec);
  });
  const { collection, created } = ctx.server.store.getOrCreate(ctx.db, collName);
  const before = collection.indexes.length;
  const added: string[] = [];
  try {
    for (const index of wanted) if (collection.createIndex(index)) added.push(index.name);
  } catch (err) {
    for (const name of added) collection.dropIndex(name);
    if (created) ctx.server.store.drop(ctx.db, collName);
    throw err;
  }
  const reply: Doc = {
    numIndexesBefore: before,
    numIndexesAfter: collection.indexes.length,
    createdCollectionAutomatically: created,
  };
  if (added.length === 0) reply.note = "all indexes already exist";
  reply.ok = 1;
  return reply;
};

const listIndexes: CommandHandler = (ctx) => {
  const collName = collectionName(ctx);
  const coll = ctx.server.store.get(ctx.db, collName);
  if (!coll) throw fail("NamespaceNotFound", `ns does not exist: ${ctx.db}.${collName}`);
  const docs = coll.indexes.map((ix) => ix.spec);
  return firstBatchReply(ctx.server.cursors.openCursor(coll.namespace, docs, cursorBatchSize(ctx.body, "listIndexes"), false));
};

const dropIndexes: CommandHandler = (ctx) => {
  const collName = collectionName(ctx);
  const coll = ctx.server.store.get(ctx.db, collName);
  if (!coll) throw fail("NamespaceNotFound", `ns not found ${ctx.db}.${collName}`);
  const nIndexesWas = coll.indexes.length;
  const which = ctx.body.index;
  if (which === "*") {
    coll.dropAllIndexes();
  } else if (typeof which === "string") {
    coll.dropIndex(which);
  } else if (Array.isArray(which)) {
    for (const name of which) {
      if (typeof name !== "string") throw fail("TypeMismatch", "dropIndexes: index names must be strings");
      if (!coll.indexes.some((ix) => ix.name === name)) throw fail("IndexNotFound", `index not found with name [${name}]`);
    }
    for (const name of which as string[]) coll.dropIndex(name);
  } else if (isPlainObject(which)) {
    const key = canonicalKey(which);
    const match = coll.indexes.find((ix) => canonicalKey(ix.keyPattern) === key);
    if (!match) throw fail("IndexNotFound", `can't find index with key: ${JSON.stringify(which)}`);
    coll.dropIndex(match.name);
  } else {
    throw fail("TypeMismatch", "BSON field 'dropIndexes.index' must be a string, an array of strings or a key pattern");
  }
  return { nIndexesWas, ok: 1 };
};

export const indexCommands: Record<string, CommandHandler> = { createIndexes, listIndexes, dropIndexes, deleteIndexes: dropIndexes };
