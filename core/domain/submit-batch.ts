import { createHash } from 'node:crypto';
import { BatchSubmitRequestSchema, STATUS_TTL_SECONDS, type ErrorCode, type FieldIssue, type JobMessage } from '../../contracts/index.js';
import { BatchEnqueueUnconfirmedError, DtqError, IdempotencyConflictError, InvalidBodyError, InvalidPayloadError, UnknownJobTypeError } from '../errors/index.js';
import type { JobQueue, Logger, QueueRecord, StatusStore, StatusWrite } from '../ports/index.js';
import { PARSE_OPTIONS, toFieldIssues } from './field-issues.js';
import { fingerprint } from './fingerprint.js';
import { guardDependency } from './guard-dependency.js';
import { encodeJobRecord, type JobTrace } from './job-records.js';
import { parseSubmission, type Submission } from './parse-submission.js';
import {
  bestEffort,
  confirmedWithin,
  jobMessage,
  parseIdempotencyKey,
  queuedStatus,
  SUBMIT_DEADLINE_MS,
  submitBudget,
  type SubmitBudget,
  type SubmitJobDeps,
} from './submit-job.js';

/**
 * How long a batch may take at the server: each dependency call still gives up at the single
 * submit's deadline, but a batch makes three of them in a row over up to a thousand jobs, which
 * a busy machine may not fit in one submit's time.
 */
export const BATCH_SUBMIT_DEADLINE_MS = 3 * SUBMIT_DEADLINE_MS;

export interface SubmitBatchInput {
  body: unknown;
  idempotencyKey?: string | null;
  traceId: string;
  trace?: JobTrace;
  /** When the answer is due (epoch ms): every wait on a dependency ends before it. */
  deadlineAt?: number;
}

