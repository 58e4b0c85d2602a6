/**
 * findAndModify: atomically find one document (optionally sorted) and
 * update, replace or remove it, or upsert one. Returns the document before
 * or (with `new: true`) after the change.
 */
import type { Doc } from "../documents.js";
import { fail } from "../errors.js";
import { asFilter, normalizeSort, project } from "../query.js";
import { applyUpdate, buildUpsertDoc, parseUpdate } from "../update-engine.js";
import { targets } from "../write-ops.js";
import { collectionName, optionalDoc, type CommandHandler } from "./context.js";

const findAndModify: CommandHandler = (ctx) => {
  const collName = collectionName(ctx);
  const body = ctx.body;
  const query = asFilter(body.query, "findAndModify.query");
  const sort = normalizeSort(body.sort);
  const fields = optionalDoc(body, "fields", "findAndModify");
  const remove = body.remove === true;
  const returnNew = body.new === true;
  const upsert = body.upsert === true;
  const hasUpdate = body.update !== undefined && body.update !== null;
  if (remove && hasUpdate) throw fail("FailedToParse", "Cannot specify both an update and remove=true");
  if (!remove && !hasUpdate) throw fail("FailedToParse", "Either an update or remove=true must be specified");
  if (remove && returnNew) throw fail("FailedToParse", "Cannot specify both new=true and remove=true; 'remove' always returns the deleted document");
  if (remove && upsert) throw fail("FailedToParse", "Cannot specify both upsert=true and remove=true");
  const arrayFilters = body.arrayFilters as Doc[] | undefined;

  const store = ctx.server.store;
  const coll = store.get(ctx.db, collName);
  const target = targets(coll, query, false, sort)[0];
  const shape = (doc: Doc | undefined): Doc | null => (doc ? (fields ? project(doc, fields) : doc) : null);

  if (remove) {
    if (coll && target) coll.remove(target);
    return { lastErrorObject: { n: target ? 1 : 0 }, value: shape(target), ok: 1 };
  }

  const spec = parseUpdate(body.update);
  if (coll && target) {
    const result = applyUpdate(target, spec, { filter: query, arrayFilters, isInsert: false });
    if (result.changed) coll.replace(target, result.doc);
    return {
      lastErrorObject: { n: 1, updatedExisting: true },
      value: shape(returnNew ? result.doc : target),
      ok: 1,
    };
  }
  if (!upsert) {
    return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
  }
  const doc = buildUpsertDoc(query, spec, arrayFilters);
  store.getOrCreate(ctx.db, collName).collection.insert(doc);
  return {
    lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id },
    value: returnNew ? shape(doc) : null,
    ok: 1,
  };
};

export const findAndModifyCommands: Record<string, CommandHandler> = {
  findAndModify,
  findandmodify: findAndModify,
};
