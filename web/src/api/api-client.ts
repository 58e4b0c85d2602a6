import { z } from 'zod';
import {
  CancelJobResponseSchema,
  IDEMPOTENCY_KEY_HEADER,
  ListDeadLettersResponseSchema,
  ReplayDeadLetterResponseSchema,
  StatsResponseSchema,
  RetryJobResponseSchema,
  JobResultResponseSchema,
  JobStatusResponseSchema,
  JobTypeDescriptionSchema,
  ListJobsResponseSchema,
  SubmitJobResponseSchema,
  type CancelJobResponse,
  type ListDeadLettersResponse,
  type ReplayDeadLetterResponse,
  type StatsResponse,
  type JobResultResponse,
  type RetryJobResponse,
  type JobStatusResponse,
  type ListJobsResponse,
  type SubmitJobRequest,
  PurgeDeadLetterResponseSchema,
  type PurgeDeadLetterResponse,
} from '../../../contracts/http-api.js';
import { FleetResponseSchema, type FleetResponse } from '../../../contracts/fleet.js';
import type { JobState } from '../../../contracts/common.js';
import { ListSchedulesResponseSchema, ScheduleSchema, type CreateScheduleRequest, type Schedule } from '../../../contracts/schedules.js';
import type { JobType } from '../../../contracts/job-types.js';
import { API_BASE_URL } from '../api-base.js';
import { DtqClient } from '../../../client/index.js';
import { isApiError } from './api-errors.js';
import { credentialHeaders } from './credentials.js';

export interface JobListFilters {
  state?: JobState;
  job_type?: JobType;
  schedule_id?: string;
  /** UTC times (…Z): submitted at or after, and before. */
  submitted_after?: string;
  submitted_before?: string;
  /** Words that must all be in the label or the id. */
  q?: string;
  /** The exact label. */
  label?: string;
}

const LIST_FILTER_NAMES = ['state', 'job_type', 'schedule_id', 'submitted_after', 'submitted_before', 'q', 'label'] as const;

/** The typed client every call goes through; the sign-in's credentials are asked for per request. */
export const dtqClient = new DtqClient({ baseUrl: API_BASE_URL, headers: credentialHeaders });

/** Sends one request and checks the answer against its contract, so bad data fails loudly here. */
export function request<S extends z.ZodType>(path: string, schema: S, init?: RequestInit): Promise<z.infer<S>> {
  return dtqClient.request(path, schema, init);
}

/**
 * The API's job types, each under any name: a type this bundle was built without is still
 * offered by the form (and validated by the API alone).
 */
const ServedJobTypesSchema = z.object({
  job_types: z.array(
    JobTypeDescriptionSchema.extend({
      job_type: z.string(),
      // An API from before priorities lists none: its jobs are all normal.
      defaults: JobTypeDescriptionSchema.shape.defaults.extend({ priority: JobTypeDescriptionSchema.shape.defaults.shape.priority.optional() }),
      // An API from before per-key limits lists none: its types have no limits.
      limits: JobTypeDescriptionSchema.shape.limits.optional(),
    }),
  ),
});
export type ServedJobType = z.infer<typeof ServedJobTypesSchema>['job_types'][number];

export async function listJobTypes(): Promise<ServedJobType[]> {
  return (await request('/v1/job-types', ServedJobTypesSchema)).job_types;
}

/** A submitted job, of a job type this bundle may not know. */
const SubmittedJobResponseSchema = SubmitJobResponseSchema.extend({ job_type: z.string() });
export type SubmittedJobResponse = z.infer<typeof SubmittedJobResponseSchema>;

export function submitJob(body: SubmitJobRequest, idempotencyKey: string): Promise<SubmittedJobResponse> {
  return request('/v1/jobs', SubmittedJobResponseSchema, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [IDEMPOTENCY_KEY_HEADER]: idempotencyKey },
    body: JSON.stringify(body),
  });
}

export function listJobs(filters: JobListFilters, options: { limit: number; cursor?: string }): Promise<ListJobsResponse> {
  const query = new URLSearchParams({ limit: String(options.limit) });
  for (const name of LIST_FILTER_NAMES) {
    const value = filters[name];
    if (value) query.set(name, value);
  }
  if (options.cursor) query.set('cursor', options.cursor);
  return request(`/v1/jobs?${query}`, ListJobsResponseSchema);
}

