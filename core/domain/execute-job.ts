import {
  DEFAULT_JOB_TIMEOUT_SETTINGS,
  JobOutputSchemas,
  SCHEMA_VERSION,
  TIMEOUT_ERROR_CODE,
  jobContract,
  jobTimeoutMs,
  timeoutErrorMessage,
  type JobTimeoutSettings,
  type JobError,
  type JobMessage,
  type JobResultDocument,
} from '../../contracts/index.js';
import { ProviderError, ProviderRetryAfterError } from '../errors/index.js';
import type {
  DeliveredRecord,
  DeliveryOutcome,
  JobContext,
  JobHandler,
  JobHandlerRegistry,
  Logger,
  ResultStore,
  StatusProgress,
  StatusStore,
} from '../ports/index.js';
import { withinDeadline } from '../time/index.js';
import { decodeJobRecord, readJobTrace, recordLogFields } from './job-records.js';
import { saveResult } from './save-result.js';

export interface ExecuteJobDeps {
  /** Where each job type's records belong (`jobs.%s.v1`): a record on another topic is refused. */
  topicTemplate: string;
  statuses: StatusStore;
  results: ResultStore;
  handlers: JobHandlerRegistry;
  now: () => Date;
  logger: Logger;
  /** Timeouts for a message that carries none (JOB_TIMEOUT_*; default: their defaults). */
  timeouts?: JobTimeoutSettings;
  events?: ExecuteJobEvents;
  /**
   * Called once the job's outcome is stored and before its record is committed, also when a
   * redelivered record finds the result (the webhook outbox; recordJobEnded). A rejection keeps
   * the record uncommitted, so it comes back and the call is made again.
   */
  onJobEnded?(message: JobMessage, result: JobResultDocument): Promise<void>;
}

/** What executing jobs reports for metrics. */
export interface ExecuteJobEvents {
  /** A job timed out while its handler still ran: the handler is abandoned, still running. */
  onHandlerAbandoned?(jobType: string): void;
  /** An abandoned handler has settled at last; what it answered was ignored. */
  onAbandonedHandlerSettled?(jobType: string): void;
}

/** What happened to one record, for metrics and logs. */
export type JobOutcome =
  | { kind: 'completed' | 'failed'; message: JobMessage; error: JobError | null; durationMs: number }
  | { kind: 'already-done'; message: JobMessage }
  | { kind: 'dead-lettered'; reason: string };

export interface HandledRecord {
  delivery: DeliveryOutcome;
  outcome: JobOutcome;
}

/**
 * Runs one consumed job record to a durable outcome: status 20 → 50 → 80, provider call, result
 * saved once, then completed 100 (or failed). A record that breaks the contract is dead-lettered;
 * a job whose result exists is not executed again (mayHaveResult says when that is asked).
 * Errors from the status or result store propagate, so the record stays uncommitted and comes back.
 */
