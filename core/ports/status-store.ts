import type { JobPriority, JobState, JobStatus, JobType, MilestoneTimes } from '../../contracts/index.js';

/** A write to a job's status; the store refuses writes that would move the job backwards. */
export interface StatusWrite {
  job_id: string;
  state: JobState;
  progress_percent: number;
  message: string;
  updated_at: string;
  trace_id?: string;
  job_type?: JobType;
  submitted_at?: string;
  /** What the job is about (see JobLabelSchema); written with the queued status. */
  label?: string;
  /** A delayed job's start; written with its queued status. */
  run_at?: string;
  /** Milestone times to set; the ones already recorded for other milestones are kept. */
  milestones?: MilestoneTimes;
  /** The schedule whose tick made the job; written with the queued status. */
  schedule_id?: string;
  error_code?: string;
  error_message?: string;
  /** The job's timeout in milliseconds; written with the queued status. */
  timeout_ms?: number;
  /** The job's priority; written with the queued status. */
  priority?: JobPriority;
  /** The job was submitted with a callback_url; written with the queued status. */
  has_webhook?: boolean;
  /**
   * A worker's milestone: not applied when a cancel has been requested for the job, so the
   * worker learns of the cancel from the write itself instead of reading the status first.
   */
  unlessCancelRequested?: boolean;
}

/**
 * What an applied write left stored, as a job's event tells it: where the job is (state,
 * progress, message, time, error) and what it is (type, schedule: a milestone write does not
 * repeat the schedule).
 */
export type AppliedStatus = Pick<JobStatus, 'state' | 'progress_percent' | 'message' | 'updated_at' | 'job_type' | 'schedule_id' | 'error_code' | 'error_message'> & {
  job_id: string;
};

/** Where a job is, as a worker reads it before running the job: its state, progress and any pending cancel. */
export type StatusProgress = Pick<JobStatus, 'state' | 'progress_percent' | 'cancel_requested_at'>;

/** What a caller does with a write once the store has applied it. */
export interface StatusWriteOptions {
  /**
   * Called once, only when the write applied, with the job's status as stored right after it
   * (read in the same atomic step, so a later write is not in it); `write` resolves after it
   * does. It runs beside the store's own follow-up writes (the recent-jobs index), not after
   * them, so a caller's next step (logging the change as an event) costs no extra round trip
   * in sequence. A rejection of it rejects the write.
   */
  onApplied?: (stored: AppliedStatus) => Promise<void>;
}

/** What a write did, and whether the job has a cancel request (whether or not it applied). */
export interface StatusWriteOutcome {
  applied: boolean;
  cancelRequested: boolean;
}

export interface StatusPageQuery {
  state?: JobState;
  job_type?: JobType;
  /** Only the jobs a schedule's ticks made. */
  schedule_id?: string;
  limit: number;
  cursor?: string;
}

export interface StatusPage {
  items: JobStatus[];
  next_cursor: string | null;
}

/** A request to cancel a job, as the status store records it. */
export interface CancelRequest {
  requested_at: string;
  /**
   * The fields a job still queued ends with at once (state `failed`): no worker has it yet, so
   * none would reach a milestone to notice the cancel. A running job only gets
   * `cancel_requested_at`; its worker ends it at the next milestone.
   */
  whenQueued: { message: string; error_code: string; error_message: string };
  /**
   * A running job at this progress or past it is too late to cancel: its worker wrote its last
   * milestone and finishes without looking again, so the cancel is not recorded.
   */
  tooLateAtPercent: number;
}

/** What a cancel request found: the job's state before it, null for an unknown job; whether it was too late. */
export interface CancelOutcome {
  previous: JobState | null;
  /** True for a running job past `tooLateAtPercent`: nothing was recorded. */
  tooLate?: boolean;
}

/**
 * Where each job's live status lives (Redis hash `job:{id}:status`, TTL 24 h). Every write
 * refreshes the TTL and is applied atomically only when `isForwardTransition` allows it.
 */
export interface StatusStore {
  /** Writes the status if it moves forward (and, for a milestone, no cancel is pending). */
  write(status: StatusWrite, options?: StatusWriteOptions): Promise<StatusWriteOutcome>;
  get(jobId: string): Promise<JobStatus | null>;
  /** A job's state, progress and pending cancel (null for an unknown job): what a worker decides on, without the whole status. */
  getProgress(jobId: string): Promise<StatusProgress | null>;
  /** Jobs written in the last TTL window, newest submission first. */
  listRecent(query: StatusPageQuery): Promise<StatusPage>;
  /**
   * Records a cancel atomically on the job's status: on a queued job it also ends the job
   * (`whenQueued`), on a running one it sets `cancel_requested_at` (the first request's time is
   * kept); a finished or unknown job, and a running one at `tooLateAtPercent` or past it, is left
   * as it is. Answers the state the job had before.
   */
  requestCancel(jobId: string, request: CancelRequest): Promise<CancelOutcome>;
  /**
   * Links a retry to the job it retries: `retry_of` on the retry's status, the retry's id added
   * once to the original's `retries`. A status that has expired is not recreated. Repeats are
   * harmless.
   */
  linkRetry(link: { job_id: string; retry_of: string }): Promise<void>;
  close(): Promise<void>;
}

const STATE_RANK: Record<JobState, number> = { queued: 0, running: 1, completed: 2, failed: 2 };

/**
 * The rule every status store enforces: terminal states are final, state never goes back,
 * progress never decreases. A repeat of the same state and progress is allowed (it refreshes).
 */
export function isForwardTransition(
  current: Pick<JobStatus, 'state' | 'progress_percent'> | null,
  next: Pick<StatusWrite, 'state' | 'progress_percent'>,
): boolean {
  if (!current) return true;
  if (current.state === 'completed' || current.state === 'failed') return false;
  if (STATE_RANK[next.state] < STATE_RANK[current.state]) return false;
  return next.progress_percent >= current.progress_percent;
}
