/**
 * Pure document transforms for updates: operator updates (via mingo's
 * updater, plus `$setOnInsert`, which mingo does not know), replacement
 * documents, pipeline updates, and the seed document an upsert starts from.
 * Nothing here touches the store.
 */
import { update as mingoUpdate, updateOne as mingoUpdateOne } from "mingo";
import { canonicalKey, cloneDoc, ensureId, isOperatorObject, isPlainObject, setPath, withIdFirst, type Doc } from "./documents.js";
import { fail } from "./errors.js";
import { guarded } from "./query.js";

const UPDATE_OPERATORS = new Set([
  "$set",
  "$unset",
  "$inc",
  "$mul",
  "$min",
  "$max",
  "$rename",
  "$push",
  "$pull",
  "$pullAll",
  "$addToSet",
  "$pop",
  "$bit",
  "$currentDate",
  "$setOnInsert",
]);

export type UpdateSpec =
  | { kind: "operators"; ops: Doc }
  | { kind: "replacement"; doc: Doc }
  | { kind: "pipeline"; stages: Doc[] };

export function parseUpdate(u: unknown): UpdateSpec {
  if (Array.isArray(u)) {
    if (!u.every((s) => isPlainObject(s))) throw fail("FailedToParse", "Each element of the 'pipeline' array must be an object");
    return { kind: "pipeline", stages: u as Doc[] };
  }
  if (!isPlainObject(u)) throw fail("FailedToParse", "Update argument must be either an object or an array");
  const keys = Object.keys(u);
  if (keys.length > 0 && keys[0]?.startsWith("$")) {
    for (const [op, arg] of Object.entries(u)) {
      if (!UPDATE_OPERATORS.has(op)) {
        throw fail("FailedToParse", `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`);
      }
      if (!isPlainObject(arg)) {
        throw fail("FailedToParse", `Modifiers operate on fields but we found type ${typeof arg} instead. For example: {$mod: {<field>: ...}} not {${op}: ${JSON.stringify(arg)}}`);
      }
    }
    return { kind: "operators", ops: u };
  }
  for (const k of keys) {
    if (k.startsWith("$")) throw fail("BadValue", `The dollar ($) prefixed field '${k}' in '${k}' is not allowed in the context of an update's replacement document.`);
  }
  return { kind: "replacement", doc: u };
}

export interface ApplyOptions {
  arrayFilters?: Doc[] | undefined;
  /** The query the document matched; resolves the positional `$` operator. */
  filter?: Doc | undefined;
  /** True when building an upserted document (`$setOnInsert` applies). */
  isInsert: boolean;
}

/** Applies an update to a copy of `doc`. `changed` is false when the result is identical. */
export function applyUpdate(doc: Doc, spec: UpdateSpec, opts: ApplyOptions): { doc: Doc; changed: boolean } {
  let next: Doc;
  let changed: boolean;
  if (spec.kind === "replacement") {
    if ("_id" in spec.doc && canonicalKey(spec.doc._id) !== canonicalKey(doc._id)) {
      throw fail("ImmutableField", "After applying the update, the (immutable) field '_id' was found to have been altered");
    }
    next = withIdFirst(cloneDoc(spec.doc), doc._id);
    changed = canonicalKey(next) !== canonicalKey(doc);
  } else if (spec.kind === "pipeline") {
    const holder = [cloneDoc(doc)];
    const result = guarded(() => mingoUpdateOne(holder, {}, spec.stages as never));
    next = holder[0] as Doc;
    changed = result.modifiedCount > 0;
  } else {
    const modifier: Doc = {};
    for (const [op, arg] of Object.entries(spec.ops)) {
      if (op === "$setOnInsert") continue;
      modifier[op] = arg;
    }
    if (opts.isInsert && isPlainObject(spec.ops.$setOnInsert)) {
      modifier.$set = { ...(isPlainObject(modifier.$set) ? modifier.$set : {}), ...spec.ops.$setOnInsert };
    }
    next = cloneDoc(doc);
    if (Object.keys(modifier).length === 0) {
      changed = false;
    } else {
      const condition = opts.isInsert ? undefined : opts.filter;
      const paths = guarded(() => mingoUpdate(next, modifier as never, opts.arrayFilters, condition as never));
      changed = paths.length > 0;
    }
  }
  if ("_id" in doc && canonicalKey(next._id) !== canonicalKey(doc._id)) {
    throw fail("ImmutableField", "Performing an update on the path '_id' would modify the immutable field '_id'");
  }
  return { doc: next, changed };
}

/** The equality fields of a filter, as the starting document of an upsert. */
export function upsertSeed(filter: Doc): Doc {
  const seed: Doc = {};
  const collect = (f: Doc): void => {
    for (const [k, v] of Object.entries(f)) {
      if (k === "$and" && Array.isArray(v)) {
        for (const sub of v) if (isPlainObject(sub)) collect(sub);
        continue;
      }
      if (k.startsWith("$")) continue;
      if (v instanceof RegExp) continue;
      if (isOperatorObject(v)) {
        if ("$eq" in v) setPath(seed, k, v.$eq);
        continue;
      }
      setPath(seed, k, v);
    }
  };
  collect(filter);
  return seed;
}

/** The document an upsert inserts when nothing matched `filter`. */
export function buildUpsertDoc(filter: Doc, spec: UpdateSpec, arrayFilters: Doc[] | undefined): Doc {
  const seed = upsertSeed(filter);
  if (spec.kind === "replacement") {
    const doc = cloneDoc(spec.doc);
    if (!("_id" in doc) && "_id" in seed) return withIdFirst(doc, seed._id);
    return ensureId(doc);
  }
  const { doc } = applyUpdate(seed, spec, { isInsert: true, arrayFilters });
  return ensureId(doc);
}
