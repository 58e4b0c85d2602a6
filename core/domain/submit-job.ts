import {
  IdempotencyKeySchema,
  SCHEMA_VERSION,
  STATUS_TTL_SECONDS,
  formatTraceparent,
  parseTraceparent,
  uuidToTraceId,
  type JobMessage,
  type JobPriority,
  type JobTimeoutSettings,
} from '../../contracts/index.js';
import { EnqueueUnconfirmedError, IdempotencyConflictError, InvalidBodyError, InvalidIdempotencyKeyError } from '../errors/index.js';
import type { CallbackTargets, DelayedJobStore, HeldJob, IdempotencyStore, JobQueue, Logger, StatusStore, StatusWrite, StoredIdempotencyRecord } from '../ports/index.js';
import { fingerprint } from './fingerprint.js';
import { DEPENDENCY_DEADLINE_MS, guardDependency } from './guard-dependency.js';
import { jobLabel } from './job-label.js';
import { encodeJobRecord, type JobTrace } from './job-records.js';
import { parseSubmission, type Submission } from './parse-submission.js';
import { startTime } from './job-start.js';

/** How often a replay looks whether the first request's enqueue has been confirmed. */
const REPLAY_POLL_MS = 50;
/** A replay waits this long for the first request's confirmation before publishing itself. */
const DEFAULT_REPLAY_WAIT_MS = 1_000;
/** The least a republish is given, however long the wait took. */
const MIN_REPUBLISH_MS = 1_000;

/**
 * How long a submit may take at the server, from the moment its request is timed: with a
 * dependency that hangs it answers 503 by then, however many submits wait beside it.
 */
export const SUBMIT_DEADLINE_MS = DEPENDENCY_DEADLINE_MS;
/** What a submit keeps back from its deadline: the dependency waits end this much before it... */
const DEPENDENCY_RESERVE_MS = 1_000;
/** ...and the notes after a failed wait (the status says the enqueue is unconfirmed) this much before it, leaving time to answer on a busy event loop. */
const ANSWER_RESERVE_MS = 500;

export interface SubmitJobDeps {
  statuses: StatusStore;
  queue: JobQueue;
  /** Where a job submitted with a delay waits for its run_at instead of going to the queue (every host composes one). */
  delayed?: DelayedJobStore;
  idempotency: IdempotencyStore;
  topicTemplate: string;
  now: () => Date;
  newId: () => string;
  logger: Logger;
  /** How long submit waits for the queue to acknowledge a job's message before answering 503 (default: the dependency deadline). */
  publishTimeoutMs?: number;
  /**
   * How long a replay of an unconfirmed submission waits for the first request to confirm it
   * before publishing the job itself (default 1 s). The wait and the publish together stay
   * within the publish timeout, so a retry is answered as fast as a first submit. A first
   * request still publishing after the wait means a second copy of the record, which the worker
   * absorbs (a job whose result exists is not run again).
   */
  replayWaitMs?: number;
  /** JOB_TIMEOUT_DEFAULT_MS and JOB_TIMEOUT_MAX_MS (default: their defaults). */
  timeouts?: JobTimeoutSettings;
  /** The deployment's priority per job type (JOB_PRIORITY_OVERRIDES), over the job types' defaults. */
  priorities?: Readonly<Partial<Record<string, JobPriority>>>;
  /** How long an Idempotency-Key holds (default 24 h): as long as the status it answers with. */
  statusTtlSeconds?: number;
  events?: SubmitEvents;
  /**
   * Checks a job's `callback_url` (allowed hosts, no private addresses, after resolving its
   * host); undefined when this deployment sends no webhooks (WEBHOOK_SECRET unset), which
   * refuses every `callback_url`.
   */
  callbackTargets?: CallbackTargets;
}

/** What submit reports for metrics. */
export interface SubmitEvents {
  /** The queue did not confirm a job's message; submit answered 503 and left the job queued. */
  onEnqueueUnconfirmed?(jobType: string): void;
  /** A replay found its job's enqueue unconfirmed and published the same job again. */
  onRepublished?(jobType: string): void;
}

