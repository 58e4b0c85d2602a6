/**
 * Read commands: find, getMore, killCursors, count, distinct.
 */
import { canonicalKey, isPlainObject, valuesAtPath } from "../documents.js";
import { fail } from "../errors.js";
import { toCursorId } from "../cursors.js";
import { asFilter, matcher, normalizeSort, runFind } from "../query.js";
import {
  collectionName,
  firstBatchReply,
  optionalDoc,
  optionalNonNegative,
  optionalNumber,
  type CommandHandler,
} from "./context.js";

const find: CommandHandler = (ctx) => {
  const coll = collectionName(ctx);
  const body = ctx.body;
  const filter = asFilter(body.filter, "find.filter");
  const sort = normalizeSort(body.sort);
  const projection = optionalDoc(body, "projection", "find");
  const skip = optionalNonNegative(body, "skip", "find");
  let limit = optionalNumber(body, "limit", "find");
  let singleBatch = body.singleBatch === true;
  if (limit !== undefined && limit < 0) {
    // Legacy negative limit: return at most |limit| documents in one batch.
    limit = -limit;
    singleBatch = true;
  }
  const batchSize = optionalNonNegative(body, "batchSize", "find");
  const source = ctx.server.store.get(ctx.db, coll)?.candidates(filter) ?? [];
  const docs = runFind(source, { filter, sort, skip, limit, projection });
  const batch = ctx.server.cursors.openCursor(`${ctx.db}.${coll}`, docs, batchSize, singleBatch);
  return firstBatchReply(batch);
};

const getMore: CommandHandler = (ctx) => {
  const id = toCursorId(ctx.body.getMore);
  const coll = ctx.body.collection;
  if (typeof coll !== "string" || coll.length === 0) {
    throw fail("TypeMismatch", "BSON field 'getMore.collection' is missing or is not a string");
  }
  const batchSize = optionalNonNegative(ctx.body, "batchSize", "getMore");
  const batch = ctx.server.cursors.getMore(id, `${ctx.db}.${coll}`, batchSize);
  return { cursor: { nextBatch: batch.docs, id: batch.id, ns: batch.ns }, ok: 1 };
};

const killCursors: CommandHandler = (ctx) => {
  collectionName(ctx);
  const ids = ctx.body.cursors;
  if (!Array.isArray(ids)) throw fail("TypeMismatch", "BSON field 'killCursors.cursors' is missing or is not an array");
  const { killed, notFound } = ctx.server.cursors.kill(ids.map(toCursorId));
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
};

const count: CommandHandler = (ctx) => {
  const coll = collectionName(ctx);
  const filter = asFilter(ctx.body.query, "count.query");
  const skip = optionalNonNegative(ctx.body, "skip", "count") ?? 0;
  const limit = Math.abs(optionalNumber(ctx.body, "limit", "count") ?? 0);
  const source = ctx.server.store.get(ctx.db, coll)?.candidates(filter) ?? [];
  let n = Object.keys(filter).length === 0 ? source.length : source.filter(matcher(filter)).length;
  n = Math.max(0, n - skip);
  if (limit > 0) n = Math.min(n, limit);
  return { n, ok: 1 };
};

const distinct: CommandHandler = (ctx) => {
  const coll = collectionName(ctx);
  const key = ctx.body.key;
  if (typeof key !== "string" || key.length === 0) throw fail("TypeMismatch", "BSON field 'distinct.key' is missing or is not a string");
  const filter = asFilter(ctx.body.query, "distinct.query");
  const source = ctx.server.store.get(ctx.db, coll)?.all() ?? [];
  const match = matcher(filter);
  const seen = new Map<string, unknown>();
  for (const doc of source) {
    if (!match(doc)) continue;
    for (const value of valuesAtPath(doc, key)) {
      if (value === undefined) continue;
      const k = canonicalKey(value);
      if (!seen.has(k)) seen.set(k, value);
    }
  }
  const values = [...seen.values()];
  values.sort((a, b) => compareForDistinct(a, b));
  return { values, ok: 1 };
};

/** Orders distinct values: numbers, then strings, then everything else in encounter order. */
function compareForDistinct(a: unknown, b: unknown): number {
  const rank = (v: unknown): number => (v === null ? 0 : typeof v === "number" ? 1 : typeof v === "string" ? 2 : isPlainObject(v) ? 3 : 4);
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  return 0;
}

export const readCommands: Record<string, CommandHandler> = { find, getMore, killCursors, count, distinct };