/** Why one item of a batch was refused: the error a single submit of it would get, its fields named within the batch. */
export interface BatchItemRefusal {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

export type BatchItemOutcome =
  | { accepted: true; job_id: string; job_type: JobMessage['job_type'] }
  | { accepted: false; error: BatchItemRefusal };

export interface SubmittedBatch {
  /** In request order. */
  items: BatchItemOutcome[];
  accepted: number;
  rejected: number;
  /** True when an Idempotency-Key matched an earlier batch: the answer is that batch's. */
  replayed: boolean;
}

/**
 * Accepts up to MAX_BATCH_JOBS jobs in one request. Each item is checked as POST /v1/jobs checks
 * a body (parseSubmission); a bad item is answered in its place and the others go ahead. The
 * accepted jobs are written together (their queued statuses issued at once, so the Redis client
 * sends them as one pipeline), then published together (one produce request), keeping the single
 * submit's order: status before publish, publish acknowledged by all in-sync replicas.
 *
 * An Idempotency-Key covers the whole batch: one key claim per batch, whose record names the
 * batch; the job ids are derived from the batch id and the item's position, so a repeat answers
 * the same items. A repeat whose first request did not confirm its publish (it failed, or is
 * still at it past the replay wait) writes and publishes the same jobs again; the worker absorbs
 * a job published twice.
 */
export async function submitBatch(deps: SubmitJobDeps, input: SubmitBatchInput): Promise<SubmittedBatch> {
  const jobs = parseEnvelope(input.body);
  const key = batchIdempotencyKey(input.idempotencyKey);
  const parsed = jobs.map((item, index) => parseItem(item, index, deps));
  const budget = submitBudget(input.deadlineAt);

  let batch = { job_id: deps.newId(), trace_id: input.traceId, submitted_at: deps.now().toISOString() };
  let replayed = false;
  let enqueued = false;
  if (key !== undefined) {
    const bodyHash = fingerprint(input.body);
    const claim = await guardDependency(
      'idempotency store',
      () => deps.idempotency.claim(key, { ...batch, fingerprint: bodyHash }, deps.statusTtlSeconds ?? STATUS_TTL_SECONDS),
      budget(),
    );
    if (!claim.claimed) {
      if (claim.existing.fingerprint !== bodyHash) throw new IdempotencyConflictError();
      batch = { job_id: claim.existing.job_id, trace_id: claim.existing.trace_id, submitted_at: claim.existing.submitted_at };
      replayed = true;
      enqueued = claim.existing.enqueued || (await confirmedWithin(deps, key, batch.job_id, budget));
    }
  }

  const messages: JobMessage[] = [];
  const items: BatchItemOutcome[] = parsed.map((item, index) => {
    if ('error' in item) return { accepted: false, error: item.error };
    const jobId = key === undefined ? deps.newId() : itemJobId(batch.job_id, index);
    const message = jobMessage(item.submission, { job_id: jobId, trace_id: batch.trace_id, submitted_at: batch.submitted_at });
    messages.push(message);
    return { accepted: true, job_id: jobId, job_type: message.job_type };
  });
  const log = deps.logger.child({ trace_id: batch.trace_id, batch_id: batch.job_id });

  if (messages.length > 0 && !enqueued) {
    // A repeat publishes under the batch's own trace; this request's context then names another trace.
    const trace = batch.trace_id === input.traceId ? input.trace : undefined;
    await enqueueBatch(deps, messages, trace, key, batch.job_id, log, budget);
  } else if (key !== undefined && !enqueued) {
    await markEnqueued(deps, key, batch.job_id, log, budget);
  }
  const accepted = messages.length;
  log.info({ accepted, rejected: items.length - accepted, replayed, job_types: countBy(messages.map((m) => m.job_type)) }, replayed ? 'idempotent replay of an earlier batch' : 'batch accepted');
  return { items, accepted, rejected: items.length - accepted, replayed };
}

/** Statuses queued (all at once), then one publish of every record; a failed step is a 503 for the batch. */
async function enqueueBatch(
  deps: SubmitJobDeps,
  messages: JobMessage[],
  trace: JobTrace | undefined,
  key: string | undefined,
  batchId: string,
  log: Logger,
  budget: SubmitBudget,
): Promise<void> {
  const now = deps.now();
  try {
    await guardDependency('status store', () => writeAll(deps.statuses, messages.map((m) => queuedStatus(m, 'queued', now, true))), budget());
  } catch (error) {
    // Nothing was published. With a key, a repeat publishes these jobs; without one, nothing will.
    if (key === undefined) await markNeverEnqueued(deps, messages, error, log, budget);
    throw error;
  }
  const records = messages.map((message) => encodeJobRecord(message, deps.topicTemplate, trace));
  try {
    await guardDependency('job queue', () => publishAll(deps.queue, records), budget(1_000, deps.publishTimeoutMs));
  } catch (error) {
    log.error({ err: error, jobs: messages.length }, 'the job queue did not confirm the batch; its jobs stay queued, their enqueue unconfirmed');
    for (const message of messages) deps.events?.onEnqueueUnconfirmed?.(message.job_type);
    const text = key === undefined ? 'queued; enqueue unconfirmed' : 'queued; enqueue unconfirmed: retry the batch with the same Idempotency-Key';
    const later = deps.now();
    await bestEffort(log, 'could not note the unconfirmed enqueue in the statuses', 'status store', () => writeAll(deps.statuses, messages.map((m) => queuedStatus(m, text, later, false))), budget(500));
    throw new BatchEnqueueUnconfirmedError(
      messages.map((m) => m.job_id),
      error instanceof Error ? error.message : String(error),
      { cause: error },
    );
  }
  if (key !== undefined) await markEnqueued(deps, key, batchId, log, budget);
}

/**
 * Every write issued in the same turn: the Redis client's auto-pipelining sends them as one
 * pipeline per server (and the listing's index writes as a second), not one round trip each.
 */
export async function writeAll(statuses: StatusStore, writes: StatusWrite[]): Promise<void> {
  await Promise.all(writes.map((write) => statuses.write(write)));
}

/** One publish of many records where the queue can (publishMany), else every record at once. */
export async function publishAll(queue: JobQueue, records: QueueRecord[]): Promise<void> {
  if (queue.publishMany) return queue.publishMany(records);
  await Promise.all(records.map((record) => queue.publish(record)));
}

async function markEnqueued(deps: SubmitJobDeps, key: string, batchId: string, log: Logger, budget: SubmitBudget): Promise<void> {
  await bestEffort(log, 'could not mark the batch key enqueued; a repeat will publish its jobs again', 'idempotency store', () => deps.idempotency.markEnqueued(key, batchId), budget(500));
}

async function markNeverEnqueued(deps: SubmitJobDeps, messages: JobMessage[], error: unknown, log: Logger, budget: SubmitBudget): Promise<void> {
  log.error({ err: error, jobs: messages.length }, 'the initial statuses could not be written; the batch is not enqueued');
  const failedAt = deps.now().toISOString();
  const reason = error instanceof Error ? error.message : String(error);
  await bestEffort(log, 'could not mark the batch failed', 'status store', () =>
    writeAll(
      deps.statuses,
      messages.map((m) => ({ job_id: m.job_id, state: 'failed', progress_percent: 0, message: 'could not be enqueued', updated_at: failedAt, error_code: 'ENQUEUE_FAILED', error_message: reason })),
    ),
    budget(500),
  );
}

/** The envelope: an object with 1..MAX_BATCH_JOBS jobs; anything else is a 400 for the whole request. */
function parseEnvelope(body: unknown): unknown[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new InvalidBodyError([{ field: '(body)', message: 'must be a JSON object with a "jobs" array' }]);
  }
  const parsed = BatchSubmitRequestSchema.safeParse(body, PARSE_OPTIONS);
  if (!parsed.success) throw new InvalidBodyError(toFieldIssues(parsed.error));
  return parsed.data.jobs;
}

/** One item checked as a single submit's body; its refusal names its fields within the batch (`jobs[3].payload.city`). */
function parseItem(item: unknown, index: number, deps: SubmitJobDeps): { submission: Submission } | { error: BatchItemRefusal } {
  try {
    return { submission: parseSubmission(item, deps.timeouts) };
  } catch (error) {
    if (!(error instanceof InvalidBodyError || error instanceof InvalidPayloadError || error instanceof UnknownJobTypeError)) throw error;
    return { error: refusalWithin(error, `jobs[${index}]`) };
  }
}

function refusalWithin(error: DtqError, at: string): BatchItemRefusal {
  const details = { ...error.details };
  const fields = details.fields as FieldIssue[] | undefined;
  if (fields) details.fields = fields.map((issue) => ({ ...issue, field: issue.field === '(body)' ? at : `${at}.${issue.field}` }));
  return { code: error.code, message: `${at}: ${error.message}`, details };
}

/** A batch key lives beside single-submit keys: scoped, so the same client key used for both never meets. */
function batchIdempotencyKey(raw: string | null | undefined): string | undefined {
  const key = parseIdempotencyKey(raw, false);
  return key === undefined ? undefined : `batch-${createHash('sha256').update(key).digest('hex')}`;
}

/** The job id of a batch's item: a UUID v4 made from the batch id and the item's position, the same on every repeat. */
export function itemJobId(batchId: string, index: number): string {
  const hex = createHash('sha256').update(`${batchId}\n${index}`).digest('hex').slice(0, 32).split('');
  hex[12] = '4';
  hex[16] = '89ab'[parseInt(hex[16]!, 16) & 3]!;
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