export interface SubmitJobInput {
  body: unknown;
  idempotencyKey?: string | null;
  /** A trace id to continue; a new one is made otherwise. */
  traceId?: string;
  /** Trace context for the job record; its traceparent must carry `traceId`. */
  trace?: JobTrace;
  /** When the answer is due (epoch ms; the request's start + SUBMIT_DEADLINE_MS): every wait on a dependency ends before it. */
  deadlineAt?: number;
  /** The schedule whose tick submits the job: carried on the message and the status. */
  scheduleId?: string;
}

export interface SubmittedJob {
  job_id: string;
  trace_id: string;
  job_type: JobMessage['job_type'];
  submitted_at: string;
  /** When a delayed job starts at the earliest; absent for a job that starts at once. */
  run_at?: string;
  /** True when an Idempotency-Key matched an earlier submission: the answer is that job. */
  replayed: boolean;
  /** True when that earlier submission's enqueue was unconfirmed and this request published it again. */
  republished: boolean;
}

/**
 * Accepts a job: validates it, claims the idempotency key, writes the initial status (queued, 0),
 * publishes the message and then marks the key enqueued.
 *
 * When the queue does not confirm the publish (it failed, or gave no answer in time) the message
 * may still have reached the broker, so nothing is undone: the status stays queued, the key
 * keeps naming the job, and the answer is a 503 with the job id. A later acknowledgement still
 * marks the key. A retry with the same key and body waits for that mark; when it does not come,
 * the retry publishes the same message again (same job_id, trace_id, submitted_at) and marks
 * the key itself. The worker absorbs a job published twice: it does not run a job whose result
 * exists, and results are one document per job_id.
 */
export async function submitJob(deps: SubmitJobDeps, input: SubmitJobInput): Promise<SubmittedJob> {
  const submission = parseSubmission(input.body, deps.timeouts, deps.priorities);
  const key = parseIdempotencyKey(input.idempotencyKey, input.scheduleId !== undefined);
  if (submission.callback_url !== undefined) await checkCallbackUrl(deps, submission.callback_url, input.deadlineAt);
  const message = jobMessage(submission, {
    job_id: deps.newId(),
    submitted_at: deps.now().toISOString(),
    trace_id: input.traceId ?? deps.newId(),
    ...(input.scheduleId ? { schedule_id: input.scheduleId } : {}),
  });
  const runAt = startTime(input.body, message.submitted_at);
  const log = deps.logger.child({
    job_id: message.job_id,
    trace_id: message.trace_id,
    ...(input.trace?.parentTraceparent ? { parent_traceparent: input.trace.parentTraceparent } : {}),
  });

  const budget = submitBudget(input.deadlineAt);
  if (key !== undefined) {
    const bodyHash = fingerprint(input.body);
    const claim = await guardDependency('idempotency store', () =>
      deps.idempotency.claim(
        key,
        {
          job_id: message.job_id,
          fingerprint: bodyHash,
          trace_id: message.trace_id,
          submitted_at: message.submitted_at,
        },
        deps.statusTtlSeconds ?? STATUS_TTL_SECONDS,
      ),
      budget(),
    );
    if (!claim.claimed) {
      if (claim.existing.fingerprint !== bodyHash) throw new IdempotencyConflictError();
      return replay(deps, key, claim.existing, submission, input, budget);
    }
  }

  await enqueue(deps, { message, runAt }, input.trace, key, log, budget);
  log.info({ job_type: message.job_type, ...(runAt ? { run_at: runAt } : {}) }, runAt ? 'delayed job accepted' : 'job accepted');
  return { ...answer(message, runAt), replayed: false, republished: false };
}

/**
 * Same key, same body: the original job. A job whose enqueue is not confirmed yet may still be
 * publishing in the first request, which is waited for; after that, it is published again.
 */
