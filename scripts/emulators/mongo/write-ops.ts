/**
 * Write statements applied to the store. Each function runs to completion
 * synchronously, so a statement's read-modify-write is atomic with respect
 * to every other client (the emulator serves all connections on one thread).
 */
import type { Collection } from "./collection.js";
import { ensureId, isPlainObject, type Doc } from "./documents.js";
import { fail } from "./errors.js";
import { matcher, runFind } from "./query.js";
import type { Store } from "./store.js";
import { applyUpdate, buildUpsertDoc, parseUpdate, type UpdateSpec } from "./update-engine.js";

/** Inserts one document; returns the stored version (with `_id`). */
export function insertOne(store: Store, db: string, coll: string, raw: unknown): Doc {
  if (!isPlainObject(raw)) throw fail("TypeMismatch", "Each document to insert must be an object");
  const doc = ensureId(raw);
  store.getOrCreate(db, coll).collection.insert(doc);
  return doc;
}

export interface UpdateStatement {
  filter: Doc;
  update: UpdateSpec;
  multi: boolean;
  upsert: boolean;
  arrayFilters?: Doc[] | undefined;
  sort?: Record<string, 1 | -1> | undefined;
}

export interface UpdateOutcome {
  matched: number;
  modified: number;
  /** Present when the statement inserted a document. */
  upserted?: { _id: unknown } | undefined;
}

export function parseUpdateStatement(raw: unknown): UpdateStatement {
  if (!isPlainObject(raw)) throw fail("TypeMismatch", "Each update statement must be an object");
  const filter = raw.q === undefined ? {} : raw.q;
  if (!isPlainObject(filter)) throw fail("TypeMismatch", "BSON field 'update.updates.q' is the wrong type, expected type 'object'");
  const update = parseUpdate(raw.u);
  const multi = raw.multi === true;
  if (multi && update.kind === "replacement") throw fail("FailedToParse", "multi update is not supported for replacement-style update");
  const arrayFilters = raw.arrayFilters;
  if (arrayFilters !== undefined && !Array.isArray(arrayFilters)) throw fail("TypeMismatch", "arrayFilters must be an array");
  return { filter, update, multi, upsert: raw.upsert === true, arrayFilters: arrayFilters as Doc[] | undefined };
}

/** The documents an update or findAndModify statement targets, in the order they are processed. */
export function targets(coll: Collection | undefined, filter: Doc, multi: boolean, sort?: Record<string, 1 | -1>): Doc[] {
  if (!coll) return [];
  if (!multi && !sort) {
    const match = matcher(filter);
    for (const doc of coll.candidates(filter)) if (match(doc)) return [doc];
    return [];
  }
  return runFind(coll.candidates(filter), { filter, sort, limit: multi ? 0 : 1 });
}

export function executeUpdate(store: Store, db: string, collName: string, stmt: UpdateStatement): UpdateOutcome {
  const coll = store.get(db, collName);
  const matched = targets(coll, stmt.filter, stmt.multi, stmt.sort);
  if (coll && matched.length > 0) {
    let modified = 0;
    for (const doc of matched) {
      const result = applyUpdate(doc, stmt.update, { filter: stmt.filter, arrayFilters: stmt.arrayFilters, isInsert: false });
      if (result.changed) {
        coll.replace(doc, result.doc);
        modified++;
      }
    }
    return { matched: matched.length, modified };
  }
  if (!stmt.upsert) return { matched: 0, modified: 0 };
  const doc = buildUpsertDoc(stmt.filter, stmt.update, stmt.arrayFilters);
  store.getOrCreate(db, collName).collection.insert(doc);
  return { matched: 0, modified: 0, upserted: { _id: doc._id } };
}

/** Deletes the first (limit 1) or every (limit 0) matching document; returns the count. */
export function executeDelete(store: Store, db: string, collName: string, filter: Doc, limit: number): number {
  const coll = store.get(db, collName);
  if (!coll) return 0;
  const match = matcher(filter);
  let n = 0;
  for (const doc of coll.candidates(filter)) {
    if (!match(doc)) continue;
    coll.remove(doc);
    n++;
    if (limit === 1) break;
  }
  return n;
}
