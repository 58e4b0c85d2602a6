import {
  ListJobsQuerySchema,
  UuidV4Schema,
  type JobResultResponse,
  type JobStatusResponse,
  type ListJobsResponse,
} from '../../contracts/index.js';
import {
  DependencyUnavailableError,
  InvalidJobIdError,
  InvalidQueryError,
  JobNotFoundError,
  ResultNotReadyError,
} from '../errors/index.js';
import type { ProgressClient, ResultStore, StatusStore } from '../ports/index.js';
import { PARSE_OPTIONS, toFieldIssues } from './field-issues.js';
import { guardDependency } from './guard-dependency.js';
import { jobLinks } from './job-links.js';

/** A job id as dtq writes them, lower case: an upper-case spelling finds the same job. */
export function parseJobId(raw: string | undefined): string {
  const parsed = UuidV4Schema.safeParse(raw);
  if (!parsed.success) throw new InvalidJobIdError(raw ?? '');
  return parsed.data.toLowerCase();
}

/** A job's live status, asked of the worker over the progress RPC. */
export async function getJobStatus(
  progress: ProgressClient,
  rawJobId: string | undefined,
  options: { timeoutMs: number; resultUrl: (jobId: string) => string },
): Promise<JobStatusResponse> {
  const jobId = parseJobId(rawJobId);
  // The RPC has its own timeout (504); the guard only catches a client that hangs past it.
  const reply = await guardDependency('progress RPC', () => progress.request(jobId, { timeoutMs: options.timeoutMs }), options.timeoutMs + 1_000);
  if ('error' in reply) {
    if (reply.error.code === 'JOB_NOT_FOUND') throw new JobNotFoundError(jobId);
    throw new DependencyUnavailableError('status store', reply.error.message);
  }
  const terminal = reply.state === 'completed' || reply.state === 'failed';
  return {
    job_id: reply.job_id,
    state: reply.state,
    progress_percent: reply.progress_percent,
    message: reply.message,
    updated_at: reply.updated_at ?? reply.timestamp,
    ...(reply.error_code ? { error_code: reply.error_code } : {}),
    ...(reply.error_message ? { error_message: reply.error_message } : {}),
    ...(reply.milestones ? { milestones: reply.milestones } : {}),
    ...(terminal ? { result_url: options.resultUrl(jobId) } : {}),
    ...jobLinks(reply),
  };
}

/** How long a result waits for its retry links before answering without them. */
const LINKS_DEADLINE_MS = 1_000;

/**
 * The durable result, with the job's retry links from its status; a known job without one yet is
 * told apart from an unknown job.
 */
export async function getJobResult(
  deps: { results: ResultStore; statuses: StatusStore },
  rawJobId: string | undefined,
): Promise<JobResultResponse> {
  const jobId = parseJobId(rawJobId);
  const result = await guardDependency('result store', () => deps.results.get(jobId));
  if (result) {
    // The links are extras: a status store that is away, or slow, leaves them out.
    const linked = await guardDependency('status store', () => deps.statuses.get(jobId), LINKS_DEADLINE_MS).catch(() => null);
    const { retry_of, retries } = jobLinks(linked ?? {});
    return { ...result, ...(retry_of ? { retry_of } : {}), ...(retries ? { retries } : {}) };
  }
  const status = await guardDependency('status store', () => deps.statuses.get(jobId));
  if (status) throw new ResultNotReadyError(jobId, status.state);
  throw new JobNotFoundError(jobId);
}

/**
 * Recent jobs (the status TTL window), newest first, filtered and paged. The query comes as the
 * URL's name/value pairs, so a parameter given twice is refused rather than one copy ignored.
 */
export async function listJobs(statuses: StatusStore, queryPairs: Iterable<[string, string]>): Promise<ListJobsResponse> {
  const rawQuery: Record<string, string> = {};
  const repeated = new Set<string>();
  for (const [name, value] of queryPairs) {
    if (name in rawQuery) repeated.add(name);
    rawQuery[name] = value;
  }
  if (repeated.size > 0) throw new InvalidQueryError([...repeated].map((field) => ({ field, message: 'must be given once' })));
  const query = ListJobsQuerySchema.safeParse(rawQuery, PARSE_OPTIONS);
  if (!query.success) throw new InvalidQueryError(toFieldIssues(query.error));
  const page = await guardDependency('status store', () =>
    statuses.listRecent({
      limit: query.data.limit,
      ...(query.data.state ? { state: query.data.state } : {}),
      ...(query.data.job_type ? { job_type: query.data.job_type } : {}),
      ...(query.data.cursor ? { cursor: query.data.cursor } : {}),
    }),
  );
  const items = page.items.flatMap((status) =>
    status.job_id && status.job_type && status.submitted_at
      ? [
          {
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
            ...jobLinks(status),
          },
        ]
      : [],
  );
  return { items, next_cursor: page.next_cursor };
}
