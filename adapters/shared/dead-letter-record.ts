import { DEAD_LETTER_HEADERS } from '../../contracts/index.js';
import type { DeliveredRecord, QueueRecord } from '../../core/ports/index.js';

/**
 * The copy of a record that goes to the dead-letter topic: same key and bytes, the original
 * headers, plus why it was rejected and where it came from, so it can be inspected and replayed.
 */
export function deadLetterRecord(record: DeliveredRecord, options: { topic: string; reason: string; failedAt?: Date }): QueueRecord {
  return {
    topic: options.topic,
    key: record.key,
    value: record.value,
    headers: {
      ...record.headers,
      [DEAD_LETTER_HEADERS.reason]: options.reason,
      [DEAD_LETTER_HEADERS.sourceTopic]: record.topic,
      [DEAD_LETTER_HEADERS.sourcePartition]: String(record.partition),
      [DEAD_LETTER_HEADERS.sourceOffset]: record.offset,
      [DEAD_LETTER_HEADERS.failedAt]: (options.failedAt ?? new Date()).toISOString(),
    },
  };
}
