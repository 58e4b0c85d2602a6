import type { JobType } from '../../contracts/index.js';

/** A schedule as stored: what each tick submits, when, and where the ticks have got to. */
export interface StoredSchedule {
  schedule_id: string;
  job_type: JobType;
  payload: Record<string, unknown>;
  cron: string;
  timezone: string;
  paused: boolean;
  created_at: string;
  /** The tick that makes the next job (RFC 3339, UTC); null while paused or when the cron never fires again. */
  next_run_at: string | null;
  /** The last tick that made a job; null before the first. */
  last_run_at: string | null;
}

/**
 * Schedules, kept durably (MongoDB) where jobs are, since a lost schedule silently stops making
 * jobs. Every worker reads the due ones; `advance` is conditional on `next_run_at`, so a worker
 * that saw an older state never moves a schedule back. It is not relied on to pick one of racing
 * workers (FerretDB may let two conditional updates of one document both through): workers that
 * handled one tick compute the same next tick, and the tick's job is made once by its
 * Idempotency-Key and job id, whoever moves the schedule.
 */
export interface ScheduleStore {
  create(schedule: StoredSchedule): Promise<void>;
  get(scheduleId: string): Promise<StoredSchedule | undefined>;
  /** Every schedule, newest created first. */
  list(): Promise<StoredSchedule[]>;
  /** False when there was no such schedule. */
  delete(scheduleId: string): Promise<boolean>;
  /** Pauses or resumes, setting `next_run_at` with it; the schedule as it now is, or undefined when unknown. */
  setPaused(scheduleId: string, paused: boolean, nextRunAt: string | null): Promise<StoredSchedule | undefined>;
  /** Active schedules whose `next_run_at` is at or before `now`, earliest first, at most `limit`. */
  due(now: Date, limit: number): Promise<StoredSchedule[]>;
  /**
   * Moves an active schedule from the tick `from` to `to`, recording `from` as its last run.
   * True when this call moved it; false when it had moved on already, was paused or deleted.
   * Racing calls from the same tick move it at least once (on MongoDB exactly once).
   */
  advance(scheduleId: string, from: string, to: string | null): Promise<boolean>;
  close(): Promise<void>;
}
