import { z } from 'zod';
import { JobStateSchema, UtcTimestampSchema, UuidV4Schema } from './common.js';
import { ErrorBodySchema } from './errors.js';
import { JobTypeSchema } from './job-types.js';

/** The most jobs one POST /v1/jobs/batch carries. */
export const MAX_BATCH_JOBS = 1_000;
/** The most job ids one bulk request names. */
export const MAX_BULK_JOB_IDS = 10_000;
/** The most jobs (or dead letters) one bulk operation acts on; a filter that matches more is refused. */
export const MAX_BULK_MATCHED = 50_000;
/** The most outcomes one page of GET /v1/bulk/{operation_id} lists. */
export const MAX_BULK_PAGE = 1_000;

const BATCH_SIZE_WORDS = `must hold 1 to ${MAX_BATCH_JOBS} jobs`;

/**
 * POST /v1/jobs/batch: the envelope only. Each item is what POST /v1/jobs takes, checked one by
 * one by the domain, so a bad item is answered in its place instead of failing the batch.
 */
export const BatchSubmitRequestSchema = z.strictObject({
  jobs: z.array(z.unknown(), { error: `must be an array of jobs, each what POST /v1/jobs takes` }).min(1, BATCH_SIZE_WORDS).max(MAX_BATCH_JOBS, BATCH_SIZE_WORDS),
});
export type BatchSubmitRequest = z.infer<typeof BatchSubmitRequestSchema>;

/** One item of a batch answer, in request order: the accepted job, or why this item was refused. */
export const BatchItemSchema = z.union([
  z.object({ job_id: UuidV4Schema, status_url: z.string() }),
  ErrorBodySchema,
]);
export type BatchItem = z.infer<typeof BatchItemSchema>;

export const BatchSubmitResponseSchema = z.object({
  items: z.array(BatchItemSchema),
  accepted: z.number().int().min(0),
  rejected: z.number().int().min(0),
});
export type BatchSubmitResponse = z.infer<typeof BatchSubmitResponseSchema>;

export const BULK_KINDS = ['cancel', 'retry', 'replay'] as const;
export const BulkKindSchema = z.enum(BULK_KINDS);
export type BulkKind = z.infer<typeof BulkKindSchema>;

/** Which jobs a bulk action matches; every field narrows. Dead letters have no state. */
export const BulkFilterSchema = z.strictObject({
  state: JobStateSchema.optional(),
  job_type: JobTypeSchema.optional(),
  schedule_id: UuidV4Schema.optional(),
  submitted_after: UtcTimestampSchema.optional(),
  submitted_before: UtcTimestampSchema.optional(),
});
export type BulkFilter = z.infer<typeof BulkFilterSchema>;

/** POST /v1/bulk/cancel|retry|replay: `job_ids` or `filter`, exactly one of the two. */
export const BulkRequestSchema = z
  .strictObject({
    job_ids: z.array(UuidV4Schema).min(1, `must name 1 to ${MAX_BULK_JOB_IDS} jobs`).max(MAX_BULK_JOB_IDS, `must name 1 to ${MAX_BULK_JOB_IDS} jobs`).optional(),
    filter: BulkFilterSchema.optional(),
  })
  .refine((body) => (body.job_ids === undefined) !== (body.filter === undefined), {
    message: 'send exactly one of job_ids and filter',
    path: ['job_ids'],
  });
export type BulkRequest = z.infer<typeof BulkRequestSchema>;

export const BulkAcceptedResponseSchema = z.object({
  operation_id: UuidV4Schema,
  kind: BulkKindSchema,
  matched: z.number().int().min(0),
  state: z.enum(['running', 'finished', 'interrupted']),
  status_url: z.string(),
  /** POST /v1/bulk/{operation_id}/resume only: whether this request took the operation over. */
  resumed: z.boolean().optional(),
});
export type BulkAcceptedResponse = z.infer<typeof BulkAcceptedResponseSchema>;

/**
 * What an action did to one job. `pending`: not acted on yet. Cancel: `cancelled` (ended, or its
 * worker ends it at the next milestone), `already_cancelled`, `not_cancellable` (finished, or too
 * late). Retry: `retried` (new_job_id names the new job), `not_retryable`. Replay: `replayed`,
 * `invalid` (still breaks the contract), `job_done` (its job has a result). Any: `not_found`.
 */
export const BULK_OUTCOMES = [
  'pending',
  'cancelled',
  'already_cancelled',
  'not_cancellable',
  'retried',
  'not_retryable',
  'replayed',
  'invalid',
  'job_done',
  'not_found',
] as const;
export const BulkOutcomeSchema = z.enum(BULK_OUTCOMES);
export type BulkOutcome = z.infer<typeof BulkOutcomeSchema>;

export const BulkItemSchema = z.object({
  job_id: UuidV4Schema.nullable(),
  /** The dead letter a replay acts on. */
  dead_letter_id: z.string().optional(),
  outcome: BulkOutcomeSchema,
  /** Why the action did not apply, in dtq's words. */
  detail: z.string().optional(),
  /** The job a retry made. */
  new_job_id: UuidV4Schema.optional(),
  done_at: UtcTimestampSchema.optional(),
});
export type BulkItem = z.infer<typeof BulkItemSchema>;

/** running: being worked on; finished: every matched job acted on; interrupted: its process stopped or a store failed, resumable. */
export const BulkStateSchema = z.enum(['running', 'finished', 'interrupted']);
export type BulkState = z.infer<typeof BulkStateSchema>;

/** GET /v1/bulk/{operation_id}: progress and a page of outcomes, in match order. */
export const BulkOperationResponseSchema = z.object({
  operation_id: UuidV4Schema,
  kind: BulkKindSchema,
  state: BulkStateSchema,
  /** Who asked: the signed-in principal, an API key's id (never the key), or the client address. */
  requested_by: z.string(),
  request: z.object({ job_ids: z.number().int().optional(), filter: BulkFilterSchema.optional() }),
  created_at: UtcTimestampSchema,
  updated_at: UtcTimestampSchema,
  finished_at: UtcTimestampSchema.optional(),
  matched: z.number().int().min(0),
  done: z.number().int().min(0),
  total: z.number().int().min(0),
  outcomes: z.record(z.string(), z.number().int().min(0)),
  /** Why an interrupted operation stopped, when it knows. */
  interrupted_reason: z.string().optional(),
  items: z.array(BulkItemSchema),
  next_cursor: z.string().nullable(),
});
export type BulkOperationResponse = z.infer<typeof BulkOperationResponseSchema>;

export const BulkOperationQuerySchema = z.strictObject({
  limit: z.coerce
    .number({ error: `must be a whole number from 1 to ${MAX_BULK_PAGE}` })
    .int({ error: `must be a whole number from 1 to ${MAX_BULK_PAGE}` })
    .min(1, { error: `must be a whole number from 1 to ${MAX_BULK_PAGE}` })
    .max(MAX_BULK_PAGE, { error: `must be a whole number from 1 to ${MAX_BULK_PAGE}` })
    .default(100),
  cursor: z.string().regex(/^(0|[1-9][0-9]{0,8})$/, 'is not a cursor this API gave out: pass next_cursor from the previous page').optional(),
});
