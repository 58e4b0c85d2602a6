import {
  JOB_TYPES,
  STATUS_TTL_SECONDS,
  StatsQuerySchema,
  type JobStatus,
  type StateCounts,
  type StatsResponse,
} from '../../contracts/index.js';
import { InvalidQueryError } from '../errors/index.js';
import type { StatusStore } from '../ports/index.js';
import { PARSE_OPTIONS, toFieldIssues } from './field-issues.js';
import { guardDependency } from './guard-dependency.js';
import { SharedResult } from '../time/index.js';

const PAGE = 100;
/** Jobs one answer counts at most; past that the newest are counted and `truncated` says so. */
export const STATS_MAX_JOBS = 20_000;
const MINUTE_MS = 60_000;
const MINUTES = 60;

/**
 * Counts of the jobs in the status window, by state and type, and the jobs that ended per minute
 * over the last hour. Read from the status store's recent-jobs listing, newest first.
 */
export async function jobStats(
  statuses: StatusStore,
  queryPairs: Iterable<[string, string]>,
  options: { now: () => Date; maxJobs?: number; statusTtlSeconds?: number },
): Promise<StatsResponse> {
  checkStatsQuery(queryPairs);
  return countJobs(statuses, options);
}

/**
 * jobStats for many callers at once, as GET /v1/stats serves it: one count runs at a time and
 * its answer is kept for `cacheMs` (its `generated_at` says when it was made), so callers that
 * come together, or within that time, cost one walk of the status window between them rather
 * than up to STATS_MAX_JOBS hash reads each.
 */
export function sharedJobStats(
  statuses: StatusStore,
  options: { now: () => Date; cacheMs: number; maxJobs?: number; statusTtlSeconds?: number },
): (queryPairs: Iterable<[string, string]>) => Promise<StatsResponse> {
  const shared = new SharedResult(() => countJobs(statuses, options), options.cacheMs);
  return (queryPairs) => {
    checkStatsQuery(queryPairs);
    return shared.get();
  };
}

function checkStatsQuery(queryPairs: Iterable<[string, string]>): void {
  const query = StatsQuerySchema.safeParse(Object.fromEntries(queryPairs), PARSE_OPTIONS);
  if (!query.success) throw new InvalidQueryError(toFieldIssues(query.error));
}

async function countJobs(statuses: StatusStore, options: { now: () => Date; maxJobs?: number; statusTtlSeconds?: number }): Promise<StatsResponse> {
  const now = options.now();
  const maxJobs = options.maxJobs ?? STATS_MAX_JOBS;
  const byState = emptyCounts();
  const byType = Object.fromEntries(JOB_TYPES.map((type) => [type, emptyCounts()])) as StatsResponse['by_type'];
  const firstMinute = Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS - (MINUTES - 1) * MINUTE_MS;
  const perMinute = Array.from({ length: MINUTES }, (_, i) => ({ minute: new Date(firstMinute + i * MINUTE_MS).toISOString(), completed: 0, failed: 0 }));

  let counted = 0;
  let truncated = false;
  let cursor: string | undefined;
  do {
    const page = await guardDependency('status store', () => statuses.listRecent({ limit: PAGE, ...(cursor ? { cursor } : {}) }));
    for (const status of page.items) {
      if (counted >= maxJobs) {
        truncated = true;
        break;
      }
      counted += 1;
      count(byState, status);
      if (status.job_type) count(byType[status.job_type], status);
      const bucket = minuteOf(status, firstMinute);
      if (bucket !== undefined) perMinute[bucket]![status.state as 'completed' | 'failed'] += 1;
    }
    cursor = page.next_cursor ?? undefined;
  } while (cursor && !truncated && counted < maxJobs);
  truncated ||= cursor !== undefined;

  return {
    generated_at: now.toISOString(),
    window: { since: new Date(now.getTime() - (options.statusTtlSeconds ?? STATUS_TTL_SECONDS) * 1000).toISOString(), until: now.toISOString(), source: 'status-store', truncated },
    by_state: byState,
    by_type: byType,
    per_minute: perMinute,
  };
}

function emptyCounts(): StateCounts {
  return { queued: 0, running: 0, completed: 0, failed: 0, total: 0 };
}

function count(counts: StateCounts, status: JobStatus): void {
  counts[status.state] += 1;
  counts.total += 1;
}

/** The last-hour bucket of a finished job, by its final status time; undefined otherwise. */
function minuteOf(status: JobStatus, firstMinute: number): number | undefined {
  if (status.state !== 'completed' && status.state !== 'failed') return undefined;
  const index = Math.floor((Date.parse(status.updated_at) - firstMinute) / MINUTE_MS);
  return index >= 0 && index < MINUTES ? index : undefined;
}
