import { z } from 'zod';
import {
  JobStateSchema,
  ProgressPercentSchema,
  UtcTimestampSchema,
  UuidV4Schema,
} from './common.js';
import { JobTypeSchema } from './job-types.js';
import { JobTimeoutMsSchema } from './job-timeout.js';
import { JobPrioritySchema } from './job-priority.js';
import { JobResultDocumentSchema } from './job-result.js';
import { JobLabelSchema, MilestoneTimesSchema } from './job-status.js';
import { decodeCursor } from './page-cursor.js';
import { JobLimitsInfoSchema } from './job-limits.js';
import { CallbackUrlSchema, WebhookDeliveryViewSchema } from './webhooks.js';

/** Largest request body the API accepts; larger ones answer 413. */
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
const IDEMPOTENCY_KEY_WORDS = 'must be 1-255 visible ASCII characters';
export const IdempotencyKeySchema = z
  .string()
  .min(1, IDEMPOTENCY_KEY_WORDS)
  .max(255, IDEMPOTENCY_KEY_WORDS)
  .regex(/^[\x21-\x7e]+$/, IDEMPOTENCY_KEY_WORDS);

/** A dead letter's id: `<partition>-<offset>` on the dead-letter topic, in decimal without leading zeros. */
export const DEAD_LETTER_ID_PATTERN = /^(0|[1-9][0-9]{0,8})-(0|[1-9][0-9]{0,18})$/;

/**
 * A whole number in a query string ("?limit=20"): whatever is wrong with it (text, a fraction,
 * out of range) the message gives the range, as the client needs it to correct the request.
 */
