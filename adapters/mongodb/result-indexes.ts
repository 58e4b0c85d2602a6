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

/**
 * Creates the indexes that are missing; creating an existing index with the same keys and
 * options is a no-op on the server, so this is safe on every start-up and from many processes.
 *
 * One `createIndexes` command per index, in order: FerretDB 1.24 drops the connection (a panic
 * in its handler) when one command names two or more indexes that already exist, which is every
 * start-up after the first. The unique index comes first, so it exists before anything else.
 */
export async function ensureResultIndexes<T extends Document>(collection: Collection<T>): Promise<string[]> {
  const names: string[] = [];
  for (const index of RESULT_INDEXES) names.push(...(await collection.createIndexes([index])));
  return names;
}
