import { UuidV4Schema, type JobResultDocument, type JobResultResponse, type JobStatusResponse } from '../../contracts/index.js';
import { DependencyUnavailableError, InvalidJobIdError, JobNotFoundError, ResultNotReadyError } from '../errors/index.js';
import type { Logger, ProgressClient, ResultStore, StatusStore, WebhookOutbox } from '../ports/index.js';
import { guardDependency } from './guard-dependency.js';
import { jobLinks } from './job-links.js';
import { withWebhook } from './webhook-deliveries.js';

/** A job id as dtq writes them, lower case: an upper-case spelling finds the same job. */
export function parseJobId(raw: string | undefined): string {
  const parsed = UuidV4Schema.safeParse(raw);
  if (!parsed.success) throw new InvalidJobIdError(raw ?? '');
  return parsed.data.toLowerCase();
}

/**
 * A job's status, asked of the worker over the progress RPC. When the status store does not know
 * the job (past its 24 h window, or a Redis that lost its data), a finished job still has its
 * durable result, and the status is answered from that; only a job with neither is unknown.
 *
 * The job's webhook delivery is read from the outbox only for a job that has one: the reply says
 * so (`has_webhook`, from the status written at submit). A status answered from the result has
 * lost that flag with the status, and reads the outbox too: that path is in MongoDB already, and
 * taken only for jobs past their status window.
 */
export async function getJobStatus(
  deps: { progress: ProgressClient; results: ResultStore; webhooks?: WebhookOutbox; logger: Logger },
  rawJobId: string | undefined,
  options: { timeoutMs: number; resultUrl: (jobId: string) => string },
): Promise<JobStatusResponse> {
  const jobId = parseJobId(rawJobId);
  // The RPC has its own timeout (504); the guard only catches a client that hangs past it.
  const reply = await guardDependency('progress RPC', () => deps.progress.request(jobId, { timeoutMs: options.timeoutMs }), options.timeoutMs + 1_000);
  if ('error' in reply) {
    if (reply.error.code !== 'JOB_NOT_FOUND') throw new DependencyUnavailableError('status store', reply.error.message);
    const result = await guardDependency('result store', () => deps.results.get(jobId));
    if (!result) throw new JobNotFoundError(jobId);
    return withWebhook(deps.webhooks, statusFromResult(result, options.resultUrl(jobId)), deps.logger);
  }
  const terminal = reply.state === 'completed' || reply.state === 'failed';
  const status: JobStatusResponse = {
    job_id: reply.job_id,
    state: reply.state,
    progress_percent: reply.progress_percent,
    message: reply.message,
    updated_at: reply.updated_at ?? reply.timestamp,
    ...(reply.error_code ? { error_code: reply.error_code } : {}),
    ...(reply.error_message ? { error_message: reply.error_message } : {}),
    ...(reply.milestones ? { milestones: reply.milestones } : {}),
    ...(reply.timeout_ms !== undefined ? { timeout_ms: reply.timeout_ms } : {}),
    ...(reply.priority ? { priority: reply.priority } : {}),
    ...(terminal ? { result_url: options.resultUrl(jobId) } : {}),
    ...jobLinks(reply),
  };
  return reply.has_webhook ? withWebhook(deps.webhooks, status, deps.logger) : status;
}

/**
 * A finished job's status from its result, as the job list's results part shows it: the result
 * keeps neither the milestone times nor the milestone a failed job stopped at, so
 * `progress_percent` is 100 (its run is over; `state` says how it ended).
 */
function statusFromResult(result: JobResultDocument, resultUrl: string): JobStatusResponse {
  return {
    job_id: result.job_id,
    state: result.final_state,
    progress_percent: 100,
    message: result.final_state,
    updated_at: result.completed_at,
    ...(result.error ? { error_code: result.error.code, error_message: result.error.message } : {}),
    result_url: resultUrl,
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
    const { retry_of, retries, retries_omitted } = jobLinks(linked ?? {});
    return { ...result, ...(retry_of ? { retry_of } : {}), ...(retries ? { retries } : {}), ...(retries_omitted ? { retries_omitted } : {}) };
  }
  const status = await guardDependency('status store', () => deps.statuses.get(jobId));
  if (status) throw new ResultNotReadyError(jobId, status.state);
  throw new JobNotFoundError(jobId);
}
