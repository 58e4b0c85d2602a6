import { z } from 'zod';
import {
  JobStateSchema,
  ProgressPercentSchema,
  UtcTimestampSchema,
  UuidV4Schema,
} from './common.js';
import { JobTypeSchema } from './job-types.js';

/** Redis key of a job's status hash. */
export const statusKey = (jobId: string): string => `job:${jobId}:status`;
/** How long a status (and an idempotency key) lives. */
export const STATUS_TTL_SECONDS = 24 * 60 * 60;

/**
 * A job's status as the domain sees it. `job_type` and `submitted_at` extend the contract's
 * optional fields so the recent-jobs listing needs no second lookup.
 */
export const JobStatusSchema = z.object({
  state: JobStateSchema,
  progress_percent: ProgressPercentSchema,
  updated_at: UtcTimestampSchema,
  message: z.string(),
  job_id: UuidV4Schema.optional(),
  trace_id: UuidV4Schema.optional(),
  error_code: z.string().optional(),
  error_message: z.string().optional(),
  job_type: JobTypeSchema.optional(),
  submitted_at: UtcTimestampSchema.optional(),
});
export type JobStatus = z.infer<typeof JobStatusSchema>;

/** The same status as stored in the Redis hash: every field a string. */
export const StatusHashSchema = JobStatusSchema.extend({
  progress_percent: z.string().regex(/^(100|[1-9]?[0-9])$/, 'must be an integer string 0..100'),
});
export type StatusHash = z.infer<typeof StatusHashSchema>;

export function statusToHash(status: JobStatus): StatusHash {
  const hash: Record<string, string> = {};
  for (const [field, value] of Object.entries(status)) {
    if (value !== undefined) hash[field] = String(value);
  }
  return StatusHashSchema.parse(hash);
}

export function hashToStatus(hash: Record<string, string>): JobStatus {
  const parsed = StatusHashSchema.parse(hash);
  return JobStatusSchema.parse({ ...parsed, progress_percent: Number(parsed.progress_percent) });
}
