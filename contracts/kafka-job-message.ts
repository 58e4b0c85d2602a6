import { z } from 'zod';
import { SCHEMA_VERSION, UtcTimestampSchema, UuidV4Schema } from './common.js';
import { JobPayloadSchemas, JobTypeSchema, type JobType } from './job-types.js';
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

const envelope = {
  schema_version: z.literal(SCHEMA_VERSION),
  job_id: UuidV4Schema,
  submitted_at: UtcTimestampSchema,
  trace_id: UuidV4Schema,
};

/** The job message body on `jobs.{job_type}.v1`, key = job_id; the payload is checked per type. */
export const JobMessageSchema = z.discriminatedUnion('job_type', [
  z.object({ ...envelope, job_type: z.literal('weather'), payload: JobPayloadSchemas.weather }),
  z.object({ ...envelope, job_type: z.literal('quote'), payload: JobPayloadSchemas.quote }),
  z.object({
    ...envelope,
    job_type: z.literal('exchange_rate'),
    payload: JobPayloadSchemas.exchange_rate,
  }),
  z.object({ ...envelope, job_type: z.literal('github_user'), payload: JobPayloadSchemas.github_user }),
]);
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