export async function executeJobRecord(
  deps: ExecuteJobDeps,
  record: DeliveredRecord,
  signal: AbortSignal,
): Promise<HandledRecord> {
  const decoded = decodeJobRecord(record, deps.topicTemplate);
  if (!decoded.ok) {
    deps.logger.warn(
      { ...recordLogFields(record), topic: record.topic, partition: record.partition, offset: record.offset, reason: decoded.reason },
      'job record breaks the contract; dead-lettering it',
    );
    return { delivery: { kind: 'dead-letter', reason: decoded.reason }, outcome: { kind: 'dead-lettered', reason: decoded.reason } };
  }
  const message = decoded.message;
  const { parentTraceparent } = readJobTrace(record.headers);
  const log = deps.logger.child({
    job_id: message.job_id,
    trace_id: message.trace_id,
    job_type: message.job_type,
    ...(parentTraceparent ? { parent_traceparent: parentTraceparent } : {}),
  });

  const current = await deps.statuses.getProgress(message.job_id);
  const existing = mayHaveResult(current) ? await deps.results.get(message.job_id) : null;
  if (existing) {
    await writeFinalStatus(deps, message, existing);
    await deps.onJobEnded?.(message, existing);
    log.info({ final_state: existing.final_state }, 'job already has a result; not executing it again');
    return { delivery: { kind: 'done' }, outcome: { kind: 'already-done', message } };
  }

  const startedAt = deps.now();
  const handler = deps.handlers[message.job_type];
  // A cancel is looked for before the job starts and at each milestone after it: a milestone
  // write is refused while a cancel is pending, and the job ends where it had got to, which for
  // a redelivered job may be further than this run got (statuses never move back).
  const reached = current?.state === 'running' ? current.progress_percent : 0;
  const endCancelled = (percent: number) => finishCancelled(deps, message, startedAt, Math.max(percent, reached), log);
  if (current?.cancel_requested_at !== undefined) return endCancelled(0);
  if (await cancelledAt(deps, message, 20, 'started')) return endCancelled(0);
  if (await cancelledAt(deps, message, 50, `calling ${handler.source}`)) return endCancelled(20);
  log.info({ provider: handler.source }, 'job running');

  let output: Record<string, unknown> | null = null;
  let error: JobError | null = null;
  const timeoutMs = message.timeout_ms ?? jobTimeoutMs(jobContract(message.job_type), undefined, deps.timeouts ?? DEFAULT_JOB_TIMEOUT_SETTINGS);
  try {
    output = await runHandler(deps, handler, message, { workerSignal: signal, timeoutMs }, log);
  } catch (caught) {
    if (signal.aborted) throw caught;
    // The provider asked the job to wait: the worker parks it (worker/key-limit-gate.ts), no attempt used.
    if (caught instanceof ProviderRetryAfterError) throw caught;
    if (caught instanceof CancelledAtProgress) return endCancelled(50);
    if (caught instanceof JobTimedOut) {
      // The job ends here: a timeout is the job's whole budget, so it is not tried again.
      error = { code: TIMEOUT_ERROR_CODE, message: timeoutErrorMessage(caught.timeoutMs) };
      log.warn({ timeout_ms: caught.timeoutMs, error_code: error.code }, 'job ran longer than its timeout; job fails');
    } else {
      error = toJobError(caught, handler.source);
      log.warn({ err: caught, error_code: error.code, error_message: error.message }, 'provider failed; job fails');
    }
  }

  if (!error && (await cancelledAt(deps, message, STORING_RESULT_PERCENT, 'storing result'))) return endCancelled(50);
  return finish(deps, message, { startedAt, output, error, failedAtPercent: FAILED_AT_PERCENT }, log);
}

/**
 * Whether a result may already be stored for the job, so the result store must be asked. A job
 * whose status is still `queued` has none: a worker saves a result only after its status moved
 * to running, and statuses never move back. That spares the first delivery of every job a read
 * of the result store; a redelivery (status running or final) or a job whose status has expired
 * or was lost still asks it.
 */
function mayHaveResult(status: StatusProgress | null): boolean {
  return status === null || status.state !== 'queued';
}

/** The error code of a job that ended because someone cancelled it. */
export const CANCELLED_ERROR_CODE = 'CANCELLED';

/** A cancelled job fails where it got to, without (another) provider call; its record is done. */
async function finishCancelled(
  deps: ExecuteJobDeps,
  message: JobMessage,
  startedAt: Date,
  reachedPercent: number,
  log: Logger,
): Promise<HandledRecord> {
  log.info({ progress_percent: reachedPercent }, 'job cancelled; not calling its provider');
  const error = { code: CANCELLED_ERROR_CODE, message: reachedPercent === 0 ? 'cancelled before it started' : `cancelled at ${reachedPercent}%` };
  return finish(deps, message, { startedAt, output: null, error, failedAtPercent: reachedPercent }, log);
}

