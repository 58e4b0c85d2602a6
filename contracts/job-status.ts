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
/** The longest `label` a status carries: a list row's worth of text. */
export const JOB_LABEL_MAX_LENGTH = 80;
/** What a job is about in a few words (`Austin, US`, `USD → EUR`), derived from its validated input. */
export const JobLabelSchema = z.string().min(1).max(JOB_LABEL_MAX_LENGTH);

/**
 * A job's status as the domain sees it. `job_type` and `submitted_at` extend the contract's
 * optional fields so the recent-jobs listing needs no second lookup, as does `label` (what the job
 * is about, written with the queued status); `cancel_requested_at` is
 * when someone asked to cancel the job, `retry_of` the job this one retries and `retries` the
 * jobs retrying this one, oldest first.
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
  label: JobLabelSchema.optional(),
  cancel_requested_at: UtcTimestampSchema.optional(),
  retry_of: UuidV4Schema.optional(),
  retries: z.array(UuidV4Schema).optional(),
});
export type JobStatus = z.infer<typeof JobStatusSchema>;

/** Separates the ids in the hash's `retries` field. */
const RETRIES_SEPARATOR = ',';

/** The same status as stored in the Redis hash: every field a string. */
export const StatusHashSchema = JobStatusSchema.extend({
  progress_percent: z.string().regex(/^(100|[1-9]?[0-9])$/, 'must be an integer string 0..100'),
  retries: z
    .string()
    .regex(/^[0-9a-f-]{36}(,[0-9a-f-]{36})*$/, 'must be comma-separated job ids')
    .optional(),
});
export type StatusHash = z.infer<typeof StatusHashSchema>;

export function statusToHash(status: JobStatus): StatusHash {
  const hash: Record<string, string> = {};
  for (const [field, value] of Object.entries(status)) {
    if (value === undefined) continue;
    hash[field] = Array.isArray(value) ? value.join(RETRIES_SEPARATOR) : String(value);
  }
  return StatusHashSchema.parse(hash);
}

export function hashToStatus(hash: Record<string, string>): JobStatus {
  const parsed = StatusHashSchema.parse(hash);
  const { retries, ...rest } = parsed;
  return JobStatusSchema.parse({
    ...rest,
    progress_percent: Number(parsed.progress_percent),
    ...(retries ? { retries: retries.split(RETRIES_SEPARATOR) } : {}),
  });
}
