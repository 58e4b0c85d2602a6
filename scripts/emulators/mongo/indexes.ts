/**
 * Index definitions and unique-key bookkeeping. Only unique indexes keep
 * entries (key -> owning document id); non-unique indexes are metadata that
 * listIndexes reports, since queries always scan.
 */
import { Query } from "mingo";
import { canonicalKey, formatDoc, isPlainObject, valuesAtPath, type Doc } from "./documents.js";
import { fail } from "./errors.js";

/** Options accepted in an index spec and echoed back by listIndexes. */
const KNOWN_OPTIONS = new Set([
  "unique",
  "sparse",
  "partialFilterExpression",
  "expireAfterSeconds",
  "background",
  "hidden",
  "collation",
  "weights",
  "default_language",
  "language_override",
  "textIndexVersion",
  "2dsphereIndexVersion",
  "bits",
  "min",
  "max",
  "wildcardProjection",
  "storageEngine",
]);

/** Options that change index behaviour; two specs differing here are different indexes. */
const SIGNIFICANT_OPTIONS = ["unique", "sparse", "partialFilterExpression", "expireAfterSeconds", "collation", "hidden"];

export interface IndexKeyEntry {
  key: string;
  /** The key's field values in key-pattern order (null for missing). */
  values: unknown[];
}

export class Index {
  readonly name: string;
  readonly keyPattern: Doc;
  readonly fields: string[];
  readonly unique: boolean;
  readonly sparse: boolean;
  /** The spec as listIndexes reports it. */
  readonly spec: Doc;
  private readonly partial: Query | undefined;
  /** canonical key -> owning document's id key (unique indexes only). */
  readonly entries = new Map<string, string>();

  constructor(spec: Doc) {
    const key = spec.key;
    if (!isPlainObject(key) || Object.keys(key).length === 0) {
      throw fail("CannotCreateIndex", "Index keys cannot be empty.");
    }
    for (const [field, dir] of Object.entries(key)) {
      const ok = (typeof dir === "number" && dir !== 0) || dir === "hashed";
      if (!ok) {
        throw fail("CannotCreateIndex", `Values in the index key pattern must be 1, -1 or 'hashed' in this emulator; got ${field}: ${JSON.stringify(dir)}`);
      }
    }
    if (typeof spec.name !== "string" || spec.name.length === 0) {
      throw fail("CannotCreateIndex", "The index name must be a non-empty string.");
    }
    this.name = spec.name;
    this.keyPattern = key;
    this.fields = Object.keys(key);
    this.unique = spec.unique === true || spec.unique === 1;
    this.sparse = spec.sparse === true || spec.sparse === 1;
    const partialFilter = spec.partialFilterExpression;
    if (partialFilter !== undefined && !isPlainObject(partialFilter)) {
      throw fail("CannotCreateIndex", "partialFilterExpression must be an object");
    }
    this.partial = partialFilter ? new Query(partialFilter, {}) : undefined;
    const listed: Doc = { v: 2, key, name: this.name };
    for (const [k, v] of Object.entries(spec)) {
      if (k === "key" || k === "name" || k === "v" || k === "ns") continue;
      if (!KNOWN_OPTIONS.has(k)) throw fail("InvalidIndexSpecificationOption", `The field '${k}' is not valid for an index specification.`);
      if (k === "background") continue;
      listed[k] = v;
    }
    this.spec = listed;
  }

  /** Whether `other` (a normalized spec) describes the same key pattern. */
  sameKey(other: Index): boolean {
    return canonicalKey(this.keyPattern) === canonicalKey(other.keyPattern);
  }

  /** Whether `other` has the same key pattern and behaviour-changing options. */
  equivalent(other: Index): boolean {
    if (!this.sameKey(other)) return false;
    return SIGNIFICANT_OPTIONS.every((opt) => canonicalKey(this.spec[opt] ?? null) === canonicalKey(other.spec[opt] ?? null));
  }

  /** Whether every document has its keys here (no partial filter), compared bytewise (no collation). */
  get coversAllDocuments(): boolean {
    return this.partial === undefined && this.spec.collation === undefined;
  }

  /** The index keys a document produces, or [] when the document is not indexed. */
  keysFor(doc: Doc): IndexKeyEntry[] {
    if (this.partial && !this.partial.test(doc)) return [];
    const perField = this.fields.map((f) => valuesAtPath(doc, f));
    if (this.sparse && perField.every((vals) => vals.every((v) => v === undefined))) return [];
    const out = new Map<string, IndexKeyEntry>();
    const combine = (i: number, acc: unknown[]): void => {
      if (i === perField.length) {
        const values = acc.map((v) => (v === undefined ? null : v));
        const key = canonicalKey(values);
        if (!out.has(key)) out.set(key, { key, values });
        return;
      }
      for (const v of perField[i] as unknown[]) combine(i + 1, [...acc, v]);
    };
    combine(0, []);
    return [...out.values()];
  }

  /** The duplicate-key error a real server raises for this index and key. */
  duplicateError(namespace: string, values: unknown[]): Error {
    const keyValue: Doc = {};
    this.fields.forEach((f, i) => {
      keyValue[f] = values[i] ?? null;
    });
    const message = `E11000 duplicate key error collection: ${namespace} index: ${this.name} dup key: ${formatDoc(keyValue)}`;
    return fail("DuplicateKey", message, { keyPattern: this.keyPattern, keyValue });
  }
}

/** The name the server generates for a key pattern: `a_1_b_-1`. */
export function defaultIndexName(key: Doc): string {
  return Object.entries(key)
    .map(([k, v]) => `${k}_${String(v)}`)
    .join("_");
}

/** The mandatory `_id_` index: unique, though (like the server) not listed as such. */
export function idIndex(): Index {
  const index = new Index({ key: { _id: 1 }, name: "_id_", unique: true });
  delete index.spec.unique;
  return index;
}