export function getJobStatus(jobId: string): Promise<JobStatusResponse> {
  return request(`/v1/jobs/${encodeURIComponent(jobId)}/status`, JobStatusResponseSchema);
}

/** The durable result, or null while the job has none yet (404 RESULT_NOT_READY). */
export async function getJobResult(jobId: string): Promise<JobResultResponse | null> {
  try {
    return await request(`/v1/jobs/${encodeURIComponent(jobId)}/result`, JobResultResponseSchema);
  } catch (error) {
    if (isApiError(error, 'RESULT_NOT_READY')) return null;
    throw error;
  }
}

/** Cancels a queued or running job (409 JOB_NOT_CANCELLABLE once it finished). */
export function cancelJob(jobId: string): Promise<CancelJobResponse> {
  return request(`/v1/jobs/${encodeURIComponent(jobId)}/cancel`, CancelJobResponseSchema, { method: 'POST' });
}

/** Runs a failed job again as a new job; the key makes a repeated click (or a retried request) the same new job. */
export function retryJob(jobId: string, idempotencyKey: string): Promise<RetryJobResponse> {
  return request(`/v1/jobs/${encodeURIComponent(jobId)}/retry`, RetryJobResponseSchema, {
    method: 'POST',
    headers: { [IDEMPOTENCY_KEY_HEADER]: idempotencyKey },
  });
}

/** Jobs per state and type in the status window, and jobs ended per minute over the last hour. */
export function getStats(): Promise<StatsResponse> {
  return request('/v1/stats', StatsResponseSchema);
}

export function listDeadLetters(limit: number, cursor?: string): Promise<ListDeadLettersResponse> {
  return request(`/v1/dead-letters?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, ListDeadLettersResponseSchema);
}

/**
 * Puts a dead letter back on its topic (422 DEAD_LETTER_INVALID says why it cannot be), or the
 * corrected job message in its place.
 */
export function replayDeadLetter(id: string, corrected?: Record<string, unknown>): Promise<ReplayDeadLetterResponse> {
  return request(`/v1/dead-letters/${encodeURIComponent(id)}/replay`, ReplayDeadLetterResponseSchema, {
    method: 'POST',
    ...(corrected ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value: corrected }) } : {}),
  });
}

/** Marks a dead letter handled (purged); repeats answer the first mark. */
export function purgeDeadLetter(id: string): Promise<PurgeDeadLetterResponse> {
  return request(`/v1/dead-letters/${encodeURIComponent(id)}/purge`, PurgeDeadLetterResponseSchema, { method: 'POST' });
}

/** The running workers and their group's lag per topic and partition. */
export function getFleet(): Promise<FleetResponse> {
  return request('/v1/fleet', FleetResponseSchema);
}

/** A schedule of a job type this bundle may not know. */
const ServedScheduleSchema = ScheduleSchema.extend({ job_type: z.string() });
export type ServedSchedule = Omit<Schedule, 'job_type'> & { job_type: string };

export async function listSchedules(): Promise<ServedSchedule[]> {
  return (await request('/v1/schedules', ListSchedulesResponseSchema.extend({ items: z.array(ServedScheduleSchema) }))).items;
}

export function createSchedule(body: Omit<CreateScheduleRequest, 'job_type'> & { job_type: string }): Promise<ServedSchedule> {
  return request('/v1/schedules', ServedScheduleSchema, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** Pauses or resumes a schedule; repeats are harmless. */
export function setSchedulePaused(scheduleId: string, paused: boolean): Promise<ServedSchedule> {
  return request(`/v1/schedules/${encodeURIComponent(scheduleId)}/${paused ? 'pause' : 'resume'}`, ServedScheduleSchema, { method: 'POST' });
}

export async function deleteSchedule(scheduleId: string): Promise<void> {
  await request(`/v1/schedules/${encodeURIComponent(scheduleId)}`, z.unknown(), { method: 'DELETE' });
}
