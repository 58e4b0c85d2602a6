import { createHash } from 'node:crypto';
import type { Logger, ScheduleStore, StoredSchedule } from '../ports/index.js';
import { tickAfter } from './schedule-cron.js';
import { TICK_KEY_PREFIX, submitJob, type SubmitJobDeps, type SubmittedJob } from './submit-job.js';

/**
 * How far behind a tick's successor must be before the ticks in between count as missed. Within
 * it a late round takes the next tick as usual, so workers whose clocks and rounds differ by
 * less agree on where a schedule goes next.
 */
export const MISSED_TICK_GRACE_MS = 1_000;

/** What one tick of a schedule came to: a new job, the job an earlier handling of the tick made, or an error. */
export type TickOutcome = 'submitted' | 'replayed' | 'failed';

export interface ScheduleTickDeps {
  schedules: ScheduleStore;
  /** The submit path of POST /v1/jobs; its `newId` is replaced by the tick's own ids. */
  submit: SubmitJobDeps;
  now: () => Date;
  logger: Logger;
  onTick?(jobType: string, outcome: TickOutcome): void;
}

/**
 * Makes the jobs of the schedules that are due, at most `limit` of them, and answers how many
 * ticks it handled. Several workers run this at once, and one may die anywhere in it, so each
 * tick is submitted with ids and an Idempotency-Key derived from the schedule and the tick:
 * a tick handled twice (two workers, or a worker that died before moving the schedule on) is
 * the same job, which submit's idempotency answers with instead of making another. Only then
 * is the schedule moved on, by a compare-and-set on the tick it moves from.
 *
 * Missed ticks (every worker down past several ticks) are coalesced: the first missed tick
 * makes one job, and the schedule moves on to the first tick after now.
 */
export async function runDueTicks(deps: ScheduleTickDeps, limit: number): Promise<number> {
  const due = await deps.schedules.due(deps.now(), limit);
  for (const schedule of due) await runTick(deps, schedule);
  return due.length;
}

async function runTick(deps: ScheduleTickDeps, schedule: StoredSchedule): Promise<void> {
  const tick = schedule.next_run_at;
  if (tick === null) return;
  const log = deps.logger.child({ schedule_id: schedule.schedule_id, tick });
  let outcome: TickOutcome = 'failed';
  try {
    const job = await submitTick(deps.submit, schedule, tick);
    outcome = job.replayed ? 'replayed' : 'submitted';
    const next = nextTick(schedule, tick, deps.now())?.toISOString() ?? null;
    const moved = await deps.schedules.advance(schedule.schedule_id, tick, next);
    log.info({ job_id: job.job_id, trace_id: job.trace_id, outcome, next_run_at: next, moved }, 'schedule tick');
  } catch (error) {
    // The schedule stays on this tick: the next round submits it again, as the same job.
    log.warn({ err: error }, 'schedule tick failed; it is tried again');
  } finally {
    deps.onTick?.(schedule.job_type, outcome);
  }
}

/**
 * The tick after `tick`; when that one is already more than the grace behind now, the ticks
 * were missed (no worker ran), and the schedule goes on from the first tick after now.
 */
function nextTick(schedule: StoredSchedule, tick: string, now: Date): Date | null {
  const following = tickAfter(schedule.cron, schedule.timezone, new Date(tick));
  if (following && following.getTime() < now.getTime() - MISSED_TICK_GRACE_MS) return tickAfter(schedule.cron, schedule.timezone, now);
  return following;
}

/** Submits the job of one tick, with the ids and Idempotency-Key the schedule and the tick give it: however often it is called, one job. */
export function submitTick(submit: SubmitJobDeps, schedule: StoredSchedule, tick: string): Promise<SubmittedJob> {
  return submitJob(
    { ...submit, newId: () => tickJobId(schedule.schedule_id, tick) },
    {
      body: { job_type: schedule.job_type, payload: schedule.payload },
      idempotencyKey: tickIdempotencyKey(schedule.schedule_id, tick),
      traceId: tickJobId(schedule.schedule_id, `${tick}/trace`),
      scheduleId: schedule.schedule_id,
    },
  );
}

/** The Idempotency-Key of one tick of one schedule. */
export function tickIdempotencyKey(scheduleId: string, tick: string): string {
  return `${TICK_KEY_PREFIX}${scheduleId}:${tick}`;
}

/**
 * A UUID v4 (as the job contract requires) that is the same for the same schedule and tick:
 * SHA-256 of both, cut to 128 bits, with the version and variant bits set.
 */
export function tickJobId(scheduleId: string, tick: string): string {
  const bytes = createHash('sha256').update(`${scheduleId}\n${tick}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
