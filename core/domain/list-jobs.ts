import type { z } from 'zod';
import {
  JobPayloadSchemas,
  ListJobsQuerySchema,
  STATUS_TTL_SECONDS,
  decodeCursor,
  encodeCursor,
  type JobResultDocument,
  type JobStatus,
  type JobSummary,
  type ListJobsQuery,
  type ListJobsResponse,
} from '../../contracts/index.js';
import { InvalidQueryError } from '../errors/index.js';
import type { Logger, ResultPageQuery, ResultStore, StatusStore } from '../ports/index.js';
import { PARSE_OPTIONS, toFieldIssues } from './field-issues.js';
import { guardDependency } from './guard-dependency.js';
import { jobLabel } from './job-label.js';
import { jobLinks } from './job-links.js';
import { isSearch, searchStatuses } from './search-jobs.js';

export interface ListJobsDeps {
  statuses: StatusStore;
  results: ResultStore;
  now: () => Date;
  logger: Logger;
  /** How long statuses live (the status window); the stored results list what is older. */
  statusTtlSeconds?: number;
}

/**
 * Jobs newest first, filtered and paged, in two parts. First the status window (the last 24 h,
 * newest submission first), live. When it has no more pages and the filter allows finished jobs,
 * the last page's `next_cursor` continues into the stored results: jobs that completed before the
 * window began, newest completion first (a cursor marked `results`). The query comes as the
 * URL's name/value pairs, so a parameter given twice is refused rather than one copy ignored.
 */
export async function listJobs(deps: ListJobsDeps, queryPairs: Iterable<[string, string]>): Promise<ListJobsResponse> {
  const query = parseListQuery(queryPairs);
  const cursor = decodeCursor(query.cursor);
  // A search reads the status window alone (see searchStatuses): no page of it goes on into the results.
  if (isSearch(query)) {
    if (cursor?.source === 'results') return { items: [], next_cursor: null };
    const found = await searchStatuses(deps.statuses, query);
    return { items: found.items.flatMap((status) => statusSummary(status) ?? []), next_cursor: found.next_cursor };
  }
  if (cursor?.source === 'results') {
    const filter = resultFilter(query);
    return filter && query.cursor ? listHistory(deps, filter, query.limit, query.cursor) : { items: [], next_cursor: null };
  }
  const page = await guardDependency('status store', () =>
    deps.statuses.listRecent({
      limit: query.limit,
      ...(query.state ? { state: query.state } : {}),
      ...(query.job_type ? { job_type: query.job_type } : {}),
      ...(query.schedule_id ? { schedule_id: query.schedule_id } : {}),
      ...(query.cursor ? { cursor: query.cursor } : {}),
    }),
  );
  const items = page.items.flatMap((status) => {
    const summary = statusSummary(status);
    return summary ? [summary] : [];
  });
  if (page.next_cursor !== null) return { items, next_cursor: page.next_cursor };
  return continueIntoHistory(deps, query, items);
}

function parseListQuery(queryPairs: Iterable<[string, string]>): ListJobsQuery {
  return parseQueryPairs(ListJobsQuerySchema, queryPairs);
}

/** A query from the URL's name/value pairs: a parameter given twice is refused rather than one copy ignored. */
export function parseQueryPairs<T extends z.ZodType>(schema: T, queryPairs: Iterable<[string, string]>): z.infer<T> {
  const rawQuery: Record<string, string> = {};
  const repeated = new Set<string>();
  for (const [name, value] of queryPairs) {
    if (name in rawQuery) repeated.add(name);
    rawQuery[name] = value;
  }
  if (repeated.size > 0) throw new InvalidQueryError([...repeated].map((field) => ({ field, message: 'must be given once' })));
  const query = schema.safeParse(rawQuery, PARSE_OPTIONS);
  if (!query.success) throw new InvalidQueryError(toFieldIssues(query.error));
  return query.data;
}

type ResultFilter = Omit<ResultPageQuery, 'limit' | 'cursor'>;

/**
 * The results only hold finished jobs: a filter on queued or running ends with the window. They
 * do not keep the schedule either, so a schedule's jobs are listed from the window alone.
 */
function resultFilter(query: ListJobsQuery): ResultFilter | undefined {
  if (query.state === 'queued' || query.state === 'running' || query.schedule_id) return undefined;
  return { ...(query.state ? { final_state: query.state } : {}), ...(query.job_type ? { job_type: query.job_type } : {}) };
}

/**
 * The window's last page, filled up from the results part, which begins strictly before the
 * window's start (the empty id sorts before every job id). A result store that cannot be read
 * ends the listing with the window, and says so in the log.
 */
async function continueIntoHistory(deps: ListJobsDeps, query: ListJobsQuery, items: JobSummary[]): Promise<ListJobsResponse> {
  const filter = resultFilter(query);
  if (!filter) return { items, next_cursor: null };
  const windowStart = new Date(deps.now().getTime() - (deps.statusTtlSeconds ?? STATUS_TTL_SECONDS) * 1_000).toISOString();
  const start = encodeCursor({ at: windowStart, id: '', source: 'results' });
  const room = query.limit - items.length;
  try {
    if (room === 0) {
      const peek = await guardDependency('result store', () => deps.results.list({ ...filter, limit: 1, cursor: start }));
      return { items, next_cursor: peek.items.length > 0 ? start : null };
    }
    const history = await listHistory(deps, filter, room, start);
    return { items: [...items, ...history.items], next_cursor: history.next_cursor };
  } catch (error) {
    deps.logger.warn({ err: error }, 'the result store could not be read; the jobs list ends with the status window');
    return { items, next_cursor: null };
  }
}

/** A page of the results part; its cursor stays marked `results`. */
async function listHistory(deps: ListJobsDeps, filter: ResultFilter, limit: number, cursor: string): Promise<ListJobsResponse> {
  const page = await guardDependency('result store', () => deps.results.list({ ...filter, limit, cursor }));
  const next = decodeCursor(page.next_cursor ?? undefined);
  return { items: page.items.map(resultSummary), next_cursor: next ? encodeCursor({ ...next, source: 'results' }) : null };
}

function statusSummary(status: JobStatus): JobSummary | undefined {
  if (!status.job_id || !status.job_type || !status.submitted_at) return undefined;
  return {
    job_id: status.job_id,
    job_type: status.job_type,
    state: status.state,
    progress_percent: status.progress_percent,
    message: status.message,
    submitted_at: status.submitted_at,
    updated_at: status.updated_at,
    ...(status.label ? { label: status.label } : {}),
    ...(status.trace_id ? { trace_id: status.trace_id } : {}),
    ...(status.error_code ? { error_code: status.error_code } : {}),
    ...(status.error_message ? { error_message: status.error_message } : {}),
    ...(status.priority ? { priority: status.priority } : {}),
    ...jobLinks(status),
  };
}

/**
 * A job past the status window, from its result: the result keeps neither the submission time
 * nor the milestone a failed job stopped at, so `submitted_at` is when its run started and
 * `progress_percent` is 100 (its run is over; `state` says how it ended).
 */
function resultSummary(result: JobResultDocument): JobSummary {
  const input = JobPayloadSchemas[result.job_type].safeParse(result.input);
  return {
    job_id: result.job_id,
    job_type: result.job_type,
    state: result.final_state,
    progress_percent: 100,
    message: result.final_state,
    submitted_at: result.started_at,
    updated_at: result.completed_at,
    source: 'results',
    ...(input.success ? { label: jobLabel(result.job_type, input.data as never) } : {}),
    trace_id: result.trace_id,
    ...(result.error ? { error_code: result.error.code, error_message: result.error.message } : {}),
  };
}
