import { z } from 'zod';
import { UtcTimestampSchema, UuidV4Schema } from './common.js';
import { JobTypeSchema } from './job-types.js';

/** The longest cron expression a schedule takes: six fields with lists and ranges fit well within it. */
export const CRON_MAX_LENGTH = 120;
/** How many coming ticks a schedule's answer lists. */
export const NEXT_RUNS_LISTED = 5;

/**
 * POST /v1/schedules body. `cron` has five fields (minute first) or six (seconds first);
 * `timezone` is an IANA name (default UTC). The payload is checked against its job type's
 * schema, as a submit's is.
 */
export const CreateScheduleRequestSchema = z.strictObject({
  job_type: z.string(),
  payload: z.record(z.string(), z.unknown()),
  cron: z.string().min(1).max(CRON_MAX_LENGTH),
  timezone: z.string().min(1).max(64).optional(),
});
export type CreateScheduleRequest = z.infer<typeof CreateScheduleRequestSchema>;

export const SCHEDULE_STATES = ['active', 'paused'] as const;
export const ScheduleStateSchema = z.enum(SCHEDULE_STATES);

/** A schedule as the API answers it. */
export const ScheduleSchema = z.object({
  schedule_id: UuidV4Schema,
  job_type: JobTypeSchema,
  payload: z.record(z.string(), z.unknown()),
  cron: z.string(),
  timezone: z.string(),
  state: ScheduleStateSchema,
  created_at: UtcTimestampSchema,
  /** The tick that makes the next job; null while paused, or when the cron never fires again. */
  next_run_at: UtcTimestampSchema.nullable(),
  /** The coming ticks, the first NEXT_RUNS_LISTED; empty while paused. */
  next_runs: z.array(UtcTimestampSchema),
  /** The last tick that made a job; null before the first. */
  last_run_at: UtcTimestampSchema.nullable(),
  jobs_url: z.string(),
});
export type Schedule = z.infer<typeof ScheduleSchema>;

/** GET /v1/schedules takes no parameters: it lists every schedule, newest first. */
export const ListSchedulesQuerySchema = z.strictObject({});

export const ListSchedulesResponseSchema = z.object({ items: z.array(ScheduleSchema) });
export type ListSchedulesResponse = z.infer<typeof ListSchedulesResponseSchema>;
