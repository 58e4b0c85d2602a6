/**
 * What a command handler sees, and small argument readers shared by the
 * command families. Handlers are synchronous: a command runs start to finish
 * without yielding, which is what makes each one atomic.
 */
import type { CursorManager } from "../cursors.js";
import { isPlainObject, type Doc } from "../documents.js";
import { fail } from "../errors.js";
import type { Store } from "../store.js";

export interface ServerState {
  store: Store;
  cursors: CursorManager;
  host: string;
  port: number;
  startedAt: number;
  connectionsCurrent: () => number;
  connectionsTotal: () => number;
}

export interface CommandContext {
  server: ServerState;
  /** The command name as the client spelled it (the body's first key). */
  name: string;
  body: Doc;
  db: string;
  connectionId: number;
  remoteAddress: string;
}

export type CommandHandler = (ctx: CommandContext) => Doc;

/** The collection name given as the command's own value (`{find: "jobs"}`). */
export function collectionName(ctx: CommandContext): string {
  const value = ctx.body[ctx.name];
  if (typeof value !== "string" || value.length === 0) {
    throw fail("InvalidNamespace", `collection name has invalid type ${typeof value}`);
  }
  return value;
}

export function optionalNumber(body: Doc, field: string, command: string): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw fail("TypeMismatch", `BSON field '${command}.${field}' is the wrong type, expected a number`);
  }
  return Math.trunc(value);
}

export function optionalNonNegative(body: Doc, field: string, command: string): number | undefined {
  const value = optionalNumber(body, field, command);
  if (value !== undefined && value < 0) throw fail("BadValue", `${field} value must be non-negative, but received: ${value}`);
  return value;
}

export function optionalDoc(body: Doc, field: string, command: string): Doc | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) throw fail("TypeMismatch", `BSON field '${command}.${field}' is the wrong type, expected type 'object'`);
  return value;
}

/** The `cursor: {batchSize}` sub-document of aggregate / listCollections / listIndexes. */
export function cursorBatchSize(body: Doc, command: string): number | undefined {
  const cursor = optionalDoc(body, "cursor", command);
  if (!cursor) return undefined;
  return optionalNonNegative(cursor, "batchSize", `${command}.cursor`);
}

/** The `{cursor: {...}, ok: 1}` reply for a first batch. */
export function firstBatchReply(batch: { id: unknown; ns: string; docs: Doc[] }): Doc {
  return { cursor: { firstBatch: batch.docs, id: batch.id, ns: batch.ns }, ok: 1 };
}

/** Fields any command may carry that the emulator accepts and ignores. */
export const GENERIC_FIELDS = new Set([
  "$db",
  "lsid",
  "txnNumber",
  "autocommit",
  "startTransaction",
  "$clusterTime",
  "$readPreference",
  "readConcern",
  "writeConcern",
  "comment",
  "maxTimeMS",
  "apiVersion",
  "apiStrict",
  "apiDeprecationErrors",
  "$client",
  "$audit",
]);

/** The command body without its name and generic fields: the command's own options. */
export function commandOptions(ctx: CommandContext): Doc {
  const out: Doc = {};
  for (const [k, v] of Object.entries(ctx.body)) {
    if (k === ctx.name || GENERIC_FIELDS.has(k)) continue;
    out[k] = v;
  }
  return out;
}
