import { z } from 'zod';
import { JobStateSchema, UtcTimestampSchema, UuidV4Schema } from './common.js';
import { JobTypeSchema } from './job-types.js';

/**
 * The default wait before each retry of a webhook, in ms (each varied by ±JITTER): the first
 * retry within a minute, then longer and longer for about 17 hours, then the delivery is given up.
 */
export const DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS = [30_000, 120_000, 600_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000, 28_800_000] as const;
/** Each wait is varied by up to this share either way, so receivers that failed together are not retried together. */
export const WEBHOOK_RETRY_JITTER = 0.2;

/** The longest `callback_url` a job may carry. */
export const CALLBACK_URL_MAX_LENGTH = 2048;
const CALLBACK_URL_WORDS = `must be an http:// or https:// URL of at most ${CALLBACK_URL_MAX_LENGTH} characters, without user name or password`;

/**
 * Where dtq POSTs a job's outcome when it ends. Only its shape is checked here; whether its host
 * may be called (CALLBACK_ALLOWED_HOSTS, private ranges, what its name resolves to) is the
 * submit path's check, made again before every delivery.
 */
export const CallbackUrlSchema = z
  .string()
  .max(CALLBACK_URL_MAX_LENGTH, CALLBACK_URL_WORDS)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' && url.username === '' && url.password === '';
    } catch {
      return false;
    }
  }, CALLBACK_URL_WORDS);

/** The Standard Webhooks event types dtq sends: one per way a job ends. */
export const WEBHOOK_EVENT_TYPES = ['job.completed', 'job.failed'] as const;

/**
 * The body POSTed to a job's `callback_url` (Standard Webhooks envelope: `type`, `timestamp`,
 * `data`), signed with WEBHOOK_SECRET. A failed job carries `error` (its code says whether it
 * failed, timed out, was cancelled or given up on); every job carries `result_url`.
 */
export const WebhookPayloadSchema = z.object({
  type: z.enum(WEBHOOK_EVENT_TYPES),
  timestamp: UtcTimestampSchema,
  data: z.object({
    job_id: UuidV4Schema,
    job_type: JobTypeSchema,
    state: JobStateSchema,
    finished_at: UtcTimestampSchema,
    error: z.object({ code: z.string(), message: z.string() }).optional(),
    /** Path of the durable result on the API that accepted the job. */
    result_url: z.string(),
  }),
});
export type WebhookPayload = z.infer<typeof WebhookPayloadSchema>;

/** pending: an attempt is due at next_attempt_at; delivered: a 2xx answered; given_up: every attempt of the schedule failed. */
export const WEBHOOK_DELIVERY_STATES = ['pending', 'delivered', 'given_up'] as const;

/** A job's webhook delivery, as the status answer and the job page show it. */
export const WebhookDeliveryViewSchema = z.object({
  /** The `webhook-id` every attempt carries, so the receiver can drop a repeat. */
  webhook_id: z.string(),
  callback_url: z.string(),
  state: z.enum(WEBHOOK_DELIVERY_STATES),
  attempts: z.number().int().min(0),
  /** The last attempt's answer: its HTTP status code, or what went wrong (timeout, refused address, connection error). */
  last_status_code: z.number().int().optional(),
  last_error: z.string().optional(),
  last_attempt_at: UtcTimestampSchema.optional(),
  /** When the next attempt is due; absent once delivered or given up. */
  next_attempt_at: UtcTimestampSchema.optional(),
  delivered_at: UtcTimestampSchema.optional(),
  given_up_at: UtcTimestampSchema.optional(),
});
export type WebhookDeliveryView = z.infer<typeof WebhookDeliveryViewSchema>;
