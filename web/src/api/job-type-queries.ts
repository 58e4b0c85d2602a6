import { useQuery } from '@tanstack/react-query';
import { listJobTypes } from './api-client.js';

/** Job types change with a deployment, not while a page is open: asked again after this long at most. */
const JOB_TYPES_STALE_MS = 10 * 60_000;

export const jobTypeKeys = { all: ['job-types'] as const };

/** The job types the API runs, in its order, each with its payload JSON Schema and example. */
export function useJobTypes() {
  return useQuery({ queryKey: jobTypeKeys.all, queryFn: listJobTypes, staleTime: JOB_TYPES_STALE_MS });
}
