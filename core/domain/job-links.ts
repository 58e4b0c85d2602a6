import type { JobStatus } from '../../contracts/index.js';

export type JobLinks = Pick<JobStatus, 'cancel_requested_at' | 'retry_of' | 'retries'>;

/** The cancel request and retry links a status carries, only those that are set. */
export function jobLinks(status: JobLinks): JobLinks {
  return {
    ...(status.cancel_requested_at ? { cancel_requested_at: status.cancel_requested_at } : {}),
    ...(status.retry_of ? { retry_of: status.retry_of } : {}),
    ...(status.retries && status.retries.length > 0 ? { retries: [...status.retries] } : {}),
  };
}
