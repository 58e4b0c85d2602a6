import { z } from 'zod';
import {
  JobStateSchema,
  ProgressPercentSchema,
  UtcTimestampSchema,
  UuidV4Schema,
} from './common.js';
import { MilestoneTimesSchema } from './job-status.js';
import { JobTimeoutMsSchema } from './job-timeout.js';
import { JobPrioritySchema } from './job-priority.js';

/** Queue the worker's progress responder consumes. */
export const PROGRESS_REQUEST_QUEUE = 'progress.check.request.v1';

/** Sent with AMQP `correlation_id` = request_id, `reply_to`, `content_type=application/json`. */
export const ProgressRequestSchema = z.object({
  job_id: UuidV4Schema,
  request_id: z.string().min(1).max(128),
  requested_at: UtcTimestampSchema,
});
export type ProgressRequest = z.infer<typeof ProgressRequestSchema>;

/**
 * The contract's reply for a known job. `updated_at`, the error fields, the milestone times, the
 * cancel request, the retry links and the schedule are optional extras.
 */
export const ProgressReplySchema = z.object({
  job_id: UuidV4Schema,
  state: JobStateSchema,
  progress_percent: ProgressPercentSchema,
  message: z.string(),
  timestamp: UtcTimestampSchema,
  updated_at: UtcTimestampSchema.optional(),
  error_code: z.string().optional(),
  error_message: z.string().optional(),
  milestones: MilestoneTimesSchema.optional(),
  cancel_requested_at: UtcTimestampSchema.optional(),
  timeout_ms: JobTimeoutMsSchema.optional(),
  /** A delayed job's start. */
  run_at: UtcTimestampSchema.optional(),
  priority: JobPrioritySchema.optional(),
  retry_of: UuidV4Schema.optional(),
  retries: z.array(UuidV4Schema).optional(),
  /** How many older retries `retries` leaves out (it lists the newest only). */
  retries_omitted: z.number().int().positive().optional(),
  /** The schedule whose tick made the job. */
  schedule_id: UuidV4Schema.optional(),
  /**
   * True when the job was submitted with a `callback_url`: the caller then reads the job's
   * webhook delivery. Added later, so optional: absent (a worker of before) means none to read.
   */
  has_webhook: z.boolean().optional(),
});
export type ProgressReply = z.infer<typeof ProgressReplySchema>;

/** The reply when the responder cannot answer with a status: unknown job or malformed request. */
export const ProgressErrorReplySchema = z.object({
  job_id: z.string().optional(),
  error: z.object({
    code: z.enum(['JOB_NOT_FOUND', 'INVALID_REQUEST', 'STATUS_UNAVAILABLE']),
    message: z.string(),
  }),
  timestamp: UtcTimestampSchema,
});
export type ProgressErrorReply = z.infer<typeof ProgressErrorReplySchema>;

export const ProgressAnyReplySchema = z.union([ProgressReplySchema, ProgressErrorReplySchema]);
export type ProgressAnyReply = z.infer<typeof ProgressAnyReplySchema>;

/**
 * Checks a reply against the contract as what it says it is: one with an `error` member is an
 * error reply, any other a status reply. The replies ProgressAnyReplySchema accepts pass, but for
 * one carrying both a status and an `error`, which the union took as a status and this checks as
 * the error it claims to be. One schema's cost: the union tries the status reply first, so an
 * error reply (every unknown or expired job) paid for that failure and its issues first.
 */
export function checkProgressReply(body: unknown): ReturnType<typeof ProgressAnyReplySchema.safeParse> {
  const schema = typeof body === 'object' && body !== null && 'error' in body ? ProgressErrorReplySchema : ProgressReplySchema;
  return schema.safeParse(body);
}
