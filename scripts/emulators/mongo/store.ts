/**
 * The in-memory catalog: databases -> collections. A database exists while
 * it has at least one collection, as on a real server.
 */
import { Collection } from "./collection.js";
import type { Doc } from "./documents.js";
import { fail } from "./errors.js";

export class Store {
  private readonly dbs = new Map<string, Map<string, Collection>>();

  databaseNames(): string[] {
    return [...this.dbs.keys()].filter((name) => (this.dbs.get(name)?.size ?? 0) > 0);
  }

  collections(db: string): Collection[] {
    return [...(this.dbs.get(db)?.values() ?? [])];
  }

  get(db: string, name: string): Collection | undefined {
    return this.dbs.get(db)?.get(name);
  }

  /** The collection, created implicitly (as writes and createIndexes do) when missing. */
  getOrCreate(db: string, name: string, options: Doc = {}): { collection: Collection; created: boolean } {
    const existing = this.get(db, name);
    if (existing) return { collection: existing, created: false };
    validateCollectionName(db, name);
    let colls = this.dbs.get(db);
    if (!colls) {
      colls = new Map();
      this.dbs.set(db, colls);
    }
    const collection = new Collection(db, name, options);
    colls.set(name, collection);
    return { collection, created: true };
  }

  drop(db: string, name: string): Collection | undefined {
    const colls = this.dbs.get(db);
    const coll = colls?.get(name);
    if (!colls || !coll) return undefined;
    colls.delete(name);
    if (colls.size === 0) this.dbs.delete(db);
    return coll;
  }

  dropDatabase(db: string): void {
    this.dbs.delete(db);
  }

  rename(db: string, from: string, toDb: string, to: string, dropTarget: boolean): void {
    const source = this.get(db, from);
    if (!source) throw fail("NamespaceNotFound", "Source collection does not exist");
    if (db !== toDb) throw fail("CommandNotSupported", "renameCollection across databases is not supported by this emulator");
    if (this.get(toDb, to)) {
      if (!dropTarget) throw fail("NamespaceExists", "target namespace exists");
      this.drop(toDb, to);
    }
    validateCollectionName(toDb, to);
    const colls = this.dbs.get(db);
    if (!colls) throw fail("NamespaceNotFound", "Source collection does not exist");
    colls.delete(from);
    source.name = to;
    colls.set(to, source);
  }
}

export function validateDbName(db: string): void {
  if (db.length === 0 || /[/\\. "$\0]/.test(db)) throw fail("InvalidNamespace", `Invalid database name: '${db}'`);
}

function validateCollectionName(db: string, name: string): void {
  validateDbName(db);
  if (name.length === 0 || name.includes("\0") || name.startsWith(".") || name.includes("$")) {
    throw fail("InvalidNamespace", `Invalid collection name: ${name}`);
  }
}
