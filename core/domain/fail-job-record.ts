import { SCHEMA_VERSION, type JobMessage, type JobResultDocument } from '../../contracts/index.js';
import { DependencyUnavailableError } from '../errors/index.js';
import type { DeliveredRecord, HandlerFailure, Logger, ResultStore, StatusStore } from '../ports/index.js';
import { decodeJobRecord, recordLogFields } from './job-records.js';
import { saveResult } from './save-result.js';

/** The error code of a job whose record the worker gave up on after its handler's last attempt. */
export const PROCESSING_FAILED = 'PROCESSING_FAILED';

export interface FailJobRecordDeps {
  statuses: StatusStore;
  results: ResultStore;
  now: () => Date;
  logger: Logger;
  /** As ExecuteJobDeps.onJobEnded: the job's webhook, before its record is dead-lettered. */
  onJobEnded?(message: JobMessage, result: JobResultDocument): Promise<void>;
}

/**
 * Ends the job of a record whose handler failed every attempt (the queue dead-letters the record
 * next): a result document with `final_state: failed` and error `PROCESSING_FAILED` (in dtq's
 * words; the failure is logged), then a `failed` status with the same `error_code` and
 * `error_message`. A job that already has a result keeps it, and its status follows that
 * result. A record that is no job message has no job to end. A store that is unavailable
 * rejects (DependencyUnavailableError), so the queue waits and asks again; another failure of
 * the result store is logged and the status is still written.
 */
export async function failJobRecord(deps: FailJobRecordDeps, record: DeliveredRecord, failure: HandlerFailure): Promise<void> {
  const decoded = decodeJobRecord(record);
  if (!decoded.ok) return;
  const message = decoded.message;
  const log = deps.logger.child(recordLogFields(record));
  const at = deps.now().toISOString();
  const failed: JobResultDocument = {
    schema_version: SCHEMA_VERSION,
    job_id: message.job_id,
    job_type: message.job_type,
    input: message.payload as Record<string, unknown>,
    output: null,
    final_state: 'failed',
    started_at: at,
    completed_at: at,
    // Clients read this; the failure itself (a store's or a driver's words) is in the logs.
    error: { code: PROCESSING_FAILED, message: `the worker could not process this job (${failure.attempts} attempts); its trace id identifies the cause in the worker's logs` },
    trace_id: message.trace_id,
  };
  let stored = failed;
  try {
    const { inserted, saved } = await saveResult(deps.results, failed, log);
    stored = inserted ? saved : ((await deps.results.get(message.job_id)) ?? saved);
  } catch (error) {
    if (error instanceof DependencyUnavailableError) throw error;
    log.error({ err: error }, 'could not store the failed result of a job given up on; writing its failed status');
  }
  const current = await deps.statuses.get(message.job_id);
  const completed = stored.final_state === 'completed';
  await deps.statuses.write({
    job_id: message.job_id,
    trace_id: message.trace_id,
    job_type: message.job_type,
    submitted_at: message.submitted_at,
    state: stored.final_state,
    // Progress never moves back: a failed job keeps the milestone it had reached.
    progress_percent: completed ? 100 : (current?.progress_percent ?? 0),
    message: completed ? 'completed' : 'failed',
    updated_at: deps.now().toISOString(),
    ...(stored.error ? { error_code: stored.error.code, error_message: stored.error.message } : {}),
  });
  await deps.onJobEnded?.(message, stored);
  log.warn({ err: failure.error, attempts: failure.attempts, final_state: stored.final_state, error_code: stored.error?.code }, 'job given up on after its last attempt');
}
