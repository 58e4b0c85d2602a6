import type { JobState } from '../../../contracts/common.js';
import { CANCEL_TOO_LATE_AT_PERCENT } from '../../../contracts/http-api.js';
import { useCancelJob, useRetryJob } from '../api/use-job-actions.js';
import { jobPath, navigate } from '../router.js';
import { ErrorNotice } from './ErrorNotice.js';

/**
 * Cancel while the job is queued or running before its last milestone check (past it the API
 * answers 409: too late); Retry (as a new job, opened at once) once it failed.
 */
export function JobActions({ jobId, state, progress }: { jobId: string; state: JobState; progress: number }) {
  const cancel = useCancelJob(jobId);
  const retry = useRetryJob(jobId);
  const cancellable = state === 'queued' || (state === 'running' && progress < CANCEL_TOO_LATE_AT_PERCENT);
  const retryable = state === 'failed';
  if (!cancellable && !retryable) return null;
  return (
    <div className="job-actions">
      {cancellable && (
        <button type="button" className="button-danger" disabled={cancel.isPending || cancel.isSuccess} onClick={() => cancel.mutate()}>
          {cancel.isPending ? 'Cancelling…' : cancel.isSuccess ? 'Cancel requested' : 'Cancel job'}
        </button>
      )}
      {retryable && (
        <button
          type="button"
          disabled={retry.isPending}
          onClick={() => retry.mutate(undefined, { onSuccess: (job) => navigate(jobPath(job.job_id)) })}
        >
          {retry.isPending ? 'Retrying…' : 'Retry as a new job'}
        </button>
      )}
      {cancel.isError && <ErrorNotice error={cancel.error} context="The job could not be cancelled" />}
      {retry.isError && <ErrorNotice error={retry.error} context="The job could not be retried" />}
    </div>
  );
}
