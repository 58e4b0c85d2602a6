import type { Collection, Document, IndexDescription } from 'mongodb';

/**
 * The indexes of `job_results`. Names are left to the server's default (`job_id_1`, …) so an
 * index someone created by hand with the same keys is recognised instead of clashing.
 *
 * - `{job_id: 1}` unique: the contract's "one document per job". It is what turns a replayed
 *   or racing second save into E11000 instead of a duplicate document.
 * - `{completed_at: -1}`: required by the contract (ad-hoc "latest results" queries).
 * - The compound ones serve `list()`: its keyset query sorts on `{completed_at: -1, job_id: -1}`
 *   and may filter on `final_state` or `job_type` by equality. An equality field first and the
 *   sort keys after it let the server walk the index in order and stop after `limit + 1`
 *   documents instead of sorting the collection in memory. Cosmos DB for MongoDB goes further:
 *   it refuses a sort on several fields that no compound index covers, so without these
 *   `list()` would fail there rather than just be slow.
 */
export const RESULT_INDEXES: readonly IndexDescription[] = [
  { key: { job_id: 1 }, unique: true },
  { key: { completed_at: -1 } },
  { key: { completed_at: -1, job_id: -1 } },
  { key: { final_state: 1, completed_at: -1, job_id: -1 } },
  { key: { job_type: 1, completed_at: -1, job_id: -1 } },
];

/** What start-up found: indexes already there, indexes it made, and indexes it could not make. */
export interface IndexReport {
  present: string[];
  created: string[];
  refused: Array<{ index: string; reason: string }>;
}

/**
 * Verifies the indexes and creates only the missing ones. Listing first matters on Cosmos DB
 * for MongoDB, which refuses to re-create a unique index ("The unique index cannot be modified")
 * and creates one only on an empty collection; there the indexes are declared with the
 * collection (Bicep) and start-up finds them all. An existing index counts when it has the same
 * fields in the same order and the same uniqueness; directions are not compared, because ARM
 * declares every key ascending.
 *
 * A creation the server refuses is reported, not thrown: the store still serves reads and
 * writes, and the caller logs what is missing. Failures to reach the server are thrown.
 *
 * One `createIndexes` command per index, in order: FerretDB 1.24 drops the connection (a panic
 * in its handler) when one command names two or more indexes that already exist. The unique
 * index comes first, so it exists before anything else.
 */
export function ensureResultIndexes<T extends Document>(collection: Collection<T>, isRefusal: (error: unknown) => boolean): Promise<IndexReport> {
  return ensureIndexes(collection, RESULT_INDEXES, isRefusal);
}

/** The same for any collection's declared indexes (ensureResultIndexes says how and why). */
export async function ensureIndexes<T extends Document>(
  collection: Collection<T>,
  indexes: readonly IndexDescription[],
  isRefusal: (error: unknown) => boolean,
): Promise<IndexReport> {
  const existing = await collection.indexes().catch((error: unknown) => {
    if ((error as { code?: number }).code === NAMESPACE_NOT_FOUND) return [];
    throw error;
  });
  const report: IndexReport = { present: [], created: [], refused: [] };
  for (const index of indexes) {
    const name = describeIndex(index);
    if (existing.some((found) => sameIndex(found, index))) {
      report.present.push(name);
      continue;
    }
    try {
      await collection.createIndexes([index]);
      report.created.push(name);
    } catch (error) {
      if (!isRefusal(error)) throw error;
      report.refused.push({ index: name, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return report;
}

/** The server's answer to listIndexes on a collection that does not exist yet. */
const NAMESPACE_NOT_FOUND = 26;

function sameIndex(found: { key: Document; unique?: boolean }, wanted: IndexDescription): boolean {
  const fields = (key: Document) => Object.keys(key).join(',');
  return fields(found.key) === fields(wanted.key as Document) && Boolean(found.unique) === Boolean(wanted.unique);
}

function describeIndex(index: IndexDescription): string {
  return `${Object.keys(index.key as Document).join('_')}${index.unique ? ' (unique)' : ''}`;
}
