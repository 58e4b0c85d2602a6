import { z } from 'zod';
import { UtcTimestampSchema } from './common.js';
import { JobLimitsInfoSchema } from './job-limits.js';

/** GET /v1/fleet takes no query parameters. */
export const FleetQuerySchema = z.strictObject({});

/** One running worker, as its last heartbeat said. */
export const FleetWorkerSchema = z.object({
  instance: z.string(),
  version: z.string(),
  concurrency: z.number().int().nonnegative(),
  in_flight: z.number().int().nonnegative(),
  started_at: UtcTimestampSchema,
  last_heartbeat_at: UtcTimestampSchema,
});
export type FleetWorker = z.infer<typeof FleetWorkerSchema>;

/** How far the workers' consumer group trails one partition of a job topic. */
export const TopicPartitionLagSchema = z.object({
  topic: z.string(),
  partition: z.number().int().nonnegative(),
  /** Records on the partition the group has not committed yet. */
  lag: z.number().int().nonnegative(),
});

/** Jobs submitted with a delay, held until their run_at. */
export const FleetDelayedSchema = z.object({
  /** Held jobs not yet handed over to the queue, due or not. */
  waiting: z.number().int().nonnegative(),
  /** The earliest run_at among them; absent when none is held. */
  next_run_at: UtcTimestampSchema.optional(),
});
export type FleetDelayed = z.infer<typeof FleetDelayedSchema>;

/** Jobs of one key parked by the key-limit gate: behind the key's running jobs, or until its rate allows. */
export const FleetKeyWaitingSchema = z.object({
  key: z.string(),
  reason: z.enum(['key', 'rate']),
  jobs: z.number().int().positive(),
});

/** One job type's limits in force and the keys whose jobs wait on them now (the busiest first, bounded). */
export const FleetLimitSchema = JobLimitsInfoSchema.extend({
  job_type: z.string(),
  waiting: z.array(FleetKeyWaitingSchema),
});
export type FleetLimit = z.infer<typeof FleetLimitSchema>;

export const FleetResponseSchema = z.object({
  /** The workers whose heartbeat has not expired, longest running first. */
  workers: z.array(FleetWorkerSchema),
  /** How often each worker beats, and how long an entry lives without one. */
  heartbeat_interval_ms: z.number().int().positive(),
  heartbeat_ttl_ms: z.number().int().positive(),
  consumer_group: z.string(),
  /** Every partition of every job topic; null when the queue could not be read (lag_error says why). */
  lag: z.array(TopicPartitionLagSchema).nullable(),
  lag_error: z.string().optional(),
  /** Delayed jobs waiting for their run_at; null when their store could not be read. */
  delayed: FleetDelayedSchema.nullable(),
  /** Each job type with limits; null when the parked jobs could not be read. */
  limits: z.array(FleetLimitSchema).nullable(),
  generated_at: UtcTimestampSchema,
});
export type FleetResponse = z.infer<typeof FleetResponseSchema>;
