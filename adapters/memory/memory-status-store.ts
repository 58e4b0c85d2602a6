import { STATUS_TTL_SECONDS, type JobStatus } from '../../contracts/index.js';
import {
  isForwardTransition,
  type AppliedStatus,
  type CancelOutcome,
  type CancelRequest,
  type StatusPage,
  type StatusPageQuery,
  type StatusProgress,
  type StatusStore,
  type StatusWrite,
  type StatusWriteOptions,
  type StatusWriteOutcome,
} from '../../core/ports/index.js';
import { ExpiringMap } from './expiring-map.js';
import { compareNewestFirst, takePage } from '../shared/page-cursor.js';
import { matchesStatusQuery } from '../shared/status-filter.js';

/** Status store in process memory, with the same TTL and forward-only rule as Redis. */
export class MemoryStatusStore implements StatusStore {
  private readonly statuses: ExpiringMap<string, JobStatus>;
  private readonly ttlSeconds: number;

  constructor(options: { ttlSeconds?: number; now?: () => number } = {}) {
    this.ttlSeconds = options.ttlSeconds ?? STATUS_TTL_SECONDS;
    this.statuses = new ExpiringMap(options.now);
  }

  async write(write: StatusWrite, options: StatusWriteOptions = {}): Promise<StatusWriteOutcome> {
    const current = this.statuses.get(write.job_id) ?? null;
    const cancelRequested = current?.cancel_requested_at !== undefined;
    if (!isForwardTransition(current, write) || (cancelRequested && write.unlessCancelRequested)) return { applied: false, cancelRequested };
    const { unlessCancelRequested: _condition, ...fields } = write;
    const next: JobStatus = { ...current, ...definedFields(fields) } as JobStatus;
    // Each milestone's time is a field of its own, as in the Redis hash.
    if (write.milestones) next.milestones = { ...current?.milestones, ...definedFields(write.milestones) };
    this.statuses.set(write.job_id, next, this.ttlSeconds);
    if (options.onApplied) await options.onApplied(appliedStatusOf(write.job_id, next));
    return { applied: true, cancelRequested };
  }

  async get(jobId: string): Promise<JobStatus | null> {
    const status = this.statuses.get(jobId);
    return status ? copyOf(status) : null;
  }

  async getProgress(jobId: string): Promise<StatusProgress | null> {
    const status = this.statuses.get(jobId);
    if (!status) return null;
    const { state, progress_percent, cancel_requested_at } = status;
    return cancel_requested_at === undefined ? { state, progress_percent } : { state, progress_percent, cancel_requested_at };
  }

  async listRecent(query: StatusPageQuery): Promise<StatusPage> {
    const matching = [...this.statuses.values()].filter((s) => matchesStatusQuery(s, query));
    const position = (s: JobStatus) => ({ at: s.submitted_at ?? '', id: s.job_id ?? '' });
    matching.sort((a, b) => compareNewestFirst(position(a), position(b)));
    return takePage(matching, position, query.limit, query.cursor);
  }

  async requestCancel(jobId: string, request: CancelRequest): Promise<CancelOutcome> {
    const current = this.statuses.get(jobId);
    if (!current) return { previous: null };
    if (current.state === 'completed' || current.state === 'failed') return { previous: current.state };
    if (current.state === 'running' && current.progress_percent >= request.tooLateAtPercent) return { previous: 'running', tooLate: true };
    const next: JobStatus = { ...current, cancel_requested_at: current.cancel_requested_at ?? request.requested_at };
    if (current.state === 'queued') Object.assign(next, { state: 'failed', updated_at: request.requested_at, ...request.whenQueued });
    this.statuses.update(jobId, next);
    return { previous: current.state };
  }

  async linkRetry(link: { job_id: string; retry_of: string }): Promise<void> {
    const retry = this.statuses.get(link.job_id);
    if (retry) this.statuses.update(link.job_id, { ...retry, retry_of: link.retry_of });
    const original = this.statuses.get(link.retry_of);
    if (original && !original.retries?.includes(link.job_id)) {
      this.statuses.update(link.retry_of, { ...original, retries: [...(original.retries ?? []), link.job_id] });
    }
  }

  async close(): Promise<void> {
    this.statuses.dispose();
  }
}

/** The fields of a stored status a write's onApplied gets, as the Redis store answers them. */
function appliedStatusOf(jobId: string, status: JobStatus): AppliedStatus {
  const { state, progress_percent, message, updated_at, job_type, schedule_id, error_code, error_message } = status;
  return definedFields({ job_id: jobId, state, progress_percent, message, updated_at, job_type, schedule_id, error_code, error_message }) as AppliedStatus;
}

/** A copy a caller may change without changing the store. */
function copyOf(status: JobStatus): JobStatus {
  return { ...status, ...(status.milestones ? { milestones: { ...status.milestones } } : {}), ...(status.retries ? { retries: [...status.retries] } : {}) };
}

function definedFields<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
