import { STATUS_TTL_SECONDS, type JobStatus } from '../../contracts/index.js';
import {
  isForwardTransition,
  type StatusPage,
  type StatusPageQuery,
  type StatusStore,
  type StatusWrite,
} from '../../core/ports/index.js';
import { ExpiringMap } from './expiring-map.js';
import { compareNewestFirst, takePage } from '../shared/page-cursor.js';

/** Status store in process memory, with the same TTL and forward-only rule as Redis. */
export class MemoryStatusStore implements StatusStore {
  private readonly statuses: ExpiringMap<string, JobStatus>;
  private readonly ttlSeconds: number;

  constructor(options: { ttlSeconds?: number; now?: () => number } = {}) {
    this.ttlSeconds = options.ttlSeconds ?? STATUS_TTL_SECONDS;
    this.statuses = new ExpiringMap(options.now);
  }

  async write(write: StatusWrite): Promise<{ applied: boolean }> {
    const current = this.statuses.get(write.job_id) ?? null;
    if (!isForwardTransition(current, write)) return { applied: false };
    const next: JobStatus = { ...current, ...definedFields(write) } as JobStatus;
    this.statuses.set(write.job_id, next, this.ttlSeconds);
    return { applied: true };
  }

  async get(jobId: string): Promise<JobStatus | null> {
    const status = this.statuses.get(jobId);
    return status ? { ...status } : null;
  }

  async listRecent(query: StatusPageQuery): Promise<StatusPage> {
    const matching = [...this.statuses.values()].filter(
      (s) =>
        s.submitted_at !== undefined &&
        (!query.state || s.state === query.state) &&
        (!query.job_type || s.job_type === query.job_type),
    );
    const position = (s: JobStatus) => ({ at: s.submitted_at ?? '', id: s.job_id ?? '' });
    matching.sort((a, b) => compareNewestFirst(position(a), position(b)));
    return takePage(matching, position, query.limit, query.cursor);
  }

  async close(): Promise<void> {
    this.statuses.dispose();
  }
}

function definedFields<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
