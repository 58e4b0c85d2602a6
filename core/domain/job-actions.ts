import { createHash } from 'node:crypto';
import { CANCEL_TOO_LATE_AT_PERCENT, IdempotencyKeySchema, TERMINAL_STATES, type JobState, type JobType } from '../../contracts/index.js';
import { InvalidIdempotencyKeyError, JobNotCancellableError, JobNotFoundError, JobNotRetryableError } from '../errors/index.js';
import type { DelayedJobStore, HeldJob, Logger, ResultStore, StatusStore } from '../ports/index.js';
import { CANCELLED_ERROR_CODE } from './execute-job.js';
import { guardDependency } from './guard-dependency.js';
import { parseJobId } from './job-queries.js';
import { RESULT_REFUSED, saveResult } from './save-result.js';
import { decodeJobRecord } from './job-records.js';
import type { JobTrace } from './job-records.js';
import { submitJob, type SubmitJobDeps, type SubmittedJob } from './submit-job.js';

export interface CancelJobDeps {
  statuses: StatusStore;
  results: ResultStore;
  /** A delayed job cancelled while it waits is removed from here, so it is never handed over. */
  delayed?: DelayedJobStore;
  now: () => Date;
  logger: Logger;
}

export interface CancelledJob {
  job_id: string;
  job_type: JobType | undefined;
  state: JobState;
  /** The state the cancel found: queued (the job ended at once) or running. */
  previous_state: JobState;
  cancel_requested_at: string;
}

const CANCELLED_WHILE_QUEUED = 'cancelled before it started';

/**
 * Records a cancel on a queued or running job. A queued job ends `failed` / CANCELLED at once;
 * a running one when its worker reaches the next milestone, which then stores its result
 * without calling the provider (again). Repeating the request is harmless; a finished job, or a
 * running one past its last milestone check: 409.
 *
 * A delayed job still waiting for its run_at is removed from the holding place, so it is never
 * handed over to the queue: its status already says cancelled, and no worker slot or Kafka
 * record is spent on it; cancel stores its CANCELLED result itself. That removal is best effort: a job the hand-over claimed meanwhile (or
 * one a failed removal left) reaches a worker, which finds the cancel and ends it unrun.
 */
export async function cancelJob(deps: CancelJobDeps, rawJobId: string | undefined, requestTraceId: string): Promise<CancelledJob> {
  const jobId = parseJobId(rawJobId);
  const { previous, tooLate } = await guardDependency('status store', () =>
    deps.statuses.requestCancel(jobId, {
      requested_at: deps.now().toISOString(),
      whenQueued: { message: 'cancelled', error_code: CANCELLED_ERROR_CODE, error_message: CANCELLED_WHILE_QUEUED },
      tooLateAtPercent: CANCEL_TOO_LATE_AT_PERCENT,
    }),
  );
  if (tooLate) {
    throw new JobNotCancellableError(jobId, 'running', `it is past its last milestone (${CANCEL_TOO_LATE_AT_PERCENT}%) and completes without calling its provider again: too late to cancel`);
  }
  if (previous === null) {
    // The status window is 24 h; a result outlives it.
    const result = await guardDependency('result store', () => deps.results.get(jobId));
    if (result) throw new JobNotCancellableError(jobId, result.final_state);
    throw new JobNotFoundError(jobId);
  }
  if (TERMINAL_STATES.includes(previous)) throw new JobNotCancellableError(jobId, previous);
  const status = await guardDependency('status store', () => deps.statuses.get(jobId));
  if (previous === 'queued' && status?.run_at && deps.delayed) await removeDelayed(deps, deps.delayed, jobId, status.trace_id ?? requestTraceId);
  const cancelled: CancelledJob = {
    job_id: jobId,
    job_type: status?.job_type,
    state: status?.state ?? previous,
    previous_state: previous,
    cancel_requested_at: status?.cancel_requested_at ?? deps.now().toISOString(),
  };
  deps.logger.info(
    { job_id: jobId, trace_id: status?.trace_id ?? requestTraceId, request_trace_id: requestTraceId, previous_state: previous, state: cancelled.state },
    previous === 'queued' ? 'job cancelled before it started' : 'cancel requested; the worker ends the job at its next milestone',
  );
  return cancelled;
}

/**
 * Takes a cancelled job out of the holding place and stores the CANCELLED result its worker
 * would have stored, so the job reads as any job cancelled while queued (and can be retried).
 */