async function replay(
  deps: SubmitJobDeps,
  key: string,
  existing: StoredIdempotencyRecord,
  submission: Submission,
  input: SubmitJobInput,
  budget: SubmitBudget,
): Promise<SubmittedJob> {
  const message = jobMessage(submission, { ...existing, ...(input.scheduleId ? { schedule_id: input.scheduleId } : {}) });
  // Counted from the first submit, so a replay names the same start.
  const runAt = startTime(input.body, existing.submitted_at);
  const log = deps.logger.child({ job_id: message.job_id, trace_id: message.trace_id, request_trace_id: input.traceId });
  const started = Date.now();
  if (existing.enqueued || (await confirmedWithin(deps, key, message.job_id, budget))) {
    log.info({}, 'idempotent replay of an earlier submission');
    return { ...answer(message, runAt), replayed: true, republished: false };
  }
  log.warn({ job_type: message.job_type }, 'the enqueue of an earlier submission is unconfirmed; publishing the same job again');
  // What the wait used comes off the publish's own deadline: the whole retry answers in time.
  const publishTimeoutMs = Math.max(MIN_REPUBLISH_MS, (deps.publishTimeoutMs ?? DEPENDENCY_DEADLINE_MS) - (Date.now() - started));
  await enqueue({ ...deps, publishTimeoutMs }, { message, runAt }, replayTrace(message.trace_id, input), key, log, budget);
  deps.events?.onRepublished?.(message.job_type);
  log.info({ job_type: message.job_type }, 'job accepted again');
  return { ...answer(message, runAt), replayed: true, republished: true };
}

/** Polls the key until its job is marked enqueued (true) or the replay wait runs out (false). */
export async function confirmedWithin(deps: SubmitJobDeps, key: string, jobId: string, budget: SubmitBudget): Promise<boolean> {
  const waitMs = Math.min(deps.replayWaitMs ?? DEFAULT_REPLAY_WAIT_MS, budget());
  const until = Date.now() + waitMs;
  while (Date.now() < until) {
    await sleep(Math.min(REPLAY_POLL_MS, Math.max(0, until - Date.now())));
    const record = await guardDependency('idempotency store', () => deps.idempotency.get(key), budget());
    // Expired meanwhile (the TTL is the status's): nothing is left to confirm, so publish.
    if (record?.job_id !== jobId) return false;
    if (record.enqueued) return true;
  }
  return false;
}

/** A job to enqueue, and when it starts if it is delayed. */
interface Accepted {
  message: JobMessage;
  runAt: string | undefined;
}

/**
 * Status queued, publish, mark the key. Throws a 503 when the status cannot be written (nothing
 * was published) or when the queue does not confirm the message (it may have been). A delayed
 * job goes to the holding place instead of the queue, on the same terms: holding a job again is
 * harmless, as publishing it again is.
 */
async function enqueue(
  deps: SubmitJobDeps,
  { message, runAt }: Accepted,
  trace: JobTrace | undefined,
  key: string | undefined,
  log: Logger,
  budget: SubmitBudget,
): Promise<void> {
  try {
    await guardDependency('status store', () => deps.statuses.write(queuedStatus(message, runAt ? `queued; starts at ${runAt}` : 'queued', deps.now(), true, runAt)), budget());
  } catch (error) {
    // Nothing was published. With a key, a retry publishes this job; without one, nothing will.
    if (key === undefined) await markNeverEnqueued(deps, message, error, log, budget);
    throw error;
  }

  const record = encodeJobRecord(message, deps.topicTemplate, trace);
  const publishing = Promise.resolve().then(() =>
    runAt ? holdDelayed(deps, { job_id: message.job_id, run_at: runAt, record }) : deps.queue.publish(record),
  );
  try {
    await guardDependency(runAt ? 'delayed jobs store' : 'job queue', () => publishing, budget(DEPENDENCY_RESERVE_MS, deps.publishTimeoutMs ?? DEPENDENCY_DEADLINE_MS));
  } catch (error) {
    // The message may be on its way: a late acknowledgement still confirms it.
    publishing.then(
      () => {
        log.info({}, 'the job queue acknowledged the job after submit gave up waiting');
        if (key !== undefined) void markEnqueued(deps, key, message, log, submitBudget(undefined));
      },
      () => undefined,
    );
    await markUnconfirmed(deps, { message, runAt }, key, error, log, budget);
    throw new EnqueueUnconfirmedError(message.job_id, error instanceof Error ? error.message : String(error), { cause: error });
  }
  if (key !== undefined) await markEnqueued(deps, key, message, log, budget);
}

