import {
  DEFAULT_JOB_PRIORITY,
  DEFAULT_TOPIC_TEMPLATE,
  JOB_PRIORITIES,
  JOB_MESSAGE_HEADERS,
  JOB_TYPES,
  JobMessageSchema,
  TRACE_HEADERS,
  parseTraceparent,
  priorityTopic,
  traceIdToUuidV4,
  type JobMessage,
  type JobPriority,
  type JobType,
} from '../../contracts/index.js';
import type { QueueRecord } from '../ports/index.js';
import { PARSE_OPTIONS, toFieldIssues } from './field-issues.js';

/** The topic of a job type's jobs of one priority (normal: the contract's `jobs.{job_type}.v1`). */
export function topicFor(jobType: JobType, template: string = DEFAULT_TOPIC_TEMPLATE, priority: JobPriority = DEFAULT_JOB_PRIORITY): string {
  return priorityTopic(template, jobType, priority);
}

/**
 * The dead-letter topic beside the job topics: `jobs.dlq.v1` under the default template, and a
 * run's own under another (a test's `{run}.jobs.%s.v1`), so runs never share dead letters.
 */
export function deadLetterTopicFor(template: string = DEFAULT_TOPIC_TEMPLATE): string {
  return template.replace('%s', 'dlq');
}

/** Every job topic: each job type's, one per priority, high first. */
export function jobTopics(template: string = DEFAULT_TOPIC_TEMPLATE): string[] {
  return JOB_TYPES.flatMap((type) => JOB_PRIORITIES.map((priority) => topicFor(type, template, priority)));
}

/**
 * The W3C trace context a job record carries, so the worker continues the submitting request's
 * trace. `traceparent`'s trace id is the message's trace_id; `parentTraceparent` is an incoming
 * traceparent that could not be continued, kept for correlation.
 */
export interface JobTrace {
  traceparent?: string;
  tracestate?: string;
  parentTraceparent?: string;
}

/** The queue record for a job message: topic by type, key = job_id, the contract's headers. */
export function encodeJobRecord(message: JobMessage, template?: string, trace: JobTrace = {}): QueueRecord {
  return {
    topic: topicFor(message.job_type, template, message.priority),
    key: message.job_id,
    value: Buffer.from(JSON.stringify(message)),
    headers: {
      ...JOB_MESSAGE_HEADERS,
      ...(trace.traceparent ? { [TRACE_HEADERS.traceparent]: trace.traceparent } : {}),
      ...(trace.tracestate ? { [TRACE_HEADERS.tracestate]: trace.tracestate } : {}),
      ...(trace.parentTraceparent ? { [TRACE_HEADERS.parentTraceparent]: trace.parentTraceparent } : {}),
    },
  };
}

/** The trace context headers of a consumed record. */
export function readJobTrace(headers: Record<string, string>): JobTrace {
  const trace: JobTrace = {};
  if (headers[TRACE_HEADERS.traceparent]) trace.traceparent = headers[TRACE_HEADERS.traceparent];
  if (headers[TRACE_HEADERS.tracestate]) trace.tracestate = headers[TRACE_HEADERS.tracestate];
  if (headers[TRACE_HEADERS.parentTraceparent]) trace.parentTraceparent = headers[TRACE_HEADERS.parentTraceparent];
  return trace;
}

/**
 * Log fields naming the job a record is about: its job_id and trace_id when the body is a valid
 * job message; for a record that breaks the contract, the key as job_id and the trace id of its
 * traceparent (when that is a UUID v4, as dtq writes it).
 */
export function recordLogFields(record: Pick<QueueRecord, 'key' | 'headers' | 'value'>): { job_id?: string; trace_id?: string } {
  const decoded = decodeJobRecord(record);
  if (decoded.ok) return { job_id: decoded.message.job_id, trace_id: decoded.message.trace_id };
  const parsed = parseTraceparent(record.headers[TRACE_HEADERS.traceparent]);
  const traceId = parsed ? traceIdToUuidV4(parsed.traceId) : undefined;
  return { ...(record.key !== null ? { job_id: record.key } : {}), ...(traceId ? { trace_id: traceId } : {}) };
}

export type DecodedRecord = { ok: true; message: JobMessage } | { ok: false; reason: string };

type DecodableRecord = Pick<QueueRecord, 'value' | 'headers' | 'key'> & { topic?: string };

/**
 * A record's decoding, kept for the next decode of the same record and then dropped. Each
 * attempt at a delivery is decoded by the key-limit gate and again by the job's execution (JSON
 * and the contract's schema each time); a delivered record is never changed, so the second
 * decode takes the first's answer. Only once: the next attempt's message is parsed anew, so
 * what a handler did to its payload does not reach the next attempt.
 */
const decodedRecords = new WeakMap<DecodableRecord, { topicTemplate: string | undefined; decoded: DecodedRecord }>();

/**
 * Checks a consumed record against the contract; the reason names what is wrong. Given the topic
 * template, a record must also sit on its job type's topic: a weather job on the quote topic is
 * not the quote worker's to run.
 */
export function decodeJobRecord(record: DecodableRecord, topicTemplate?: string): DecodedRecord {
  const kept = decodedRecords.get(record);
  if (kept) {
    decodedRecords.delete(record);
    if (kept.topicTemplate === topicTemplate) return kept.decoded;
  }
  const decoded = decodeOnce(record, topicTemplate);
  decodedRecords.set(record, { topicTemplate, decoded });
  return decoded;
}

function decodeOnce(record: DecodableRecord, topicTemplate: string | undefined): DecodedRecord {
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
  const parsed = JobMessageSchema.safeParse(body, PARSE_OPTIONS);
  if (!parsed.success) {
    const issue = toFieldIssues(parsed.error)[0];
    return { ok: false, reason: issue ? `${issue.field}: ${issue.message}` : 'invalid job message' };
  }
  if (record.key !== null && record.key !== parsed.data.job_id) {
    return { ok: false, reason: `key "${record.key}" differs from job_id ${parsed.data.job_id}` };
  }
  const expectedTopic = topicTemplate === undefined ? undefined : topicFor(parsed.data.job_type, topicTemplate, parsed.data.priority);
  if (expectedTopic !== undefined && record.topic !== undefined && record.topic !== expectedTopic) {
    return { ok: false, reason: `a ${parsed.data.job_type} job on topic ${record.topic}; it belongs on ${expectedTopic}` };
  }
  return { ok: true, message: parsed.data };
}
