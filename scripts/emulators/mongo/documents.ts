/**
 * Document helpers shared by the store and the command handlers: the
 * document type, deep copies, canonical keys for equality, dotted-path
 * access, and the reply-side number encoding.
 */
import { Binary, deserialize, Long, ObjectId, serialize } from "bson";

export type Doc = Record<string, unknown>;

/** Options used for every document the emulator decodes off the wire. */
export const DECODE_OPTIONS = {
  promoteLongs: true,
  promoteValues: true,
  promoteBuffers: false,
  bsonRegExp: false,
} as const;

export function isPlainObject(value: unknown): value is Doc {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Deep copy through a BSON round trip, so every BSON type survives intact. */
export function cloneDoc<T extends Doc>(doc: T): T {
  return deserialize(serialize(doc), DECODE_OPTIONS) as T;
}

/**
 * A string that is equal for two values exactly when the server would treat
 * them as the same index key (numbers compare by value: int/long/double of the
 * same value coincide because they are all decoded to JS numbers).
 */
export function canonicalKey(value: unknown): string {
  const v = value === undefined ? null : value;
  return Buffer.from(serialize({ v: toWireValue(v) })).toString("base64");
}

/** True when the (operator-free) object is an update/query operator document. */
export function isOperatorObject(value: unknown): value is Doc {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((k) => k.startsWith("$"));
}

/**
 * All values at a dotted path, descending through arrays the way an index
 * does (multikey). A missing field yields `[undefined]`; a terminal array
 * yields its elements (or `[undefined]` when empty).
 */
export function valuesAtPath(doc: unknown, path: string): unknown[] {
  const parts = path.split(".");
  const out: unknown[] = [];
  const walk = (node: unknown, i: number): void => {
    if (i === parts.length) {
      if (Array.isArray(node)) {
        if (node.length === 0) out.push(undefined);
        else out.push(...node);
      } else {
        out.push(node);
      }
      return;
    }
    const part = parts[i] as string;
    if (Array.isArray(node)) {
      if (/^\d+$/.test(part)) {
        walk(node[Number(part)], i + 1);
        return;
      }
      if (node.length === 0) {
        walk(undefined, parts.length);
        return;
      }
      for (const el of node) walk(isPlainObject(el) ? el[part] : undefined, i + 1);
      return;
    }
    if (isPlainObject(node)) {
      walk(node[part], i + 1);
      return;
    }
    walk(undefined, parts.length);
  };
  walk(doc, 0);
  return out.length === 0 ? [undefined] : out;
}

/** Sets a dotted path, creating intermediate objects. */
export function setPath(doc: Doc, path: string, value: unknown): void {
  const parts = path.split(".");
  let node: Doc = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i] as string;
    const next = node[part];
    if (isPlainObject(next)) {
      node = next;
    } else {
      const created: Doc = {};
      node[part] = created;
      node = created;
    }
  }
  node[parts[parts.length - 1] as string] = value;
}

/** Returns `doc` with `_id` as its first field (the server always stores it first). */
export function withIdFirst(doc: Doc, id: unknown): Doc {
  const out: Doc = { _id: id };
  for (const [k, v] of Object.entries(doc)) if (k !== "_id") out[k] = v;
  return out;
}

/** Gives the document an ObjectId `_id` when it has none, keeping `_id` first. */
export function ensureId(doc: Doc): Doc {
  const id = "_id" in doc && doc._id !== undefined ? doc._id : new ObjectId();
  return withIdFirst(doc, id);
}

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;

/**
 * Prepares a value for encoding in a reply. Stored integers outside the int32
 * range are sent as int64 (BSON would otherwise encode them as doubles), so a
 * client that stored an int64 gets an int64 back.
 */
export function toWireValue(value: unknown): unknown {
  if (typeof value === "number") {
    if (Number.isSafeInteger(value) && (value < INT32_MIN || value > INT32_MAX)) return Long.fromNumber(value);
    return value;
  }
  if (Array.isArray(value)) return value.map(toWireValue);
  if (isPlainObject(value)) {
    const out: Doc = {};
    for (const [k, v] of Object.entries(value)) out[k] = toWireValue(v);
    return out;
  }
  return value;
}

/** Renders a value the way the server prints keys in duplicate-key messages. */
export function formatValue(value: unknown): string {
  if (value === undefined || value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (value instanceof ObjectId) return `ObjectId('${value.toHexString()}')`;
  if (value instanceof Date) return `new Date(${value.getTime()})`;
  if (value instanceof Long) return String(value.toString());
  if (value instanceof Binary) return `BinData(${value.sub_type}, ${Buffer.from(value.buffer).toString("hex").toUpperCase()})`;
  if (Array.isArray(value)) return `[ ${value.map(formatValue).join(", ")} ]`;
  if (isPlainObject(value)) return formatDoc(value);
  return String(value);
}

export function formatDoc(doc: Doc): string {
  const entries = Object.entries(doc);
  if (entries.length === 0) return "{}";
  return `{ ${entries.map(([k, v]) => `${k}: ${formatValue(v)}`).join(", ")} }`;
}