async function removeDelayed(deps: CancelJobDeps, delayed: DelayedJobStore, jobId: string, traceId: string): Promise<void> {
  const log = deps.logger.child({ job_id: jobId, trace_id: traceId });
  try {
    const removed = await guardDependency('delayed jobs store', () => delayed.remove(jobId));
    if (!removed) {
      log.info({}, 'the cancelled delayed job was already handed over; its worker ends it unrun');
      return;
    }
    try {
      await saveCancelledResult(deps, removed, log);
    } catch (error) {
      // Held again, due now: its worker finds the cancel and stores the result instead.
      await guardDependency('delayed jobs store', () => delayed.hold({ ...removed, run_at: deps.now().toISOString() }));
      throw error;
    }
  } catch (error) {
    log.warn({ err: error }, 'could not remove the cancelled delayed job or store its result; if still held it is handed over when due and its worker ends it unrun');
  }
}

async function saveCancelledResult(deps: CancelJobDeps, held: HeldJob, log: Logger): Promise<void> {
  const decoded = decodeJobRecord(held.record);
  if (!decoded.ok) throw new Error(`the held record is not a job message: ${decoded.reason}`);
  const { message } = decoded;
  const now = deps.now().toISOString();
  await guardDependency('result store', () =>
    saveResult(
      deps.results,
      {
        schema_version: message.schema_version,
        job_id: message.job_id,
        job_type: message.job_type,
        input: message.payload as Record<string, unknown>,
        output: null,
        final_state: 'failed',
        started_at: now,
        completed_at: now,
        error: { code: CANCELLED_ERROR_CODE, message: CANCELLED_WHILE_QUEUED },
        trace_id: message.trace_id,
      },
      log,
    ),
  );
}

export interface RetryJobDeps {
  submit: SubmitJobDeps;
  statuses: StatusStore;
  results: ResultStore;
  logger: Logger;
}

export interface RetryJobInput {
  rawJobId: string | undefined;
  idempotencyKey?: string | null;
  traceId?: string;
  trace?: JobTrace;
}

export type RetriedJob = SubmittedJob & { retry_of: string };

/**
 * Submits a failed job again: same type and input, from its result document. The new job's
 * status names the job it retries, and the old job's lists it. With an Idempotency-Key, a
 * repeat answers the same new job; keys are per retried job, so they never meet a submit's.
 */
export async function retryJob(deps: RetryJobDeps, input: RetryJobInput): Promise<RetriedJob> {
  const jobId = parseJobId(input.rawJobId);
  const key = retryIdempotencyKey(jobId, input.idempotencyKey);
  const result = await guardDependency('result store', () => deps.results.get(jobId));
  if (!result) {
    const status = await guardDependency('status store', () => deps.statuses.get(jobId));
    if (!status) throw new JobNotFoundError(jobId);
    throw new JobNotRetryableError(
      jobId,
      status.state,
      status.state === 'failed'
        ? 'its result is not stored yet (a job cancelled while queued gets one when a worker takes it); try again shortly'
        : 'only a failed job can be retried',
    );
  }
  if (result.final_state !== 'failed') throw new JobNotRetryableError(jobId, result.final_state, 'only a failed job can be retried');
  // Its input is not kept (the store refused it): there is nothing to submit again, now or later.
  if (result.error?.code === RESULT_REFUSED) {
    throw new JobNotRetryableError(jobId, result.final_state, 'its input could not be stored, so it cannot be submitted again; submit a corrected job');
  }

  const job = await submitJob(deps.submit, {
    body: { job_type: result.job_type, payload: result.input },
    idempotencyKey: key ?? null,
    ...(input.traceId ? { traceId: input.traceId } : {}),
    ...(input.trace ? { trace: input.trace } : {}),
  });
  await guardDependency('status store', () => deps.statuses.linkRetry({ job_id: job.job_id, retry_of: jobId }));
  deps.logger.info(
    { job_id: job.job_id, trace_id: job.trace_id, retry_of: jobId, retry_of_trace_id: result.trace_id, replayed: job.replayed },
    'failed job retried as a new job',
  );
  return { ...job, retry_of: jobId };
}

/** The submit key of a retry: the client's key, scoped to the job it retries. */
function retryIdempotencyKey(jobId: string, raw: string | null | undefined): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  const parsed = IdempotencyKeySchema.safeParse(raw);
  if (!parsed.success) throw new InvalidIdempotencyKeyError(parsed.error.issues[0]?.message ?? 'is invalid');
  return `retry-${createHash('sha256').update(`${jobId}\n${parsed.data}`).digest('hex')}`;
}
