import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef } from 'react';
import { cancelJob, retryJob } from './api-client.js';
import { newIdempotencyKey } from './idempotency-key.js';
import { jobKeys } from './job-queries.js';

/** Cancels the job, then reads its status again at once so the change shows without waiting for a poll. */
export function useCancelJob(jobId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => cancelJob(jobId),
    onSettled: () => {
      void client.invalidateQueries({ queryKey: jobKeys.status(jobId) });
      void client.invalidateQueries({ queryKey: jobKeys.lists });
    },
  });
}

/** Retries the failed job. One key per page visit: a second click names the same new job. */
export function useRetryJob(jobId: string) {
  const client = useQueryClient();
  const key = useRef(newIdempotencyKey());
  return useMutation({
    mutationFn: () => retryJob(jobId, key.current),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: jobKeys.status(jobId) });
      void client.invalidateQueries({ queryKey: jobKeys.lists });
    },
  });
}
