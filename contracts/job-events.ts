import { z } from 'zod';
import { JobStateSchema, ProgressPercentSchema, UtcTimestampSchema, UuidV4Schema } from './common.js';
import { JobTypeSchema } from './job-types.js';
import { ListJobsQuerySchema } from './http-api.js';

/**
 * One Server-Sent Event of `GET /v1/jobs/{id}/events` and `GET /v1/events`: a job's status
 * after one change. The final event of a job (state `completed` or `failed`) carries `error`
 * (failed) or `result_url` (completed). `job_type` and `schedule_id` are there for the filters
 * of the all-jobs stream.
 */
export const JobEventSchema = z.object({
  job_id: UuidV4Schema,
  state: JobStateSchema,
  progress_percent: ProgressPercentSchema,
  message: z.string(),
  updated_at: UtcTimestampSchema,
  job_type: JobTypeSchema.optional(),
  schedule_id: UuidV4Schema.optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  result_url: z.string().optional(),
});
export type JobEvent = z.infer<typeof JobEventSchema>;

/** The SSE `event:` name of a job's status change. */
export const JOB_EVENT_NAME = 'status';

/**
 * An event's id: `<ms>-<seq>`, increasing per job (a Redis stream entry id). On the all-jobs
 * stream the id is `<job_id>/<ms>-<seq>`, so a client can tell which job it resumes.
 */
export const JOB_EVENT_ID_PATTERN = /^\d{1,15}-\d{1,10}$/;

/** Query names a browser's EventSource can send its credential in, accepted on the event routes only. */
export const EVENT_STREAM_CREDENTIAL_PARAMETERS = ['api_key', 'access_token'] as const;

export const isFinalState = (state: JobEvent['state']): boolean => state === 'completed' || state === 'failed';

/** An all-jobs stream's event id: the job, then its event's id. */
export const ALL_JOBS_EVENT_ID_PATTERN = /^[0-9a-fA-F-]{36}\/\d{1,15}-\d{1,10}$/;

/**
 * Credentials a browser's EventSource can send, which cannot set headers: an API key as
 * `api_key` (or `access_token`), and `code`, the Functions host's own function-key parameter.
 */
const credentialParameters = {
  api_key: z.string().max(512).optional(),
  access_token: z.string().max(512).optional(),
  code: z.string().max(512).optional(),
};

/** The query of `GET /v1/jobs/{id}/events`: `last_event_id` stands in for the Last-Event-ID header. */
export const JobEventsQuerySchema = z.strictObject({
  last_event_id: z.string().regex(JOB_EVENT_ID_PATTERN, 'must be an event id this stream gave out (<ms>-<seq>)').optional(),
  ...credentialParameters,
});

/** The query of `GET /v1/events`: the job list's filters, and `last_event_id`. */
export const EventsQuerySchema = z.strictObject({
  state: ListJobsQuerySchema.shape.state,
  job_type: ListJobsQuerySchema.shape.job_type,
  schedule_id: ListJobsQuerySchema.shape.schedule_id,
  last_event_id: z.string().regex(ALL_JOBS_EVENT_ID_PATTERN, 'must be an event id this stream gave out (<job_id>/<ms>-<seq>)').optional(),
  ...credentialParameters,
});
export type EventsQuery = z.infer<typeof EventsQuerySchema>;
