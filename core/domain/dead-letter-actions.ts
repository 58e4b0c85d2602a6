import {
  DEAD_LETTER_HEADERS,
  DEAD_LETTER_ID_PATTERN,
  ListDeadLettersQuerySchema,
  UuidV4Schema,
  type DeadLetterSummary,
  type ListDeadLettersResponse,
  type PurgeDeadLetterResponse,
  type ReplayDeadLetterResponse,
} from '../../contracts/index.js';
import {
  DeadLetterInvalidError,
  DeadLetterJobDoneError,
  DeadLetterNotFoundError,
  InvalidDeadLetterIdError,
  InvalidQueryError,
} from '../errors/index.js';
import type { DeadLetterMarks, DeadLetterRecord, DeadLetters, JobQueue, Logger, ResultStore, StatusStore } from '../ports/index.js';
import { PARSE_OPTIONS, toFieldIssues } from './field-issues.js';
import { guardDependency } from './guard-dependency.js';
import { decodeJobRecord } from './job-records.js';
import { queuedStatus } from './submit-job.js';

/** How much of a dead letter's value a listing shows. */
export const DEAD_LETTER_PREVIEW_BYTES = 256;
const DLQ_HEADER_NAMES = new Set<string>(Object.values(DEAD_LETTER_HEADERS));

/** A page of the dead-letter topic, newest first. */
export async function listDeadLetters(
  deadLetters: DeadLetters,
  topic: string,
  queryPairs: Iterable<[string, string]>,
  marks?: DeadLetterMarks,
): Promise<ListDeadLettersResponse> {
  const query = ListDeadLettersQuerySchema.safeParse(Object.fromEntries(queryPairs), PARSE_OPTIONS);
  if (!query.success) throw new InvalidQueryError(toFieldIssues(query.error));
  const page = await guardDependency('dead-letter topic', () =>
    deadLetters.list({ limit: query.data.limit, ...(query.data.cursor ? { cursor: query.data.cursor } : {}) }),
  );
  const items = page.items.map(summarize);
  if (!marks) return { topic, items, next_cursor: page.next_cursor, total: page.total };
  const [found, handled] = await guardDependency('dead-letter marks', () =>
    Promise.all([marks.find(topic, items.map((item) => item.id)), marks.count(topic)]),
  );
  const byId = new Map(found.map(({ id, ...mark }) => [id, mark]));
  return {
    topic,
    items: items.map((item) => (byId.has(item.id) ? { ...item, handled: byId.get(item.id)! } : item)),
    next_cursor: page.next_cursor,
    total: page.total,
    handled: Math.min(handled, page.total),
  };
}

export interface ReplayDeadLetterDeps {
  deadLetters: DeadLetters;
  queue: JobQueue;
  results: ResultStore;
  statuses: StatusStore;
  topicTemplate: string;
  /** Where a replay is marked handled, when the deployment keeps marks. */
  marks?: DeadLetterMarks;
  /** The dead-letter topic, which names the marks. */
  deadLetterTopic?: string;
  now: () => Date;
  logger: Logger;
}

/**
 * Publishes a dead letter back to the topic it came from, with its original key, value and
 * headers, when it now passes the contract and its job has no result yet. The job's status is
 * set queued when it has none further along, so it shows in the listing again.
 */
