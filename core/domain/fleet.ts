import { FleetQuerySchema, type FleetResponse } from '../../contracts/index.js';
import { InvalidQueryError } from '../errors/index.js';
import type { DelayedJobStore, JobQueue, Logger, WorkerHeartbeats } from '../ports/index.js';
import { readDelayedWaiting, readLimitWaiting, type FleetKeyLimitDeps } from './fleet-waiting.js';
import { PARSE_OPTIONS, toFieldIssues } from './field-issues.js';
import { guardDependency } from './guard-dependency.js';

/** How often each worker writes its heartbeat. */
export const HEARTBEAT_INTERVAL_MS = 5_000;
/** An entry lives this long after its last beat: three beats missed and the worker drops out. */
export const HEARTBEAT_TTL_MS = 3 * HEARTBEAT_INTERVAL_MS;

export interface FleetDeps {
  heartbeats: WorkerHeartbeats;
  /** The job queue, read from outside the workers' group for its lag. */
  queue: JobQueue;
  groupId: string;
  topics: string[];
  /** Jobs submitted with a delay, for their count and earliest run_at. */
  delayed: Pick<DelayedJobStore, 'count' | 'earliestRunAt'>;
  /** The limits in force and where the key-limit gate parks the jobs that wait on them. */
  keyLimits: FleetKeyLimitDeps;
  now: () => Date;
  logger: Logger;
}

/**
 * GET /v1/fleet: the workers that beat recently, and how far their group trails each partition
 * of the job topics. The lag is read from the queue itself, so it shows (and grows) while no
 * worker runs; a queue that cannot be read leaves the workers shown and says why the lag is not.
 */
export async function readFleet(deps: FleetDeps, queryPairs: Iterable<[string, string]>): Promise<FleetResponse> {
  const query = FleetQuerySchema.safeParse(Object.fromEntries(queryPairs), PARSE_OPTIONS);
  if (!query.success) throw new InvalidQueryError(toFieldIssues(query.error));
  const [workers, lag, delayed, limits] = await Promise.all([
    guardDependency('worker heartbeats', () => deps.heartbeats.list()),
    readGroupLag(deps),
    readDelayedWaiting(deps.delayed, deps.logger),
    readLimitWaiting(deps.keyLimits, deps.logger),
  ]);
  workers.sort((a, b) => a.started_at.localeCompare(b.started_at) || a.instance.localeCompare(b.instance));
  return {
    workers,
    heartbeat_interval_ms: HEARTBEAT_INTERVAL_MS,
    heartbeat_ttl_ms: HEARTBEAT_TTL_MS,
    consumer_group: deps.groupId,
    ...lag,
    delayed,
    limits,
    generated_at: deps.now().toISOString(),
  };
}

async function readGroupLag(deps: FleetDeps): Promise<Pick<FleetResponse, 'lag' | 'lag_error'>> {
  if (!deps.queue.readLag) return { lag: null, lag_error: 'this queue cannot report lag' };
  const readLag = deps.queue.readLag.bind(deps.queue);
  try {
    const lag = await guardDependency('job queue', () => readLag(deps.groupId, deps.topics));
    return { lag: lag.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition) };
  } catch (error) {
    deps.logger.warn({ err: error }, 'consumer lag could not be read for the fleet view');
    return { lag: null, lag_error: error instanceof Error ? error.message : String(error) };
  }
}
