/**
 * One collection: documents in insertion (natural) order keyed by `_id`, and
 * its indexes. Every mutation validates all unique indexes before changing
 * anything, so a rejected write leaves the collection untouched. Stored
 * documents are never mutated in place: updates replace them, which lets
 * open cursors keep consistent snapshots.
 */
import { UUID } from "bson";
import { canonicalKey, type Doc } from "./documents.js";
import { fail } from "./errors.js";
import { idIndex, Index } from "./indexes.js";

export class Collection {
  readonly uuid = new UUID();
  private readonly docs = new Map<string, Doc>();
  private readonly indexList: Index[] = [idIndex()];

  constructor(
    readonly dbName: string,
    public name: string,
    readonly options: Doc = {},
  ) {}

  get namespace(): string {
    return `${this.dbName}.${this.name}`;
  }

  get size(): number {
    return this.docs.size;
  }

  /** Documents in natural order. The array is fresh; the documents are shared and must not be mutated. */
  all(): Doc[] {
    return [...this.docs.values()];
  }

  /**
   * The documents `filter` can match, in natural order: for `{field: "a string"}` with a unique
   * index on that field alone that covers every document, the one document the index names (or
   * none), as a server answers it from the index; otherwise every document. Callers still apply
   * the whole filter, so this only spares scanning the collection.
   */
  candidates(filter: Doc): Doc[] {
    const fields = Object.keys(filter);
    const field = fields[0];
    const value = field === undefined ? undefined : filter[field];
    if (fields.length !== 1 || typeof value !== "string") return this.all();
    const index = this.indexList.find((ix) => ix.unique && ix.coversAllDocuments && ix.fields.length === 1 && ix.fields[0] === field);
    if (!index) return this.all();
    const idKey = index.entries.get(canonicalKey([value]));
    const doc = idKey === undefined ? undefined : this.docs.get(idKey);
    return doc ? [doc] : [];
  }

  byId(id: unknown): Doc | undefined {
    return this.docs.get(canonicalKey(id));
  }

  get indexes(): readonly Index[] {
    return this.indexList;
  }

  /** Inserts a document that already has an `_id`. Throws DuplicateKey without side effects. */
  insert(doc: Doc): void {
    if (Array.isArray(doc._id)) throw fail("InvalidIdField", "The '_id' value cannot be of type array");
    this.checkUnique(doc, undefined);
    const idKey = canonicalKey(doc._id);
    this.docs.set(idKey, doc);
    this.addKeys(doc, idKey);
  }

  /** Replaces a stored document (same `_id`) with a new version. */
  replace(oldDoc: Doc, newDoc: Doc): void {
    const idKey = canonicalKey(oldDoc._id);
    if (canonicalKey(newDoc._id) !== idKey) {
      throw fail("ImmutableField", "Performing an update on the path '_id' would modify the immutable field '_id'");
    }
    this.checkUnique(newDoc, idKey);
    this.removeKeys(oldDoc);
    this.docs.set(idKey, newDoc);
    this.addKeys(newDoc, idKey);
  }

  remove(doc: Doc): void {
    const idKey = canonicalKey(doc._id);
    if (!this.docs.has(idKey)) return;
    this.removeKeys(doc);
    this.docs.delete(idKey);
  }

  /**
   * Adds an index. Returns false when an identical index already exists.
   * Building a unique index over duplicate data fails with DuplicateKey.
   */
  createIndex(index: Index): boolean {
    for (const existing of this.indexList) {
      if (existing.name === index.name) {
        if (existing.equivalent(index)) return false;
        if (existing.sameKey(index)) {
          throw fail("IndexOptionsConflict", `An equivalent index already exists with the same name but different options. Requested index: ${JSON.stringify(index.spec)}, existing index: ${JSON.stringify(existing.spec)}`);
        }
        throw fail("IndexKeySpecsConflict", `An existing index has the same name as the requested index. Requested index: ${JSON.stringify(index.spec)}, existing index: ${JSON.stringify(existing.spec)}`);
      }
      if (existing.equivalent(index)) {
        throw fail("IndexOptionsConflict", `Index already exists with a different name: ${existing.name}`);
      }
    }
    if (index.unique) {
      for (const [idKey, doc] of this.docs) {
        for (const entry of index.keysFor(doc)) {
          const owner = index.entries.get(entry.key);
          if (owner !== undefined && owner !== idKey) throw index.duplicateError(this.namespace, entry.values);
          index.entries.set(entry.key, idKey);
        }
      }
    }
    this.indexList.push(index);
    return true;
  }

  dropIndex(name: string): void {
    if (name === "_id_") throw fail("InvalidOptions", "cannot drop _id index");
    const at = this.indexList.findIndex((ix) => ix.name === name);
    if (at < 0) throw fail("IndexNotFound", `index not found with name [${name}]`);
    this.indexList.splice(at, 1);
  }

  /** Drops every index except `_id_`. */
  dropAllIndexes(): void {
    this.indexList.splice(1);
  }

  private checkUnique(doc: Doc, selfIdKey: string | undefined): void {
    for (const index of this.indexList) {
      if (!index.unique) continue;
      for (const entry of index.keysFor(doc)) {
        const owner = index.entries.get(entry.key);
        if (owner !== undefined && owner !== selfIdKey) throw index.duplicateError(this.namespace, entry.values);
      }
    }
  }

  private addKeys(doc: Doc, idKey: string): void {
    for (const index of this.indexList) {
      if (!index.unique) continue;
      for (const entry of index.keysFor(doc)) index.entries.set(entry.key, idKey);
    }
  }

  private removeKeys(doc: Doc): void {
    const idKey = canonicalKey(doc._id);
    for (const index of this.indexList) {
      if (!index.unique) continue;
      for (const entry of index.keysFor(doc)) {
        if (index.entries.get(entry.key) === idKey) index.entries.delete(entry.key);
      }
    }
  }
}