/** Saves the result once, then the final status from the stored document. */
async function finish(
  deps: ExecuteJobDeps,
  message: JobMessage,
  outcome: { startedAt: Date; output: Record<string, unknown> | null; error: JobError | null; failedAtPercent: number },
  log: Logger,
): Promise<HandledRecord> {
  const { startedAt, output, error } = outcome;
  const result: JobResultDocument = {
    schema_version: SCHEMA_VERSION,
    job_id: message.job_id,
    job_type: message.job_type,
    input: message.payload as Record<string, unknown>,
    output,
    final_state: error ? 'failed' : 'completed',
    started_at: startedAt.toISOString(),
    completed_at: deps.now().toISOString(),
    error,
    trace_id: message.trace_id,
  };
  const { inserted, saved } = await saveResult(deps.results, result, log);
  const stored = inserted ? saved : ((await deps.results.get(message.job_id)) ?? saved);
  // A job that got to 80 % and then failed (its result refused) keeps 80 %: statuses never move back.
  await writeFinalStatus(deps, message, stored, error ? outcome.failedAtPercent : STORING_RESULT_PERCENT);
  await deps.onJobEnded?.(message, stored);

  const durationMs = Date.parse(result.completed_at) - startedAt.getTime();
  log.info({ final_state: stored.final_state, duration_ms: durationMs, inserted, ...(stored.error ? { error_code: stored.error.code } : {}) }, 'job finished');
  return {
    delivery: { kind: 'done' },
    outcome: { kind: stored.final_state, message, error: stored.error, durationMs },
  };
}

/** Thrown out of a handler's progress report when a cancel was requested: the job ends cancelled. */
class CancelledAtProgress extends Error {}

/** The reason a job's signal fires at its deadline: the job ends with TIMEOUT. */
class JobTimedOut extends Error {
  constructor(readonly timeoutMs: number) {
    super(timeoutErrorMessage(timeoutMs));
    this.name = 'TimeoutError';
  }
}

/**
 * Runs the job type's handler with its context, then checks what it returned against the type's
 * output schema and adds provenance. A progress report writes the status message at 50 % and is
 * a cancel point: a pending cancel aborts the handler's signal and ends the job cancelled.
 *
 * The handler (its retries included) races its timeout: at the deadline its signal fires and
 * this returns at once with JobTimedOut, whether or not the handler heeds the signal, so the
 * worker's slot is free. A handler that goes on is abandoned: what it answers later is dropped,
 * and its progress reports are refused (its signal has fired), so its status never moves again.
 */
async function runHandler(
  deps: ExecuteJobDeps,
  handler: JobHandler,
  message: JobMessage,
  limits: { workerSignal: AbortSignal; timeoutMs: number },
  log: Logger,
): Promise<Record<string, unknown>> {
  const { workerSignal, timeoutMs } = limits;
  const cancelled = new AbortController();
  const timedOut = new AbortController();
  const signal = AbortSignal.any([workerSignal, cancelled.signal, timedOut.signal]);
  const context: JobContext = {
    signal,
    jobId: message.job_id,
    traceId: message.trace_id,
    logger: log,
    progress: async (text) => {
      if (signal.aborted) throw signal.reason;
      const outcome = await deps.statuses.write({
        ...jobFields(message),
        state: 'running',
        progress_percent: 50,
        message: String(text).slice(0, PROGRESS_MESSAGE_MAX_LENGTH),
        updated_at: deps.now().toISOString(),
        unlessCancelRequested: true,
      });
      if (!outcome.applied && outcome.cancelRequested) {
        const reason = new CancelledAtProgress('the job was cancelled');
        cancelled.abort(reason);
        throw reason;
      }
    },
  };
  let raw: Record<string, unknown>;
  const running = Promise.resolve().then(() => handler.run(message.payload, context));
  try {
    raw = await withinDeadline(running, timeoutMs, () => {
      const reason = new JobTimedOut(timeoutMs);
      timedOut.abort(reason);
      return reason;
    });
  } catch (error) {
    if (workerSignal.aborted) throw error;
    if (timedOut.signal.aborted) {
      watchAbandoned(deps, message, running, log);
      throw timedOut.signal.reason;
    }
    throw cancelled.signal.aborted ? cancelled.signal.reason : error;
  }
  const checked = JobOutputSchemas[message.job_type].safeParse(raw);
  if (!checked.success) {
    throw new ProviderError('PROVIDER_BAD_RESPONSE', `${handler.source} returned an unexpected shape`, false);
  }
  return { ...(checked.data as Record<string, unknown>), source: handler.source, simulated: handler.source === 'simulated' };
}

