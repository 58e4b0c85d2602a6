import type { Collection, Document, IndexDescription } from 'mongodb';
import type { Logger } from '../../core/ports/index.js';
import { isUnavailableError } from './mongo-errors.js';
import { ensureIndexes } from './result-indexes.js';

/**
 * A store's declared indexes at its start: those missing are created (ensureIndexes says how and
 * why it lists first). A server that refuses one is logged with what the store does without it,
 * and the store serves on; a server that cannot be reached fails the start, to be retried.
 */
export async function ensureDeclaredIndexes<T extends Document>(options: {
  collection: Collection<T>;
  indexes: readonly IndexDescription[];
  logger: Logger;
  /** What is slower without an index, for the warning: `finding due jobs scans the collection`. */
  withoutIndex: string;
}): Promise<void> {
  const report = await ensureIndexes(options.collection, options.indexes, (error) => !isUnavailableError(error));
  if (report.created.length > 0) options.logger.info({ collection: options.collection.collectionName, created: report.created }, 'indexes created');
  for (const { index, reason } of report.refused) {
    options.logger.warn({ collection: options.collection.collectionName, index, reason }, `an index is missing and could not be created: ${options.withoutIndex}`);
  }
}