function holdDelayed(deps: SubmitJobDeps, job: HeldJob): Promise<void> {
  if (!deps.delayed) throw new Error('no holding place for delayed jobs is configured');
  return deps.delayed.hold(job);
}

/** A failed mark is logged, not thrown: the job is enqueued, and a replay would only publish it again. */
async function markEnqueued(deps: SubmitJobDeps, key: string, message: JobMessage, log: Logger, budget: SubmitBudget): Promise<void> {
  const marked = await bestEffort(
    log,
    'could not mark the idempotency key enqueued; a replay will publish the job again',
    'idempotency store',
    () => deps.idempotency.markEnqueued(key, message.job_id),
    budget(ANSWER_RESERVE_MS),
  );
  if (marked === false) log.warn({}, 'the idempotency key no longer names this job; not marked enqueued');
}

/** Leaves the job queued and says so; its outcome is not known, so nothing is marked failed. */
async function markUnconfirmed(deps: SubmitJobDeps, { message, runAt }: Accepted, key: string | undefined, error: unknown, log: Logger, budget: SubmitBudget): Promise<void> {
  log.error({ err: error, job_type: message.job_type }, 'the job queue did not confirm the job; its enqueue is unconfirmed');
  deps.events?.onEnqueueUnconfirmed?.(message.job_type);
  const text = key === undefined ? 'queued; enqueue unconfirmed' : 'queued; enqueue unconfirmed: retry the submit with the same Idempotency-Key';
  // A worker that already has the job moved the status on, and the store refuses this write.
  await bestEffort(
    log,
    'could not note the unconfirmed enqueue in the status',
    'status store',
    () => deps.statuses.write(queuedStatus(message, text, deps.now(), false, runAt)),
    budget(ANSWER_RESERVE_MS),
  );
}

/** Without a key, a job whose status could not be written is never published: it failed. */
async function markNeverEnqueued(deps: SubmitJobDeps, message: JobMessage, error: unknown, log: Logger, budget: SubmitBudget): Promise<void> {
  log.error({ err: error, job_type: message.job_type }, 'the initial status could not be written; the job is not enqueued');
  await bestEffort(log, 'could not mark the job failed', 'status store', () =>
    deps.statuses.write({
      job_id: message.job_id,
      state: 'failed',
      progress_percent: 0,
      message: 'could not be enqueued',
      updated_at: deps.now().toISOString(),
      error_code: 'ENQUEUE_FAILED',
      error_message: error instanceof Error ? error.message : String(error),
    }),
    budget(ANSWER_RESERVE_MS),
  );
}

/**
 * The status of a job waiting on the queue, or for its `runAt`; `listed` writes carry
 * submitted_at, which also lists the job, and its label.
 */
export function queuedStatus(message: JobMessage, text: string, updatedAt: Date, listed: boolean, runAt?: string): StatusWrite {
  return {
    job_id: message.job_id,
    state: 'queued',
    progress_percent: 0,
    message: text,
    updated_at: updatedAt.toISOString(),
    trace_id: message.trace_id,
    job_type: message.job_type,
    ...(runAt ? { run_at: runAt } : {}),
    // Every queued write, not only the listed one: the flag is what tells a status answer to read the outbox.
    ...(message.callback_url !== undefined ? { has_webhook: true } : {}),
    ...(listed
      ? {
          submitted_at: message.submitted_at,
          label: jobLabel(message.job_type, message.payload as never),
          milestones: { '0': message.submitted_at },
          ...(message.timeout_ms !== undefined ? { timeout_ms: message.timeout_ms } : {}),
          ...(message.schedule_id ? { schedule_id: message.schedule_id } : {}),
          ...(message.priority ? { priority: message.priority } : {}),
        }
      : {}),
  };
}

