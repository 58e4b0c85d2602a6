import { randomUUID } from 'node:crypto';
import { DEAD_LETTER_HEADERS, DEAD_LETTER_TOPIC, JOB_MESSAGE_HEADERS, type JobMessage } from '../../contracts/index.js';
import type { QueueRecord } from '../../core/ports/index.js';

/** A valid job message, as a dead letter an older contract left on the dead-letter topic: replaying it runs the job. */
export function replayableDeadLetter(message: JobMessage, sourceTopic: string, reason: string): QueueRecord {
  return {
    topic: DEAD_LETTER_TOPIC,
    key: message.job_id,
    value: Buffer.from(JSON.stringify(message)),
    headers: { ...JOB_MESSAGE_HEADERS, [DEAD_LETTER_HEADERS.reason]: reason, [DEAD_LETTER_HEADERS.sourceTopic]: sourceTopic, [DEAD_LETTER_HEADERS.failedAt]: new Date().toISOString() },
  };
}

export function quoteMessage(): JobMessage {
  return { schema_version: '1.0', job_id: randomUUID(), job_type: 'quote', submitted_at: new Date().toISOString(), trace_id: randomUUID(), payload: { tag: 'wisdom' } };
}