export async function replayDeadLetter(
  deps: ReplayDeadLetterDeps,
  rawId: string | undefined,
  requestTraceId: string,
  corrected?: Record<string, unknown>,
): Promise<ReplayDeadLetterResponse> {
  const id = rawId ?? '';
  if (!DEAD_LETTER_ID_PATTERN.test(id)) throw new InvalidDeadLetterIdError(id);
  const record = await guardDependency('dead-letter topic', () => deps.deadLetters.get(id));
  if (!record) throw new DeadLetterNotFoundError(id);

  const topic = record.headers[DEAD_LETTER_HEADERS.sourceTopic];
  if (!topic) throw new DeadLetterInvalidError(id, `the ${DEAD_LETTER_HEADERS.sourceTopic} header is missing, so its topic is unknown`);
  const headers = Object.fromEntries(Object.entries(record.headers).filter(([name]) => !DLQ_HEADER_NAMES.has(name)));
  // A corrected value takes the record's place; it must still be the same job.
  const value = corrected ? Buffer.from(JSON.stringify(corrected)) : record.value;
  const decoded = decodeJobRecord({ key: record.key, value, headers, topic }, deps.topicTemplate);
  if (!decoded.ok) throw new DeadLetterInvalidError(id, decoded.reason);
  const message = decoded.message;
  const original = jobIdOf(record);
  if (corrected && original && message.job_id !== original) {
    throw new DeadLetterInvalidError(id, `the corrected value names job ${message.job_id}, the record job ${original}: keep its job_id`);
  }
  const log = deps.logger.child({ job_id: message.job_id, trace_id: message.trace_id, request_trace_id: requestTraceId, dead_letter_id: id });

  const result = await guardDependency('result store', () => deps.results.get(message.job_id));
  if (result) throw new DeadLetterJobDoneError(id, message.job_id, result.final_state);

  await guardDependency('status store', () => deps.statuses.write(queuedStatus(message, 'queued; replayed from the dead-letter topic', deps.now(), true)));
  await guardDependency('job queue', () => deps.queue.publish({ topic, key: record.key ?? message.job_id, value, headers }));
  log.info({ topic, reason: record.headers[DEAD_LETTER_HEADERS.reason], corrected: Boolean(corrected) }, 'dead letter replayed to its topic');
  if (deps.marks && deps.deadLetterTopic) {
    const { marks, deadLetterTopic } = deps;
    await guardDependency('dead-letter marks', () => marks.mark(deadLetterTopic, { id, outcome: 'replayed', handled_at: deps.now().toISOString() })).catch((error: unknown) =>
      log.warn({ err: error }, 'replayed, but not marked handled: it still shows as waiting'),
    );
  }
  return { id, job_id: message.job_id, topic, status_url: `/v1/jobs/${message.job_id}/status` };
}

/** Marks a dead letter handled by hand (purged): it stays on the topic, and the views set it aside. Repeats answer the first mark. */
export async function purgeDeadLetter(
  deps: { deadLetters: DeadLetters; marks: DeadLetterMarks; topic: string; now: () => Date; logger: Logger },
  rawId: string | undefined,
  requestTraceId: string,
): Promise<PurgeDeadLetterResponse> {
  const id = rawId ?? '';
  if (!DEAD_LETTER_ID_PATTERN.test(id)) throw new InvalidDeadLetterIdError(id);
  const record = await guardDependency('dead-letter topic', () => deps.deadLetters.get(id));
  if (!record) throw new DeadLetterNotFoundError(id);
  const mark = await guardDependency('dead-letter marks', () => deps.marks.mark(deps.topic, { id, outcome: 'purged', handled_at: deps.now().toISOString() }));
  deps.logger.info({ dead_letter_id: id, outcome: mark.outcome, request_trace_id: requestTraceId }, 'dead letter marked handled');
  return mark;
}

function summarize(record: DeadLetterRecord): DeadLetterSummary {
  const headers = record.headers;
  const sourcePartition = Number(headers[DEAD_LETTER_HEADERS.sourcePartition]);
  const jobId = jobIdOf(record);
  return {
    id: record.id,
    partition: record.partition,
    offset: record.offset,
    reason: headers[DEAD_LETTER_HEADERS.reason] ?? null,
    source_topic: headers[DEAD_LETTER_HEADERS.sourceTopic] ?? null,
    source_partition: Number.isInteger(sourcePartition) && sourcePartition >= 0 ? sourcePartition : null,
    source_offset: headers[DEAD_LETTER_HEADERS.sourceOffset] ?? null,
    failed_at: record.timestamp,
    key: record.key,
    ...(jobId ? { job_id: jobId } : {}),
    value_bytes: record.value.length,
    value_preview: record.value.subarray(0, DEAD_LETTER_PREVIEW_BYTES).toString('utf8'),
  };
}

/** The job id the value names (even when the rest breaks the contract), else the key's when it is one. */
function jobIdOf(record: DeadLetterRecord): string | undefined {
  try {
    const body = JSON.parse(record.value.toString('utf8')) as { job_id?: unknown };
    const parsed = UuidV4Schema.safeParse(body?.job_id);
    if (parsed.success) return parsed.data.toLowerCase();
  } catch {
    // not JSON: the key may still name the job
  }
  const key = UuidV4Schema.safeParse(record.key);
  return key.success ? key.data.toLowerCase() : undefined;
}
