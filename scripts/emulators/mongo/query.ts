/**
 * Query evaluation on top of mingo: filters, sorts, skip/limit, projections
 * and aggregation pipelines. mingo errors (unknown operators, bad
 * expressions) become BadValue-style command errors.
 */
import { Aggregator, Query } from "mingo";
import { cloneDoc, isPlainObject, type Doc } from "./documents.js";
import { CommandError, fail } from "./errors.js";

export type Matcher = (doc: Doc) => boolean;

/** Runs `fn`, mapping anything mingo throws to a command error. */
export function guarded<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof CommandError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    const stage = /unregistered pipeline operator (\$\w+)/.exec(message);
    if (stage) throw fail("UnrecognizedPipelineStage", `Unrecognized pipeline stage name: '${stage[1] ?? ""}'`);
    if (message.includes("immutable field '_id'")) throw fail("ImmutableField", message.replace(/\.$/, ""));
    throw fail("BadValue", message);
  }
}

export function asFilter(value: unknown, field = "filter"): Doc {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) throw fail("TypeMismatch", `BSON field '${field}' is the wrong type, expected type 'object'`);
  return value;
}

export function matcher(filter: Doc): Matcher {
  if (Object.keys(filter).length === 0) return () => true;
  const query = guarded(() => new Query(filter, {}));
  return (doc) => guarded(() => query.test(doc));
}

export interface FindSpec {
  filter: Doc;
  sort?: Doc | undefined;
  skip?: number | undefined;
  /** 0 or undefined: no limit. */
  limit?: number | undefined;
  projection?: Doc | undefined;
}

/** Evaluates a find-style query against `docs`, returning the result documents. */
export function runFind(docs: Doc[], spec: FindSpec): Doc[] {
  const sort = normalizeSort(spec.sort);
  const match = matcher(spec.filter);
  let out = docs.filter(match);
  if (sort) {
    const input = out;
    out = guarded(() => new Query({}, {}).find(input).sort(sort).all()) as Doc[];
  }
  const skip = spec.skip ?? 0;
  if (skip > 0) out = out.slice(skip);
  if (spec.limit && spec.limit > 0) out = out.slice(0, spec.limit);
  const projection = spec.projection;
  if (projection && Object.keys(projection).length > 0) {
    out = out.map((doc) => project(doc, projection));
  }
  return out;
}

/** Validates a sort spec and maps its directions to 1 / -1; undefined when empty. */
export function normalizeSort(sort: unknown): Record<string, 1 | -1> | undefined {
  if (sort === undefined || sort === null) return undefined;
  if (!isPlainObject(sort)) throw fail("TypeMismatch", "BSON field 'sort' is the wrong type, expected type 'object'");
  const entries = Object.entries(sort);
  if (entries.length === 0) return undefined;
  const out: Record<string, 1 | -1> = {};
  for (const [k, v] of entries) {
    const n = typeof v === "number" ? v : Number.NaN;
    if (!(n > 0 || n < 0)) throw fail("BadValue", `Illegal key in $sort specification: ${k}: ${JSON.stringify(v)}`);
    out[k] = n > 0 ? 1 : -1;
  }
  return out;
}

/** Applies a projection; top-level fields keep the document's own order. */
export function project(doc: Doc, projection: Doc): Doc {
  const [projected] = guarded(() => new Query({}, {}).find([doc], projection).all()) as Doc[];
  const result = projected ?? {};
  const ordered: Doc = {};
  for (const k of Object.keys(doc)) if (k in result) ordered[k] = result[k];
  for (const [k, v] of Object.entries(result)) if (!(k in ordered)) ordered[k] = v;
  return ordered;
}

const UNSUPPORTED_STAGES = new Set(["$out", "$merge", "$changeStream", "$collStats", "$indexStats", "$currentOp", "$listSessions", "$listLocalSessions", "$planCacheStats", "$search", "$searchMeta", "$vectorSearch"]);

export interface PipelineContext {
  /** Resolves `$lookup` / `$unionWith` / `$graphLookup` collection names in the same database. */
  resolveCollection: (name: string) => Doc[];
  variables?: Doc | undefined;
}

/** Runs an aggregation pipeline over copies of `docs` (stored documents are never mutated). */
export function runPipeline(docs: Doc[], pipeline: unknown, ctx: PipelineContext): Doc[] {
  if (!Array.isArray(pipeline)) throw fail("TypeMismatch", "'pipeline' option must be specified as an array");
  const stages: Doc[] = [];
  for (const stage of pipeline) {
    if (!isPlainObject(stage) || Object.keys(stage).length !== 1) {
      throw fail("FailedToParse", "A pipeline stage specification object must contain exactly one field.");
    }
    const name = Object.keys(stage)[0] as string;
    if (UNSUPPORTED_STAGES.has(name)) {
      throw fail("CommandNotSupported", `The ${name} aggregation stage is not supported by the dtq mongo emulator`);
    }
    stages.push(stage);
  }
  let input = docs;
  let rest = stages;
  const first = stages[0];
  if (first && isPlainObject(first.$match)) {
    input = docs.filter(matcher(first.$match));
    rest = stages.slice(1);
  }
  const copies = input.map((d) => cloneDoc(d));
  if (rest.length === 0) return copies;
  const aggregator = guarded(
    () =>
      new Aggregator(rest, {
        collectionResolver: (name: string) => ctx.resolveCollection(name).map((d) => cloneDoc(d)),
        ...(ctx.variables ? { variables: ctx.variables } : {}),
      }),
  );
  return guarded(() => aggregator.run(copies)) as Doc[];
}
