import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { TERMINAL_STATES, type JobState } from '../../../contracts/common.js';
import type { ListJobsResponse } from '../../../contracts/http-api.js';
import { getJobResult, getJobStatus, listJobs, type JobListFilters } from './api-client.js';
import type { JobStatusResponse } from '../../../contracts/http-api.js';

const PAGE_SIZE = 20;
/** How far back the detail view looks for a job's summary when no loaded list has it. */
const SUMMARY_LOOKUP_LIMIT = 100;
/** Reads of a finished job's result while it is not stored yet, RESULT_READ_MS apart. */
const RESULT_READS = 3;
const RESULT_READ_MS = 1_000;

export const jobKeys = {
  lists: ['jobs'] as const,
  /** One page of the list: the first without a cursor. */
  list: (filters: JobListFilters, cursor?: string) => ['jobs', filters, cursor ?? null] as const,
  status: (jobId: string) => ['job', jobId, 'status'] as const,
  result: (jobId: string) => ['job', jobId, 'result'] as const,
  summary: (jobId: string) => ['job', jobId, 'summary'] as const,
  submitted: (jobId: string) => ['job', jobId, 'submitted'] as const,
};

export const isTerminal = (state: JobState): boolean => TERMINAL_STATES.includes(state);

/**
 * One page of recent jobs, newest first, from a cursor (none: the newest). Kept live by the
 * app's event subscription (live-events.ts), not by polling.
 */
export function useJobsPage(filters: JobListFilters, cursor: string | undefined) {
  return useQuery({
    queryKey: jobKeys.list(filters, cursor),
    queryFn: () => listJobs(filters, { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) }),
    // The page before stays on screen while the next one loads.
    placeholderData: keepPreviousData,
  });
}

/** How long after a webhook attempt is due the job page reads its outcome. */
const WEBHOOK_FOLLOW_UP_MS = 1_000;

/**
 * When the job page reads the status again for its webhook section: deliveries are no job
 * events, so the page reads once just after the next attempt is due (once shortly after the
 * job ended, for the first attempt), never while there is no delivery under way.
 */
function webhookFollowUpMs(status: JobStatusResponse | undefined): number | false {
  const webhook = status?.webhook;
  if (!webhook || webhook.state !== 'pending') return false;
  const due = webhook.next_attempt_at ? Date.parse(webhook.next_attempt_at) - Date.now() : 0;
  return Math.max(due, 0) + WEBHOOK_FOLLOW_UP_MS;
}

/**
 * A job's status (over the progress RPC), read once; its changes come from the app's event
 * subscription (live-events.ts), which patches it in place.
 */
export function useJobStatus(jobId: string) {
  return useQuery({
    queryKey: jobKeys.status(jobId),
    queryFn: () => getJobStatus(jobId),
    refetchInterval: (query) => webhookFollowUpMs(query.state.data),
  });
}

/**
 * The durable result, asked for once the status is terminal (or gone): while a job runs the
 * API would only answer 404 RESULT_NOT_READY, which reads as null and is asked again.
 */
export function useJobResult(jobId: string, enabled: boolean) {
  return useQuery({
    queryKey: jobKeys.result(jobId),
    queryFn: () => getJobResult(jobId),
    enabled,
    staleTime: Infinity,
    // The final event may come a moment before the result is readable: a few reads, then the
    // next event (or the fallback refresh) asks again.
    refetchInterval: (query) => (query.state.data === null && query.state.dataUpdateCount < RESULT_READS ? RESULT_READ_MS : false),
  });
}

/** The job's listing entry (submitted time, type, trace id): from a loaded list, else one lookup. */
export function useJobSummary(jobId: string) {
  const client = useQueryClient();
  return useQuery({
    queryKey: jobKeys.summary(jobId),
    queryFn: async () => {
      const cached = client
        .getQueriesData<ListJobsResponse>({ queryKey: jobKeys.lists })
        .flatMap(([, data]) => data?.items ?? [])
        .find((job) => job.job_id === jobId);
      if (cached) return cached;
      const recent = await listJobs({}, { limit: SUMMARY_LOOKUP_LIMIT });
      return recent.items.find((job) => job.job_id === jobId) ?? null;
    },
    staleTime: Infinity,
  });
}

/** Jobs the matching count walks at most; past it the count says "more than". */
export const MATCHING_COUNT_LIMIT = 10_000;

/**
 * How many jobs of the status window match the filters, read by walking GET /v1/jobs (100 a
 * page) when asked for: the count a bulk action's confirmation states.
 */
export function useMatchingCount(filters: JobListFilters, enabled: boolean) {
  return useQuery({
    queryKey: ['jobs', filters, 'count'] as const,
    enabled,
    queryFn: async () => {
      let count = 0;
      let cursor: string | undefined;
      do {
        const page = await listJobs(filters, { limit: 100, ...(cursor ? { cursor } : {}) });
        count += page.items.filter((job) => job.source !== 'results').length;
        cursor = page.next_cursor ?? undefined;
        if (page.items.some((job) => job.source === 'results')) break;
      } while (cursor && count < MATCHING_COUNT_LIMIT);
      return { count, more: Boolean(cursor) && count >= MATCHING_COUNT_LIMIT };
    },
    staleTime: 0,
  });
}
