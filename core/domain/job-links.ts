import { MAX_LISTED_RETRIES, type JobStatus } from '../../contracts/index.js';

export type JobLinks = Pick<JobStatus, 'cancel_requested_at' | 'retry_of' | 'retries' | 'schedule_id' | 'run_at'> & {
  /** How many older retries `retries` leaves out. */
  retries_omitted?: number;
};

/**
 * The cancel request, retry links and the schedule that made the job, as a status carries them, only those that are set. A job retried
 * thousands of times must not answer with thousands of ids: the newest MAX_LISTED_RETRIES are
 * listed and the rest counted (adding to what an earlier cut, e.g. the worker's reply, counted).
 */
export function jobLinks(status: JobLinks): JobLinks {
  const retries = status.retries ?? [];
  const omitted = (status.retries_omitted ?? 0) + Math.max(0, retries.length - MAX_LISTED_RETRIES);
  return {
    ...(status.cancel_requested_at ? { cancel_requested_at: status.cancel_requested_at } : {}),
    ...(status.run_at ? { run_at: status.run_at } : {}),
    ...(status.retry_of ? { retry_of: status.retry_of } : {}),
    ...(status.schedule_id ? { schedule_id: status.schedule_id } : {}),
    ...(retries.length > 0 ? { retries: retries.slice(-MAX_LISTED_RETRIES) } : {}),
    ...(omitted > 0 ? { retries_omitted: omitted } : {}),
  };
}
