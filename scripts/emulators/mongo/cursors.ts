/**
 * Server-side cursors. Results are materialized when the cursor opens (a
 * snapshot of immutable stored documents); getMore hands them out in
 * batches. Idle cursors expire after ten minutes, like the server default.
 */
import { calculateObjectSize, Long } from "bson";
import { randomBytes } from "node:crypto";
import { toWireValue, type Doc } from "./documents.js";
import { fail } from "./errors.js";

/** Batches stay well under the 16 MiB reply document limit. */
const MAX_BATCH_BYTES = 16 * 1024 * 1024 - 64 * 1024;
const DEFAULT_FIRST_BATCH = 101;
const IDLE_TIMEOUT_MS = 10 * 60 * 1000;

interface OpenCursor {
  id: Long;
  ns: string;
  docs: Doc[];
  pos: number;
  lastUsed: number;
}

export interface Batch {
  id: Long;
  ns: string;
  docs: Doc[];
}

export class CursorManager {
  private readonly open = new Map<string, OpenCursor>();

  get size(): number {
    return this.open.size;
  }

  /**
   * Opens a cursor over `docs` and returns the first batch. When everything
   * fits in the first batch (or `singleBatch`), no cursor is kept and the id is 0.
   */
  openCursor(ns: string, docs: Doc[], batchSize: number | undefined, singleBatch: boolean): Batch {
    this.expireIdle();
    const cursor: OpenCursor = { id: Long.ZERO, ns, docs, pos: 0, lastUsed: Date.now() };
    const first = takeBatch(cursor, batchSize ?? DEFAULT_FIRST_BATCH);
    if (singleBatch || cursor.pos >= docs.length) return { id: Long.ZERO, ns, docs: first };
    cursor.id = newCursorId();
    this.open.set(cursor.id.toString(), cursor);
    return { id: cursor.id, ns, docs: first };
  }

  getMore(id: Long, ns: string, batchSize: number | undefined): Batch {
    this.expireIdle();
    const cursor = this.open.get(id.toString());
    if (!cursor) throw fail("CursorNotFound", `cursor id ${id.toString()} not found`);
    if (cursor.ns !== ns) {
      throw fail("Unauthorized", `Requested getMore on namespace '${ns}', but cursor ${id.toString()} belongs to a different namespace ${cursor.ns}`);
    }
    cursor.lastUsed = Date.now();
    const docs = takeBatch(cursor, batchSize && batchSize > 0 ? batchSize : Number.MAX_SAFE_INTEGER);
    if (cursor.pos >= cursor.docs.length) {
      this.open.delete(id.toString());
      return { id: Long.ZERO, ns, docs };
    }
    return { id: cursor.id, ns, docs };
  }

  /** Kills the given cursors; returns which existed. */
  kill(ids: Long[]): { killed: Long[]; notFound: Long[] } {
    const killed: Long[] = [];
    const notFound: Long[] = [];
    for (const id of ids) {
      if (this.open.delete(id.toString())) killed.push(id);
      else notFound.push(id);
    }
    return { killed, notFound };
  }

  clear(): void {
    this.open.clear();
  }

  private expireIdle(): void {
    const cutoff = Date.now() - IDLE_TIMEOUT_MS;
    for (const [key, cursor] of this.open) if (cursor.lastUsed < cutoff) this.open.delete(key);
  }
}

function takeBatch(cursor: OpenCursor, limit: number): Doc[] {
  const out: Doc[] = [];
  let bytes = 0;
  while (cursor.pos < cursor.docs.length && out.length < limit) {
    const doc = cursor.docs[cursor.pos] as Doc;
    const size = calculateObjectSize(toWireValue(doc) as Doc);
    if (out.length > 0 && bytes + size > MAX_BATCH_BYTES) break;
    out.push(doc);
    bytes += size;
    cursor.pos++;
  }
  return out;
}

function newCursorId(): Long {
  for (;;) {
    const id = Long.fromBytesLE([...randomBytes(8)]).and(Long.MAX_VALUE);
    if (!id.isZero()) return id;
  }
}

/** Reads a cursor id sent as int64 (decoded to a number when small) or Long. */
export function toCursorId(value: unknown): Long {
  if (value instanceof Long) return value;
  if (typeof value === "number" && Number.isInteger(value)) return Long.fromNumber(value);
  if (typeof value === "bigint") return Long.fromBigInt(value);
  throw fail("TypeMismatch", "cursor id must be a 64-bit integer");
}
