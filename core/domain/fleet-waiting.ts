import { describeLimits, limitKeyOf, type FleetDelayed, type FleetLimit, type JobLimits } from '../../contracts/index.js';
import type { DelayedJobs, DelayedJobStore, KeySlots, Logger } from '../ports/index.js';
import { guardDependency } from './guard-dependency.js';
import { decodeJobRecord } from './job-records.js';

/** Keys shown per job type, the most jobs waiting first. */
export const FLEET_KEYS_PER_TYPE = 20;
/** Key lines and rate-parked records read per request: the view stays cheap however much waits. */
const SCOPES_READ = 1_000;
const RATE_PARKED_READ = 1_000;

/** Where the key-limit gate parks jobs, and the limits it applies. */
export interface FleetKeyLimitDeps {
  /** Each job type's limits in force (config/job-limits.ts). */
  limits: Partial<Record<string, JobLimits<never>>>;
  /** The lines of jobs waiting behind a key's running jobs. */
  slots: Pick<KeySlots, 'lineLengths'>;
  /** Jobs parked until their key's rate (or the provider's Retry-After) allows. */
  parked: Pick<DelayedJobs, 'parkedRecords'>;
  topicTemplate: string;
}

/** The delayed jobs' count and earliest run_at; null (logged) when their store cannot be read. */
export async function readDelayedWaiting(delayed: Pick<DelayedJobStore, 'count' | 'earliestRunAt'>, logger: Logger): Promise<FleetDelayed | null> {
  try {
    const [waiting, next] = await guardDependency('delayed jobs store', () => Promise.all([delayed.count(), delayed.earliestRunAt()]));
    return { waiting, ...(next === undefined ? {} : { next_run_at: next }) };
  } catch (error) {
    logger.warn({ err: error }, 'delayed jobs could not be read for the fleet view');
    return null;
  }
}

/**
 * Every job type with limits, and per key how many of its jobs the gate has parked: in the
 * key's line (`key`) or until a time (`rate`). Null (logged) when the parked jobs cannot be read.
 */
export async function readLimitWaiting(deps: FleetKeyLimitDeps, logger: Logger): Promise<FleetLimit[] | null> {
  try {
    const [lines, parked] = await guardDependency('key limits store', () => Promise.all([deps.slots.lineLengths(SCOPES_READ), deps.parked.parkedRecords(RATE_PARKED_READ)]));
    const waiting = new Map<string, Map<string, number>>();
    const add = (jobType: string, key: string, reason: 'key' | 'rate', jobs: number) => {
      const byKey = waiting.get(jobType) ?? new Map<string, number>();
      waiting.set(jobType, byKey);
      const id = `${reason}\u0000${key}`;
      byKey.set(id, (byKey.get(id) ?? 0) + jobs);
    };
    for (const { scope, jobs } of lines) {
      const colon = scope.indexOf(':');
      add(scope.slice(0, colon), scope.slice(colon + 1), 'key', jobs);
    }
    for (const { record } of parked) {
      const decoded = decodeJobRecord(record, deps.topicTemplate);
      if (!decoded.ok) continue;
      const rate = deps.limits[decoded.message.job_type]?.rate;
      add(decoded.message.job_type, rate ? limitKeyOf(rate.key, decoded.message.payload) : '', 'rate', 1);
    }
    const types = new Set([...Object.keys(deps.limits).filter((type) => deps.limits[type]?.concurrency || deps.limits[type]?.rate), ...waiting.keys()]);
    return [...types].sort().map((jobType) => ({
      job_type: jobType,
      ...describeLimits(deps.limits[jobType]),
      waiting: [...(waiting.get(jobType) ?? [])]
        .map(([id, jobs]) => ({ key: id.slice(id.indexOf('\u0000') + 1), reason: id.slice(0, id.indexOf('\u0000')) as 'key' | 'rate', jobs }))
        .sort((a, b) => b.jobs - a.jobs || a.key.localeCompare(b.key))
        .slice(0, FLEET_KEYS_PER_TYPE),
    }));
  } catch (error) {
    logger.warn({ err: error }, 'jobs waiting on limits could not be read for the fleet view');
    return null;
  }
}