/**
 * Counts and logs a timed-out job's handler that is still running, until it settles; what it
 * answers is not used. One that heeds its signal settles within the turn and is not counted.
 */
function watchAbandoned(deps: ExecuteJobDeps, message: JobMessage, running: Promise<unknown>, log: Logger): void {
  let settled = false;
  let abandoned = false;
  const done = (outcome: 'answered' | 'failed') => {
    settled = true;
    if (!abandoned) return;
    deps.events?.onAbandonedHandlerSettled?.(message.job_type);
    log.info({ outcome }, 'the handler of a timed-out job settled after it was abandoned; its answer is ignored');
  };
  running.then(() => done('answered'), () => done('failed'));
  setImmediate(() => {
    if (settled) return;
    abandoned = true;
    deps.events?.onHandlerAbandoned?.(message.job_type);
    log.warn({}, 'the handler of a timed-out job did not stop at its signal; it is abandoned, its worker slot freed');
  });
}

/** A progress message longer than this is cut: the status hash is not a log. */
const PROGRESS_MESSAGE_MAX_LENGTH = 200;

/**
 * A ProviderError carries its job type's own words for clients; anything else a handler throws
 * (a bug, a library's error) is described without its message, which is logged instead.
 */
function toJobError(error: unknown, source: string): JobError {
  if (error instanceof ProviderError) return { code: error.providerCode, message: error.message };
  return { code: 'PROVIDER_FAILED', message: `${source} failed unexpectedly; the trace id identifies the cause in the worker's logs` };
}

/** Writes a milestone unless a cancel is pending; answers true when a cancel refused it. */
async function cancelledAt(deps: ExecuteJobDeps, message: JobMessage, percent: 20 | 50 | 80, text: string): Promise<boolean> {
  const at = deps.now().toISOString();
  const outcome = await deps.statuses.write({
    ...jobFields(message),
    state: 'running',
    progress_percent: percent,
    message: text,
    updated_at: at,
    milestones: { [percent]: at },
    unlessCancelRequested: true,
  });
  return !outcome.applied && outcome.cancelRequested;
}

/** The milestone a job reaches when its provider has answered and its result is being stored. */
const STORING_RESULT_PERCENT = 80;

/** Jobs fail at the provider call, so a failed job keeps that milestone's progress; a cancelled one keeps where it got to. */
const FAILED_AT_PERCENT = 50;

async function writeFinalStatus(deps: ExecuteJobDeps, message: JobMessage, result: JobResultDocument, failedAtPercent = FAILED_AT_PERCENT): Promise<void> {
  const failed = result.final_state === 'failed';
  const cancelled = result.error?.code === CANCELLED_ERROR_CODE;
  const at = deps.now().toISOString();
  await deps.statuses.write({
    ...jobFields(message),
    state: result.final_state,
    progress_percent: failed ? failedAtPercent : 100,
    message: cancelled ? 'cancelled' : failed ? 'failed' : 'completed',
    updated_at: at,
    ...(failed ? {} : { milestones: { '100': at } }),
    ...(result.error ? { error_code: result.error.code, error_message: result.error.message } : {}),
  });
}

function jobFields(message: JobMessage) {
  return {
    job_id: message.job_id,
    trace_id: message.trace_id,
    job_type: message.job_type,
    submitted_at: message.submitted_at,
  };
}
