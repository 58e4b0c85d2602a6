import {
  DEFAULT_TOPIC_TEMPLATE,
  JOB_MESSAGE_HEADERS,
  JOB_TYPES,
  JobMessageSchema,
  type JobMessage,
  type JobType,
} from '../../contracts/index.js';
import type { QueueRecord } from '../ports/index.js';
import { toFieldIssues } from './field-issues.js';

export function topicFor(jobType: JobType, template: string = DEFAULT_TOPIC_TEMPLATE): string {
  return template.replace('%s', jobType);
}

export function jobTopics(template: string = DEFAULT_TOPIC_TEMPLATE): string[] {
  return JOB_TYPES.map((type) => topicFor(type, template));
}

/** The queue record for a job message: topic by type, key = job_id, the contract's headers. */
export function encodeJobRecord(message: JobMessage, template?: string): QueueRecord {
  return {
    topic: topicFor(message.job_type, template),
    key: message.job_id,
    value: Buffer.from(JSON.stringify(message)),
    headers: { ...JOB_MESSAGE_HEADERS },
  };
}

export type DecodedRecord = { ok: true; message: JobMessage } | { ok: false; reason: string };

/** Checks a consumed record against the contract; the reason names what is wrong. */
export function decodeJobRecord(record: Pick<QueueRecord, 'value' | 'headers' | 'key'>): DecodedRecord {
  const contentType = record.headers['content-type'];
  if (contentType !== undefined && contentType !== JOB_MESSAGE_HEADERS['content-type']) {
    return { ok: false, reason: `content-type header is "${contentType}", expected application/json` };
  }
  let body: unknown;
  try {
    body = JSON.parse(record.value.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: `value is not JSON: ${(error as Error).message}` };
  }
  const parsed = JobMessageSchema.safeParse(body);
  if (!parsed.success) {
    const issue = toFieldIssues(parsed.error)[0];
    return { ok: false, reason: issue ? `${issue.field}: ${issue.message}` : 'invalid job message' };
  }
  if (record.key !== null && record.key !== parsed.data.job_id) {
    return { ok: false, reason: `key "${record.key}" differs from job_id ${parsed.data.job_id}` };
  }
  return { ok: true, message: parsed.data };
}