function queryWholeNumber(min: number, max: number) {
  const error = `must be a whole number from ${min} to ${max}`;
  return z.coerce.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

/** The longest a job may be put off: 30 days. */
export const MAX_DELAY_MS = 30 * 24 * 60 * 60 * 1000;
const DELAY_MS_WORDS = `must be a whole number of milliseconds from 0 to ${MAX_DELAY_MS} (30 days)`;
const RUN_AT_WORDS = 'must be a time in RFC 3339 with an offset, such as 2030-01-31T09:00:00Z or 2030-01-31T10:00:00+01:00';

/**
 * POST /v1/jobs body. The payload is checked against its job type's schema by the domain, so
 * that an unknown type and a bad field get distinct errors.
 */
export const SubmitJobRequestSchema = z.strictObject({
  job_type: z.string(),
  payload: z.record(z.string(), z.unknown()),
  timeout_ms: JobTimeoutMsSchema.optional(),
  /** Start the job this many milliseconds after the submit (at most 30 days); not with `run_at`. */
  delay_ms: z.number().int(DELAY_MS_WORDS).min(0, DELAY_MS_WORDS).max(MAX_DELAY_MS, DELAY_MS_WORDS).optional(),
  /** Start the job at this time (RFC 3339 with an offset, at most 30 days ahead; a past time runs at once); not with `delay_ms`. */
  run_at: z.iso.datetime({ offset: true, error: RUN_AT_WORDS }).optional(),
  /** high overtakes normal jobs waiting; low waits behind them but still gets turns. Unset: the job type's default. */
  priority: JobPrioritySchema.optional(),
  /** Where dtq POSTs the job's outcome when it ends (signed; see docs/webhooks.md). */
  callback_url: CallbackUrlSchema.optional(),
});
export type SubmitJobRequest = z.infer<typeof SubmitJobRequestSchema>;

export const SubmitJobResponseSchema = z.object({
  job_id: UuidV4Schema,
  trace_id: UuidV4Schema,
  job_type: JobTypeSchema,
  state: JobStateSchema,
  submitted_at: UtcTimestampSchema,
  /** When a delayed job starts at the earliest (UTC); absent for a job that starts at once. */
  run_at: UtcTimestampSchema.optional(),
  status_url: z.string(),
  result_url: z.string(),
});
export type SubmitJobResponse = z.infer<typeof SubmitJobResponseSchema>;

/** The most retries an answer lists: the newest; `retries_omitted` counts the older ones. */
export const MAX_LISTED_RETRIES = 20;

/** The links between a failed job and the jobs that retry it; all optional. */
const retryLinks = {
  /** The failed job this job retries. */
  retry_of: UuidV4Schema.optional(),
  /** The jobs that retry this one, oldest first: the newest MAX_LISTED_RETRIES of them. */
  retries: z.array(UuidV4Schema).max(MAX_LISTED_RETRIES).optional(),
  /** How many older retries `retries` leaves out. */
  retries_omitted: z.number().int().positive().optional(),
};

/** POST /v1/jobs/{job_id}/retry: the new job, which names the job it retries. */
export const RetryJobResponseSchema = SubmitJobResponseSchema.extend({ retry_of: UuidV4Schema });
export type RetryJobResponse = z.infer<typeof RetryJobResponseSchema>;

/**
 * A running job at this progress is too late to cancel (409): its worker has the provider's
 * answer and stores it without looking for a cancel again.
 */
export const CANCEL_TOO_LATE_AT_PERCENT = 80;

/** POST /v1/jobs/{job_id}/cancel: the cancel is recorded; the job ends failed with CANCELLED. */
export const CancelJobResponseSchema = z.object({
  job_id: UuidV4Schema,
  /** The job's state once the cancel was recorded: `failed` for a job still queued, else `running`. */
  state: JobStateSchema,
  cancel_requested_at: UtcTimestampSchema,
  status_url: z.string(),
});
export type CancelJobResponse = z.infer<typeof CancelJobResponseSchema>;

/** GET /v1/jobs/{job_id}/status, answered through the progress RPC. */
export const JobStatusResponseSchema = z.object({
  job_id: UuidV4Schema,
  state: JobStateSchema,
  progress_percent: ProgressPercentSchema,
  message: z.string(),
  updated_at: UtcTimestampSchema,
  error_code: z.string().optional(),
  error_message: z.string().optional(),
  result_url: z.string().optional(),
  /** When the job reached each progress milestone ("0", "20", "50", "80", "100"), those it reached. */
  milestones: MilestoneTimesSchema.optional(),
  cancel_requested_at: UtcTimestampSchema.optional(),
  /** The schedule whose tick made the job. */
  schedule_id: UuidV4Schema.optional(),
  /** The job's timeout (absent for a job whose status was written before dtq had timeouts). */
  timeout_ms: JobTimeoutMsSchema.optional(),
  /** A delayed job: when it starts at the earliest (UTC). It stays `queued` until then. */
  run_at: UtcTimestampSchema.optional(),
  /** The job's priority (absent for a job whose status was written before dtq had priorities). */
  priority: JobPrioritySchema.optional(),
  /** The job's webhook delivery, once the job has ended with a `callback_url`. */
  webhook: WebhookDeliveryViewSchema.optional(),
  ...retryLinks,
});
export type JobStatusResponse = z.infer<typeof JobStatusResponseSchema>;

/**
 * GET /v1/jobs/{job_id}/result: the durable document, without storage-internal fields, with the
 * retry links the status store holds for the job (for the 24 h status window).
 */
export const JobResultResponseSchema = JobResultDocumentSchema.extend(retryLinks);
export type JobResultResponse = z.infer<typeof JobResultResponseSchema>;

/** Statuses one jobs-list search (time range, `q`, `label`) reads at most before it answers with a cursor to go on. */
export const JOB_SEARCH_SCAN_LIMIT = 2_000;

export const ListJobsQuerySchema = z.strictObject({
  state: JobStateSchema.optional(),
  job_type: JobTypeSchema.optional(),
  /** Only the jobs a schedule's ticks made (within the 24 h status window). */
  schedule_id: UuidV4Schema.optional(),
  /** Only jobs submitted at or after this time (status window only, as every filter below). */
  submitted_after: UtcTimestampSchema.optional(),
  /** Only jobs submitted before this time. */
  submitted_before: UtcTimestampSchema.optional(),
  /** Words that must all appear, in any case, in the job's label (what its input is about) or its id. */
  q: z.string().trim().min(1).max(100).optional(),
  /** Only jobs whose label is exactly this. */
  label: JobLabelSchema.optional(),
  limit: queryWholeNumber(1, 100).default(20),
  cursor: z
    .string()
    .max(200)
    .refine((cursor) => decodeCursor(cursor) !== undefined, 'is not a cursor this API gave out: pass next_cursor from the previous page')
    .optional(),
});
export type ListJobsQuery = z.infer<typeof ListJobsQuerySchema>;

export const JobSummarySchema = z.object({
  job_id: UuidV4Schema,
  job_type: JobTypeSchema,
  state: JobStateSchema,
  progress_percent: ProgressPercentSchema,
  message: z.string(),
  submitted_at: UtcTimestampSchema,
  updated_at: UtcTimestampSchema,
  /**
   * `results` for a job past the 24 h status window, listed from its stored result: `submitted_at`
   * is then when its run started and `progress_percent` is 100 (the result keeps neither the
   * submission time nor the milestone a failed job stopped at). Absent for jobs in the window.
   */
  source: z.literal('results').optional(),
  /** What the job is about (`Austin, US`, `USD → EUR`, `@octocat`, `tag wisdom`); absent for jobs submitted before labels. */
  label: JobLabelSchema.optional(),
  trace_id: UuidV4Schema.optional(),
  error_code: z.string().optional(),
  error_message: z.string().optional(),
  cancel_requested_at: UtcTimestampSchema.optional(),
  /** The schedule whose tick made the job. */
  schedule_id: UuidV4Schema.optional(),
  /** A delayed job: when it starts at the earliest (UTC). */
  run_at: UtcTimestampSchema.optional(),
  /** The job's priority (absent for jobs submitted before priorities, and for jobs listed from results). */
  priority: JobPrioritySchema.optional(),
  ...retryLinks,
});
export type JobSummary = z.infer<typeof JobSummarySchema>;

export const ListJobsResponseSchema = z.object({
  items: z.array(JobSummarySchema),
  next_cursor: z.string().nullable(),
});
export type ListJobsResponse = z.infer<typeof ListJobsResponseSchema>;

const StateCountsSchema = z.object({
  queued: z.number().int().min(0),
  running: z.number().int().min(0),
  completed: z.number().int().min(0),
  failed: z.number().int().min(0),
  total: z.number().int().min(0),
});
export type StateCounts = z.infer<typeof StateCountsSchema>;

/** GET /v1/stats takes no parameters. */
export const StatsQuerySchema = z.strictObject({});

/**
 * GET /v1/stats: jobs per state and per type among the jobs in the status store's recent index
 * (the 24 h status window), and per minute over the last hour the jobs that ended completed or
 * failed (by the time of their final status).
 */
export const StatsResponseSchema = z.object({
  generated_at: UtcTimestampSchema,
  window: z.object({
    since: UtcTimestampSchema,
    until: UtcTimestampSchema,
    source: z.literal('status-store'),
    /** True when the window held more jobs than one answer counts; the counts then cover the newest. */
    truncated: z.boolean(),
  }),
  by_state: StateCountsSchema,
  by_type: z.record(JobTypeSchema, StateCountsSchema),
  /** Sixty minutes, oldest first; `minute` is the start of each. */
  per_minute: z.array(z.object({ minute: UtcTimestampSchema, completed: z.number().int().min(0), failed: z.number().int().min(0) })),
});
export type StatsResponse = z.infer<typeof StatsResponseSchema>;

export const ListDeadLettersQuerySchema = z.strictObject({
  limit: queryWholeNumber(1, 100).default(20),
  cursor: ListJobsQuerySchema.shape.cursor,
});

/** One record on the dead-letter topic, as GET /v1/dead-letters shows it. */
export const DeadLetterSummarySchema = z.object({
  /** `<partition>-<offset>` on the dead-letter topic. */
  id: z.string(),
  partition: z.number().int().min(0),
  offset: z.string(),
  reason: z.string().nullable(),
  source_topic: z.string().nullable(),
  source_partition: z.number().int().min(0).nullable(),
  source_offset: z.string().nullable(),
  failed_at: UtcTimestampSchema,
  key: z.string().nullable(),
  /** The job id when the value or key names one. */
  job_id: UuidV4Schema.optional(),
  value_bytes: z.number().int().min(0),
  /** The first bytes of the value as UTF-8 text (invalid sequences replaced). */
  value_preview: z.string(),
  /** Set once the record was dealt with: purged (set aside by hand) or replayed. */
  handled: z.object({ outcome: z.enum(['purged', 'replayed']), handled_at: UtcTimestampSchema, handled_by: z.string().optional() }).optional(),
});
export type DeadLetterSummary = z.infer<typeof DeadLetterSummarySchema>;

export const ListDeadLettersResponseSchema = z.object({
  topic: z.string(),
  items: z.array(DeadLetterSummarySchema),
  next_cursor: z.string().nullable(),
  total: z.number().int().min(0),
  /** Records of the topic marked handled (purged or replayed); `total - handled` are still waiting. */
  handled: z.number().int().min(0).optional(),
});
export type ListDeadLettersResponse = z.infer<typeof ListDeadLettersResponseSchema>;

/** POST /v1/dead-letters/{id}/replay: the record is back on its job topic. */
export const ReplayDeadLetterResponseSchema = z.object({
  id: z.string(),
  job_id: UuidV4Schema,
  topic: z.string(),
  status_url: z.string(),
});
export type ReplayDeadLetterResponse = z.infer<typeof ReplayDeadLetterResponseSchema>;

/**
 * POST /v1/dead-letters/{id}/replay's optional body: the corrected job message to publish in the
 * record's place (the same job id), for a record that breaks the contract as it is.
 */
export const ReplayDeadLetterRequestSchema = z.strictObject({ value: z.record(z.string(), z.unknown()) });

/** POST /v1/dead-letters/{id}/purge: the record is marked handled and leaves the waiting ones. */
export const PurgeDeadLetterResponseSchema = z.object({
  id: z.string(),
  outcome: z.enum(['purged', 'replayed']),
  handled_at: UtcTimestampSchema,
  handled_by: z.string().optional(),
});
export type PurgeDeadLetterResponse = z.infer<typeof PurgeDeadLetterResponseSchema>;

/** How a job type's handler is retried within one delivery, as GET /v1/job-types shows it. */
export const JobTypeDefaultsSchema = z.object({
  attempts: z.number().int().min(1),
  backoff: z.object({ initial_ms: z.number().int().min(0), max_ms: z.number().int().min(0) }),
  /** The timeout of a job of this type that sets none. */
  timeout_ms: JobTimeoutMsSchema,
  /** The priority of a job of this type that sets none (its definition's, or the deployment's override). */
  priority: JobPrioritySchema,
});

/** One job type as clients discover it: what to send, what comes back, an example and its defaults. */
export const JobTypeDescriptionSchema = z.object({
  job_type: JobTypeSchema,
  display_name: z.string(),
  description: z.string(),
  /** JSON Schema (2020-12) of the payload; field titles, descriptions and examples are form hints. */
  payload_schema: z.record(z.string(), z.unknown()),
  /** JSON Schema (2020-12) of the output stored in the result, provenance included. */
  output_schema: z.record(z.string(), z.unknown()),
  example_payload: z.record(z.string(), z.unknown()),
  defaults: JobTypeDefaultsSchema,
  /** Per-key concurrency and rate limits in force (the definition's, with JOB_LIMITS_* on top). */
  limits: JobLimitsInfoSchema,
});
export type JobTypeDescription = z.infer<typeof JobTypeDescriptionSchema>;

export const JobTypesResponseSchema = z.object({ job_types: z.array(JobTypeDescriptionSchema) });
export type JobTypesResponse = z.infer<typeof JobTypesResponseSchema>;

export const HealthResponseSchema = z.object({
  status: z.enum(['ok', 'unavailable']),
  checks: z.record(z.string(), z.object({ ok: z.boolean(), detail: z.string().optional() })).optional(),
});
export type HealthResponse = z.infer<typeof HealthResponseSchema>;
