import type { JobStatus } from '../../contracts/index.js';
import type { StatusPageQuery } from '../../core/ports/index.js';

/**
 * Whether a status belongs in a listing: listed (it has its submission time) and matching each
 * filter given. The schedule filter is applied to the recent window as it is walked, so listing
 * one schedule's jobs reads every job's status in the window (at most the store's scan bound
 * per page).
 */
export function matchesStatusQuery(status: JobStatus, query: StatusPageQuery): boolean {
  return (
    status.submitted_at !== undefined &&
    (!query.state || status.state === query.state) &&
    (!query.job_type || status.job_type === query.job_type) &&
    (!query.schedule_id || status.schedule_id === query.schedule_id)
  );
}
