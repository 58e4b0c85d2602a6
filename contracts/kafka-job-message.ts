import { z } from 'zod';
import { SCHEMA_VERSION, UtcTimestampSchema, UuidV4Schema } from './common.js';
import { JOB_TYPES, JobPayloadSchemas, JobTypeSchema, type JobType } from './job-types.js';
import { JobTimeoutMsSchema } from './job-timeout.js';
import { JobPrioritySchema } from './job-priority.js';
import { CallbackUrlSchema } from './webhooks.js';
import { TRACE_HEADERS, TraceparentSchema, TracestateSchema } from './trace-context.js';

/** Headers every job message carries on Kafka. */
export const JOB_MESSAGE_HEADERS = {
  'content-type': 'application/json',
  'schema-version': SCHEMA_VERSION,
} as const;

/** Default topic template; `%s` is replaced by the job type. */
export const DEFAULT_TOPIC_TEMPLATE = 'jobs.%s.v1';
/** Where messages that fail contract validation go, with the reason in headers. */
export const DEAD_LETTER_TOPIC = 'jobs.dlq.v1';
/** Headers a dead-lettered record carries besides its original ones. */
export const DEAD_LETTER_HEADERS = {
  reason: 'dlq-reason',
  sourceTopic: 'dlq-source-topic',
  sourcePartition: 'dlq-source-partition',
  sourceOffset: 'dlq-source-offset',
  failedAt: 'dlq-failed-at',
} as const;

const envelopeShape = {
  schema_version: z.literal(SCHEMA_VERSION),
  job_id: UuidV4Schema,
  submitted_at: UtcTimestampSchema,
  trace_id: UuidV4Schema,
  /** The schedule whose tick made this job; absent for a job submitted by a client. */
  schedule_id: UuidV4Schema.optional(),
  /** The job's timeout; a message without one gets its job type's default. */
  timeout_ms: JobTimeoutMsSchema.optional(),
  /** The job's priority, which names its topic (see job-priority.ts); a message without one is normal. */
  priority: JobPrioritySchema.optional(),
  /** Where the worker POSTs the job's outcome when it ends; absent for a job without webhook. */
  callback_url: CallbackUrlSchema.optional(),
};

type MessageSchemaFor<K extends JobType> = z.ZodObject<
  typeof envelopeShape & { job_type: z.ZodLiteral<K>; payload: (typeof JobPayloadSchemas)[K] }
>;
type AnyMessageSchema = { [K in JobType]: MessageSchemaFor<K> }[JobType];

/** The job message body on `jobs.{job_type}.v1`, key = job_id; the payload is checked per type. */
export const JobMessageSchema = z.discriminatedUnion(
  'job_type',
  JOB_TYPES.map((type) => z.object({ ...envelopeShape, job_type: z.literal(type), payload: JobPayloadSchemas[type] })) as unknown as [
    AnyMessageSchema,
    ...AnyMessageSchema[],
  ],
);
export type JobMessage = z.infer<typeof JobMessageSchema>;

/** The contract's headers, plus the optional W3C trace context the worker continues. */
export const JobMessageHeadersSchema = z.object({
  'content-type': z.literal(JOB_MESSAGE_HEADERS['content-type']),
  'schema-version': z.literal(JOB_MESSAGE_HEADERS['schema-version']),
  [TRACE_HEADERS.traceparent]: TraceparentSchema.optional(),
  [TRACE_HEADERS.tracestate]: TracestateSchema.optional(),
  [TRACE_HEADERS.parentTraceparent]: z.string().max(256).optional(),
});

export { JobTypeSchema };
export type { JobType };
