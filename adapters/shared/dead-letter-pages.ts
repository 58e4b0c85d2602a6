import { DEAD_LETTER_HEADERS } from '../../contracts/index.js';
import type { DeadLetterPage, DeadLetterRecord } from '../../core/ports/index.js';
import { compareNewestFirst, takePage } from './page-cursor.js';

/** The id of a dead letter: where it lies on the topic. */
export const deadLetterId = (partition: number, offset: string): string => `${partition}-${offset}`;

/** When a record was dead-lettered: its header, else the time the log gives it. */
export function deadLetteredAt(headers: Record<string, string>, fallback: string): string {
  const header = headers[DEAD_LETTER_HEADERS.failedAt];
  return header && Number.isFinite(Date.parse(header)) ? new Date(header).toISOString() : fallback;
}

const position = (record: DeadLetterRecord) => ({ at: record.timestamp, id: record.id });

/** A page of dead letters newest first, from all the records a reader holds. */
export function pageDeadLetters(records: DeadLetterRecord[], query: { limit: number; cursor?: string }): DeadLetterPage {
  const sorted = [...records].sort((a, b) => compareNewestFirst(position(a), position(b)));
  return { ...takePage(sorted, position, query.limit, query.cursor), total: records.length };
}
