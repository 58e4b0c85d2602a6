import { z } from 'zod';
import { SCHEMA_VERSION, UtcTimestampSchema, UuidV4Schema } from './common.js';
import { JobTypeSchema } from './job-types.js';

export const RESULT_DATABASE = 'dtq';
export const RESULT_COLLECTION = 'job_results';

export const JobErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
});
export type JobError = z.infer<typeof JobErrorSchema>;

/** The durable result in MongoDB `dtq.job_results`: one document per job_id, however often replayed. */
export const JobResultDocumentSchema = z.object({
  schema_version: z.literal(SCHEMA_VERSION),
  job_id: UuidV4Schema,
  job_type: JobTypeSchema,
  input: z.record(z.string(), z.unknown()),
  output: z.record(z.string(), z.unknown()).nullable(),
  final_state: z.enum(['completed', 'failed']),
  started_at: UtcTimestampSchema,
  completed_at: UtcTimestampSchema,
  error: JobErrorSchema.nullable(),
  trace_id: UuidV4Schema,
});
export type JobResultDocument = z.infer<typeof JobResultDocumentSchema>;