export function jobMessage(submission: Submission, ids: { job_id: string; trace_id: string; submitted_at: string; schedule_id?: string }): JobMessage {
  return {
    schema_version: SCHEMA_VERSION,
    job_id: ids.job_id,
    job_type: submission.job_type,
    submitted_at: ids.submitted_at,
    trace_id: ids.trace_id,
    timeout_ms: submission.timeout_ms,
    priority: submission.priority,
    ...(ids.schedule_id ? { schedule_id: ids.schedule_id } : {}),
    ...(submission.callback_url !== undefined ? { callback_url: submission.callback_url } : {}),
    payload: submission.payload,
  } as JobMessage;
}

function answer(message: JobMessage, runAt: string | undefined): Omit<SubmittedJob, 'replayed' | 'republished'> {
  return { job_id: message.job_id, trace_id: message.trace_id, job_type: message.job_type, submitted_at: message.submitted_at, ...(runAt ? { run_at: runAt } : {}) };
}

/**
 * The trace context of a job published again by a replay: the job keeps its own trace id, so the
 * traceparent names it, with this request's span as parent; this request's own traceparent is
 * kept beside it for correlation when its trace differs.
 */
function replayTrace(jobTraceId: string, input: SubmitJobInput): JobTrace | undefined {
  if (input.traceId === jobTraceId) return input.trace;
  const own = parseTraceparent(input.trace?.traceparent);
  if (!own) return undefined;
  return {
    traceparent: formatTraceparent({ traceId: uuidToTraceId(jobTraceId), parentId: own.parentId, flags: own.flags }),
    parentTraceparent: input.trace!.traceparent!,
  };
}

/** A call whose failure is logged, not thrown (its result, or undefined): the answer does not depend on it. */
export async function bestEffort<T>(log: Logger, failure: string, dependency: string, call: () => Promise<T>, deadlineMs: number): Promise<T | undefined> {
  try {
    return await guardDependency(dependency, call, deadlineMs);
  } catch (error) {
    log.warn({ err: error }, failure);
    return undefined;
  }
}

/**
 * How long a submit's next dependency call may wait: its own cap (the dependency deadline),
 * cut so that it ends `reserveMs` before the submit's deadline. At least 1 ms, so a spent
 * budget fails the call at once instead of skipping it.
 */
export interface SubmitBudget {
  (reserveMs?: number, capMs?: number): number;
}

export function submitBudget(deadlineAt: number | undefined): SubmitBudget {
  return (reserveMs = DEPENDENCY_RESERVE_MS, capMs = DEPENDENCY_DEADLINE_MS) =>
    deadlineAt === undefined ? capMs : Math.max(1, Math.min(capMs, deadlineAt - reserveMs - Date.now()));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A callback URL dtq may not call is a 400 naming `callback_url`, before anything is stored. */
async function checkCallbackUrl(deps: SubmitJobDeps, callbackUrl: string, deadlineAt: number | undefined): Promise<void> {
  if (!deps.callbackTargets) {
    throw new InvalidBodyError([{ field: 'callback_url', message: 'is not accepted: this deployment sends no webhooks (WEBHOOK_SECRET is not set)' }]);
  }
  const targets = deps.callbackTargets;
  const target = await guardDependency('DNS', () => targets.resolve(callbackUrl), submitBudget(deadlineAt)());
  if (!target.ok) throw new InvalidBodyError([{ field: 'callback_url', message: target.problem }]);
}

/** The Idempotency-Keys of schedule ticks begin with this; a client's may not, so none can take a tick's key first. */
export const TICK_KEY_PREFIX = 'schedule:';

export function parseIdempotencyKey(raw: string | null | undefined, forTick: boolean): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  const parsed = IdempotencyKeySchema.safeParse(raw);
  if (!parsed.success) throw new InvalidIdempotencyKeyError(parsed.error.issues[0]?.message ?? 'is invalid');
  if (!forTick && parsed.data.toLowerCase().startsWith(TICK_KEY_PREFIX)) {
    throw new InvalidIdempotencyKeyError(`must not begin with "${TICK_KEY_PREFIX}" (kept for the jobs of schedules)`);
  }
  return parsed.data;
}
