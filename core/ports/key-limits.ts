import type { QueueRecord } from './job-queue.js';

/** A job record parked off the queue, to be published again when its turn or its time comes. */
export interface ParkedRecord {
  jobId: string;
  record: QueueRecord;
}

/** What `takeOrPark` did: the job got a slot of its key, or waits in the key's line. */
export type KeySlotAnswer = { taken: true } | { taken: false; running: number; waiting: number };

/**
 * Concurrency per key across all workers, as leases: a slot of a key is held by one job (its id)
 * until it is released or its lease expires, so a worker that dies holding slots gives them back
 * within the lease's TTL. Jobs that find their key full wait in the key's line, parked durably
 * off the queue and off every worker; when a slot frees, the job at the head of the line gets it
 * reserved (a lease like any other) and its record is handed back, to be published again.
 *
 * A hand-back is two steps: `handBack` reserves and returns the records, `confirmHandedBack`
 * forgets them once they are published. A record whose hand-back was never confirmed (its
 * process died) goes back to the head of its line when its reservation expires, and is handed
 * back again: a job may so be published twice, never lost; the job's result check and lease
 * (JobRunGate) keep it from running twice.
 *
 * `scope` names one key of one job type ("weather:US"): the implementation keeps each scope's
 * slots and line together.
 */
export interface KeySlots {
  /**
   * Takes a slot for the job (or finds the one reserved or held for it), unless the scope is
   * full or other jobs wait in its line: then parks `record` at the end of the line (once, however
   * often the job comes) and answers how many run and wait.
   */
  takeOrPark(scope: string, jobId: string, max: number, ttlMs: number, record: QueueRecord): Promise<KeySlotAnswer>;
  /** Extends the job's slot lease; false when it lapsed. */
  renew(scope: string, jobId: string, ttlMs: number): Promise<boolean>;
  /**
   * Frees the job's slot and, in the same step, hands back as many waiting jobs as the scope now
   * has free slots (see `handBack`): one round trip for a job's end.
   */
  release(scope: string, jobId: string, max: number, reserveMs: number): Promise<ParkedRecord[]>;
  /** Reserves free slots of the scope for the jobs at the head of its line, for `reserveMs`, and returns their records. */
  handBack(scope: string, max: number, reserveMs: number): Promise<ParkedRecord[]>;
  /** The record was published again: it leaves the line for good. */
  confirmHandedBack(scope: string, jobId: string): Promise<void>;
  /** Scopes with jobs in their line, least recently served first (a scope is served when it hands back). */
  waitingScopes(limit: number): Promise<string[]>;
  /** Jobs in every line (for the waiting metric). */
  waitingCount(): Promise<number>;
  /** The scopes with jobs in their line and how many wait in each, of at most `limit` scopes (the fleet view). */
  lineLengths(limit: number): Promise<Array<{ scope: string; jobs: number }>>;
  close(): Promise<void>;
}

/**
 * Jobs that wait for a time (a rate limit's next window, a provider's Retry-After), parked
 * durably off the queue and off every worker. `due` hands back those whose time has come,
 * holding each for `reserveMs`: unless `confirmDue` follows, it is due again after that.
 */
export interface DelayedJobs {
  /** Parks the record until `dueAtMs` (ms since the epoch); a job parked twice keeps the later time. */
  park(jobId: string, dueAtMs: number, record: QueueRecord): Promise<void>;
  due(limit: number, reserveMs: number): Promise<ParkedRecord[]>;
  confirmDue(jobId: string): Promise<void>;
  waitingCount(): Promise<number>;
  /** Up to `limit` parked records, earliest due first (the fleet view counts them per key). */
  parkedRecords(limit: number): Promise<ParkedRecord[]>;
  close(): Promise<void>;
}

/** What `take` answers: the job may start, or must wait until `retryAtMs`. */
export type RateAnswer = { allowed: true } | { allowed: false; retryAtMs: number };

/** Rate limits per key across all workers: at most `points` starts of a key within `perMs`. */
export interface RateLimits {
  take(scope: string, points: number, perMs: number): Promise<RateAnswer>;
  close(): Promise<void>;
}
