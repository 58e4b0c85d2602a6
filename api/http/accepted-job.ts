import type { HttpResponseInit } from '@azure/functions';
import { trace } from '@opentelemetry/api';
import type { SubmittedJob } from '../../core/domain/index.js';
import { jsonResponse } from './responses.js';

/** The 202 of a submitted job (a submit or a retry): where to watch it, with Location. */
export function acceptedJobResponse(job: SubmittedJob, extra: Record<string, unknown> = {}): HttpResponseInit {
  // The request's span names the job, as the worker's span of the same trace does.
  trace.getActiveSpan()?.setAttribute('job_id', job.job_id);
  const statusUrl = `/v1/jobs/${job.job_id}/status`;
  return jsonResponse(
    202,
    {
      job_id: job.job_id,
      trace_id: job.trace_id,
      job_type: job.job_type,
      state: 'queued',
      submitted_at: job.submitted_at,
      ...(job.run_at ? { run_at: job.run_at } : {}),
      status_url: statusUrl,
      result_url: `/v1/jobs/${job.job_id}/result`,
      ...extra,
    },
    { location: statusUrl, ...(job.replayed ? { 'idempotent-replayed': 'true' } : {}) },
  );
}
