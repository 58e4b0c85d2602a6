import { z } from 'zod';
import {
  JobStateSchema,
  PROGRESS_MILESTONES,
  ProgressPercentSchema,
  UtcTimestampSchema,
  UuidV4Schema,
} from './common.js';
import { JobTypeSchema } from './job-types.js';
import { JobTimeoutMsSchema } from './job-timeout.js';
import { JobPrioritySchema } from './job-priority.js';

/** Redis key of a job's status hash. */
export const statusKey = (jobId: string): string => `job:${jobId}:status`;
/** How long a status (and an idempotency key) lives by default; STATUS_TTL_SECONDS sets it. */
export const STATUS_TTL_SECONDS = 24 * 60 * 60;
/** The longest `label` a status carries: a list row's worth of text. */
export const JOB_LABEL_MAX_LENGTH = 80;
/** What a job is about in a few words (`Austin, US`, `USD → EUR`), derived from its validated input. */
export const JobLabelSchema = z.string().min(1).max(JOB_LABEL_MAX_LENGTH);

/**
 * When a job reached each progress milestone (`"0"` queued, `"20"` started, `"50"` calling its
 * provider, `"80"` storing its result, `"100"` completed); only those it reached. A job that is
 * run again after a redelivery keeps the times of its last run.
 */
export const MilestoneTimesSchema = z.strictObject({
  '0': UtcTimestampSchema.optional(),
  '20': UtcTimestampSchema.optional(),
  '50': UtcTimestampSchema.optional(),
  '80': UtcTimestampSchema.optional(),
  '100': UtcTimestampSchema.optional(),
});
export type MilestoneTimes = z.infer<typeof MilestoneTimesSchema>;
export type Milestone = keyof MilestoneTimes;
export const MILESTONES = PROGRESS_MILESTONES.map(String) as Milestone[];

/**
 * A job's status as the domain sees it. `job_type` and `submitted_at` extend the contract's
 * optional fields so the recent-jobs listing needs no second lookup, as does `label` (what the job
 * is about, written with the queued status); `milestones` says when it reached each progress
 * milestone; `cancel_requested_at` is
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
  milestones: MilestoneTimesSchema.optional(),
  cancel_requested_at: UtcTimestampSchema.optional(),
  /** A delayed job: when it starts at the earliest; written with its queued status. */
  run_at: UtcTimestampSchema.optional(),
  retry_of: UuidV4Schema.optional(),
  retries: z.array(UuidV4Schema).optional(),
  /** The schedule whose tick made the job. */
  schedule_id: UuidV4Schema.optional(),
  /** The job's timeout in milliseconds, written with the queued status. */
  timeout_ms: JobTimeoutMsSchema.optional(),
  /** The job's priority, written with the queued status. */
  priority: JobPrioritySchema.optional(),
  /**
   * The job was submitted with a `callback_url`, so it has (once it ends) a webhook delivery in
   * the outbox; written with the queued status. Only then does a status answer read the outbox.
   */
  has_webhook: z.boolean().optional(),
});
export type JobStatus = z.infer<typeof JobStatusSchema>;

/** Separates the ids in the hash's `retries` field. */
const RETRIES_SEPARATOR = ',';
/**
 * The hash field of a milestone's time: `m20`, holding milliseconds since the epoch. Redis keeps
 * such a value as an integer inside the hash, 8 bytes where an RFC 3339 text takes 24, and the
 * short name saves another 12: together about a sixth of a finished job's hash.
 */
const milestoneField = (milestone: Milestone): string => `m${milestone}`;
/** How hashes written before the compact fields named a milestone's time (an RFC 3339 text); still read. */
const legacyMilestoneField = (milestone: Milestone): string => `milestone_${milestone}_at`;
/**
 * The hash field that says the job has a webhook (`has_webhook`), `"1"` when it has and absent
 * otherwise: three bytes on the jobs that have one, none on the others.
 */
const WEBHOOK_FIELD = 'wh';
const EpochMillisSchema = z.string().regex(/^\d{1,15}$/, 'must be milliseconds since the epoch');

/**
 * The same status as stored in the Redis hash: every field a string, each milestone's time in a
 * field of its own (so a write sets its milestone without reading the others), as milliseconds
 * since the epoch.
 */
export const StatusHashSchema = JobStatusSchema.omit({ milestones: true, has_webhook: true }).extend({
  progress_percent: z.string().regex(/^(100|[1-9]?[0-9])$/, 'must be an integer string 0..100'),
  retries: z
    .string()
    .regex(/^[0-9a-f-]{36}(,[0-9a-f-]{36})*$/, 'must be comma-separated job ids')
    .optional(),
  timeout_ms: z.string().regex(/^[1-9][0-9]{3,7}$/, 'must be an integer string of milliseconds').optional(),
  ...Object.fromEntries(MILESTONES.map((milestone) => [milestoneField(milestone), EpochMillisSchema.optional()])),
  ...Object.fromEntries(MILESTONES.map((milestone) => [legacyMilestoneField(milestone), UtcTimestampSchema.optional()])),
  [WEBHOOK_FIELD]: z.literal('1').optional(),
});
export type StatusHash = z.infer<typeof StatusHashSchema>;

export function statusToHash(status: JobStatus): StatusHash {
  const hash: Record<string, string> = {};
  const { milestones, has_webhook, ...fields } = status;
  if (has_webhook) hash[WEBHOOK_FIELD] = '1';
  for (const [field, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    hash[field] = Array.isArray(value) ? value.join(RETRIES_SEPARATOR) : String(value);
  }
  for (const milestone of MILESTONES) {
    const at = milestones?.[milestone];
    if (at !== undefined) hash[milestoneField(milestone)] = String(Date.parse(at));
  }
  return StatusHashSchema.parse(hash);
}

/** The hash fields hashToStatus converts rather than copies: made once, not on every read. */
const MILESTONE_FIELDS: ReadonlySet<string> = new Set(MILESTONES.flatMap((milestone) => [milestoneField(milestone), legacyMilestoneField(milestone)]));

export function hashToStatus(hash: Record<string, string>): JobStatus {
  const parsed = StatusHashSchema.parse(hash) as Record<string, string | undefined>;
  const status: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(parsed)) {
    if (value !== undefined && !MILESTONE_FIELDS.has(field) && field !== WEBHOOK_FIELD) status[field] = value;
  }
  const milestones: Record<string, string> = {};
  for (const milestone of MILESTONES) {
    const millis = parsed[milestoneField(milestone)];
    const at = millis !== undefined ? new Date(Number(millis)).toISOString() : parsed[legacyMilestoneField(milestone)];
    if (at !== undefined) milestones[milestone] = at;
  }
  return JobStatusSchema.parse({
    ...status,
    progress_percent: Number(parsed.progress_percent),
    ...(parsed.timeout_ms ? { timeout_ms: Number(parsed.timeout_ms) } : {}),
    ...(parsed.retries ? { retries: parsed.retries.split(RETRIES_SEPARATOR) } : {}),
    ...(parsed[WEBHOOK_FIELD] ? { has_webhook: true } : {}),
    ...(Object.keys(milestones).length > 0 ? { milestones } : {}),
  });
}
