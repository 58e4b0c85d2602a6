import type { QueueRecord } from './job-queue.js';

/** A job put off until `run_at`: the record the hand-over publishes then, as submit made it. */
export interface HeldJob {
  job_id: string;
  /** When the job is due (UTC, RFC 3339). */
  run_at: string;
  record: QueueRecord;
}

/** A held job given to one hand-over; `claim` names that claim, so only its holder marks it handed over. */
export interface ClaimedJob extends HeldJob {
  claim: string;
}

export interface ClaimDueOptions {
  /** The jobs due at or before this time are claimed. */
  now: Date;
  /** Who claims (logs); each call makes a claim of its own. */
  holder: string;
  /** A claim not marked handed over within this time lapses: the job is due again. */
  leaseMs: number;
  limit: number;
}

/**
 * The holding place of delayed jobs: durable, because a job in it exists nowhere else until it is
 * handed over to the queue. A due job is claimed by one hand-over at a time (a lease), published,
 * then removed. A holder that dies between the claim and the removal leaves a claim that lapses,
 * and the job is claimed and published again: published twice at worst, never lost (the worker
 * runs a job_id once).
 */
export interface DelayedJobStore {
  /** Keeps a job until its run_at; holding a job_id already held changes nothing (a retried submit). */
  hold(job: HeldJob): Promise<void>;
  /** Claims up to `limit` due jobs, earliest first, whose earlier claim (if any) has lapsed. */
  claimDue(options: ClaimDueOptions): Promise<ClaimedJob[]>;
  /** Removes jobs that were handed over, each only while its claim is still the one given. */
  handedOver(jobs: ReadonlyArray<Pick<ClaimedJob, 'job_id' | 'claim'>>): Promise<void>;
  /** Removes a waiting job (it was cancelled) and gives it back; undefined when it is not held (unknown, or handed over). */
  remove(jobId: string): Promise<HeldJob | undefined>;
  /** How many jobs are held, due or not. */
  count(): Promise<number>;
  /** The earliest run_at of the held jobs (UTC, RFC 3339), due or not; undefined when none is held. */
  earliestRunAt(): Promise<string | undefined>;
  close(): Promise<void>;
}
