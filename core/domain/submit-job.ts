import {
  IdempotencyKeySchema,
  SCHEMA_VERSION,
  STATUS_TTL_SECONDS,
  type JobMessage,
} from '../../contracts/index.js';
import { IdempotencyConflictError, InvalidIdempotencyKeyError } from '../errors/index.js';
import type { IdempotencyStore, JobQueue, Logger, StatusStore } from '../ports/index.js';
import { fingerprint } from './fingerprint.js';
import { guardDependency } from './guard-dependency.js';
import { encodeJobRecord, type JobTrace } from './job-records.js';
import { parseSubmission } from './parse-submission.js';

export interface SubmitJobDeps {
  statuses: StatusStore;
  queue: JobQueue;
  idempotency: IdempotencyStore;
  topicTemplate: string;
  now: () => Date;
  newId: () => string;
  logger: Logger;
}

export interface SubmitJobInput {
  body: unknown;
  idempotencyKey?: string | null;
  /** A trace id to continue; a new one is made otherwise. */
  traceId?: string;
  /** Trace context for the job record; its traceparent must carry `traceId`. */
  trace?: JobTrace;
}

export interface SubmittedJob {
  job_id: string;
  trace_id: string;
  job_type: JobMessage['job_type'];
  submitted_at: string;
  /** True when an Idempotency-Key matched an earlier submission and nothing new was enqueued. */
  replayed: boolean;
}

/**
 * Accepts a job: validates it, claims the idempotency key, writes the initial status (queued, 0)
 * and only then publishes the message. A job that could not be enqueued is marked failed and
 * its idempotency key released, so a retry can succeed.
 */
export async function submitJob(deps: SubmitJobDeps, input: SubmitJobInput): Promise<SubmittedJob> {
  const submission = parseSubmission(input.body);
  const key = parseIdempotencyKey(input.idempotencyKey);
  const message: JobMessage = {
    schema_version: SCHEMA_VERSION,
    job_id: deps.newId(),
    job_type: submission.job_type,
    submitted_at: deps.now().toISOString(),
    trace_id: input.traceId ?? deps.newId(),
    payload: submission.payload,
  } as JobMessage;
  const log = deps.logger.child({
    job_id: message.job_id,
    trace_id: message.trace_id,
    ...(input.trace?.parentTraceparent ? { parent_traceparent: input.trace.parentTraceparent } : {}),
  });

  if (key !== undefined) {
    const bodyHash = fingerprint(input.body);
    const claim = await guardDependency('idempotency store', () =>
      deps.idempotency.claim(
        key,
        {
          job_id: message.job_id,
          fingerprint: bodyHash,
          trace_id: message.trace_id,
          job_type: message.job_type,
          submitted_at: message.submitted_at,
        },
        STATUS_TTL_SECONDS,
      ),
    );
    if (!claim.claimed) {
      if (claim.existing.fingerprint !== bodyHash) throw new IdempotencyConflictError(claim.existing.job_id);
      log.info({ original_job_id: claim.existing.job_id }, 'idempotent replay of an earlier submission');
      return {
        job_id: claim.existing.job_id,
        trace_id: claim.existing.trace_id,
        job_type: claim.existing.job_type as JobMessage['job_type'],
        submitted_at: claim.existing.submitted_at,
        replayed: true,
      };
    }
  }

  try {
    await guardDependency('status store', () =>
      deps.statuses.write({
        job_id: message.job_id,
        state: 'queued',
        progress_percent: 0,
        message: 'queued',
        updated_at: message.submitted_at,
        trace_id: message.trace_id,
        job_type: message.job_type,
        submitted_at: message.submitted_at,
      }),
    );
    await guardDependency('job queue', () => deps.queue.publish(encodeJobRecord(message, deps.topicTemplate, input.trace)));
  } catch (error) {
    await markNotEnqueued(deps, message, key, error, log);
    throw error;
  }
  log.info({ job_type: message.job_type }, 'job accepted');
  return {
    job_id: message.job_id,
    trace_id: message.trace_id,
    job_type: message.job_type,
    submitted_at: message.submitted_at,
    replayed: false,
  };
}

async function markNotEnqueued(
  deps: SubmitJobDeps,
  message: JobMessage,
  key: string | undefined,
  error: unknown,
  log: Logger,
): Promise<void> {
  log.error({ err: error }, 'job could not be enqueued');
  const cleanups = [
    deps.statuses.write({
      job_id: message.job_id,
      state: 'failed',
      progress_percent: 0,
      message: 'could not be enqueued',
      updated_at: deps.now().toISOString(),
      error_code: 'ENQUEUE_FAILED',
      error_message: error instanceof Error ? error.message : String(error),
    }),
    key === undefined ? Promise.resolve() : deps.idempotency.release(key, message.job_id),
  ];
  for (const result of await Promise.allSettled(cleanups)) {
    if (result.status === 'rejected') log.warn({ err: result.reason }, 'cleanup after failed enqueue failed');
  }
}

function parseIdempotencyKey(raw: string | null | undefined): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  const parsed = IdempotencyKeySchema.safeParse(raw);
  if (!parsed.success) throw new InvalidIdempotencyKeyError(parsed.error.issues[0]?.message ?? 'is invalid');
  return parsed.data;
}
