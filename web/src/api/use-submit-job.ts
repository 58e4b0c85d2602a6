import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useRef } from 'react';
import type { JobSummary, ListJobsResponse } from '../../../contracts/http-api.js';
import { JobTypeSchema } from '../../../contracts/job-types.js';
import type { JobPriority } from '../../../contracts/job-priority.js';
import { submitJob, type JobListFilters, type SubmittedJobResponse } from './api-client.js';
import { NetworkError } from './api-errors.js';
import { newIdempotencyKey } from './idempotency-key.js';
import { jobKeys } from './job-queries.js';

/** A job to submit: of any type the API lists, the bundle's or not. */
export interface Submission {
  job_type: string;
  payload: Record<string, unknown>;
  /** Unset: the job type's default. */
  priority?: JobPriority;
}

/** What the browser remembers of a job it submitted: the input, before any result exists. */
export interface SubmittedJob extends Submission {
  response: SubmittedJobResponse;
}

/**
 * Submits a job. A retry after a network failure reuses the Idempotency-Key, so a request that
 * did reach the API is not enqueued twice. The new job is put at the top of the loaded first pages at once.
 */
export function useSubmitJob() {
  const client = useQueryClient();
  const lastAttempt = useRef<{ body: string; key: string; failedInTransit: boolean } | null>(null);

  return useMutation({
    mutationFn: async (submission: Submission) => {
      const body = JSON.stringify(submission);
      const previous = lastAttempt.current;
      const key = previous?.failedInTransit && previous.body === body ? previous.key : newIdempotencyKey();
      lastAttempt.current = { body, key, failedInTransit: false };
      try {
        return await submitJob(submission, key);
      } catch (error) {
        if (error instanceof NetworkError) lastAttempt.current = { body, key, failedInTransit: true };
        throw error;
      }
    },
    onSuccess: (response, submission) => {
      client.setQueryData<SubmittedJob>(jobKeys.submitted(response.job_id), { ...submission, response });
      const jobType = JobTypeSchema.safeParse(response.job_type);
      // The loaded pages hold only types this bundle knows; another type shows once the list reloads.
      if (!jobType.success) {
        void client.invalidateQueries({ queryKey: jobKeys.lists });
        return;
      }
      const summary: JobSummary = {
        job_id: response.job_id,
        job_type: jobType.data,
        state: response.state,
        progress_percent: 0,
        message: response.state,
        submitted_at: response.submitted_at,
        updated_at: response.submitted_at,
        trace_id: response.trace_id,
      };
      for (const [key] of client.getQueriesData({ queryKey: jobKeys.lists })) {
        if (matches(key, summary)) client.setQueryData<ListJobsResponse>(key, (data) => prepend(data, summary));
      }
      void client.invalidateQueries({ queryKey: jobKeys.lists });
    },
  });
}

/** A first page (no cursor) whose filters the job passes. */
function matches(key: QueryKey, job: JobSummary): boolean {
  const filters = (key[1] ?? {}) as JobListFilters;
  return key[2] === null && (!filters.state || filters.state === job.state) && (!filters.job_type || filters.job_type === job.job_type);
}

function prepend(data: ListJobsResponse | undefined, job: JobSummary): ListJobsResponse | undefined {
  if (!data || data.items.some((item) => item.job_id === job.job_id)) return data;
  return { ...data, items: [job, ...data.items] };
}
