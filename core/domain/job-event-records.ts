import { isFinalState, type JobEvent, type JobResultDocument } from '../../contracts/index.js';
import type { AppliedStatus, CancelOutcome, CancelRequest, JobEvents, Logger, StatusStore, StatusWrite, StatusWriteOptions, StatusWriteOutcome } from '../ports/index.js';

/** Where a finished job's result is read, as every answer links it. */
export const resultUrlOf = (jobId: string): string => `/v1/jobs/${jobId}/result`;

/** A job's status as an event: the final one carries its error or its result's link. */
export function jobEventOf(status: AppliedStatus): JobEvent {
  const final = isFinalState(status.state);
  return {
    job_id: status.job_id,
    state: status.state,
    progress_percent: status.progress_percent,
    message: status.message,
    updated_at: status.updated_at,
    ...(status.job_type ? { job_type: status.job_type } : {}),
    ...(status.schedule_id ? { schedule_id: status.schedule_id } : {}),
    ...(final && status.state === 'failed' ? { error: { code: status.error_code ?? 'FAILED', message: status.error_message ?? status.message } } : {}),
    ...(final && status.state === 'completed' ? { result_url: resultUrlOf(status.job_id) } : {}),
  };
}

/** A finished job's final event from its durable result, when its status has expired. */
export function jobEventOfResult(result: JobResultDocument): JobEvent {
  return jobEventOf({
    job_id: result.job_id,
    state: result.final_state,
    progress_percent: 100,
    message: result.final_state,
    updated_at: result.completed_at,
    job_type: result.job_type,
    ...(result.error ? { error_code: result.error.code, error_message: result.error.message } : {}),
  });
}

export interface JobEventRecordingOptions {
  events: JobEvents;
  logger: Logger;
  /** Called when an applied write's event could not be logged (the status is written all the same). */
  onAppendFailed?: () => void;
}

/**
 * The status store every process uses, with each applied change also appended to the job's
 * event log: the worker's milestones, the API's queued writes and a cancel that ends a queued
 * job. The event is built from the status as the write left it, which the store answers with
 * the write itself (it carries `job_type` and `schedule_id`, which a milestone write does not
 * repeat). A job's first write (queued) returns once its event is appended, beside the store's
 * own follow-up writes, so the event is logged before the job is published. A later write (the
 * worker's milestones) returns once the status is written: its event follows in the background,
 * after that job's earlier events, so a job's run waits on one round trip per milestone, not two.
 * A failed append fails nothing: the status is the truth, and an open stream re-reads it (see
 * the event streams). Closing waits for the appends still on their way.
 */
export function recordingJobEvents(store: StatusStore, options: JobEventRecordingOptions): StatusStore {
  const record = async (jobId: string, stored?: AppliedStatus): Promise<void> => {
    try {
      const status = stored ?? (await store.get(jobId));
      if (!status) return;
      await options.events.append(jobEventOf({ ...status, job_id: jobId }));
    } catch (error) {
      options.onAppendFailed?.();
      options.logger.warn({ err: error, job_id: jobId }, 'job event not logged; open streams catch up from the status');
    }
  };
  /** The last append on its way per job: the job's next event is appended after it. */
  const appending = new Map<string, Promise<void>>();
  const recordInOrder = (jobId: string, stored: AppliedStatus): Promise<void> => {
    const previous = appending.get(jobId);
    const next = previous ? previous.then(() => record(jobId, stored)) : record(jobId, stored);
    appending.set(jobId, next);
    void next.then(() => {
      if (appending.get(jobId) === next) appending.delete(jobId);
    });
    return next;
  };
  return {
    write: (write: StatusWrite, writeOptions?: StatusWriteOptions): Promise<StatusWriteOutcome> =>
      store.write(write, {
        onApplied: async (stored) => {
          const appended = recordInOrder(write.job_id, stored);
          if (write.state === 'queued') await appended;
          await writeOptions?.onApplied?.(stored);
        },
      }),
    async requestCancel(jobId: string, request: CancelRequest): Promise<CancelOutcome> {
      const outcome = await store.requestCancel(jobId, request);
      if (outcome.previous === 'queued') await record(jobId);
      return outcome;
    },
    get: (jobId) => store.get(jobId),
    getProgress: (jobId) => store.getProgress(jobId),
    listRecent: (query) => store.listRecent(query),
    linkRetry: (link) => store.linkRetry(link),
    close: async () => {
      await Promise.all(appending.values());
      await store.close();
    },
  };
}
