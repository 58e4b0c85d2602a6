import { z } from 'zod';
import { UtcTimestampSchema } from './common.js';

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
  generated_at: UtcTimestampSchema,
});
export type FleetResponse = z.infer<typeof FleetResponseSchema>;
