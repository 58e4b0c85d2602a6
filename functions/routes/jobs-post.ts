import { IDEMPOTENCY_KEY_HEADER } from '../../contracts/index.js';
import { submitJob } from '../../core/domain/index.js';
import type { RouteDefinition } from '../http/route-definition.js';
import { readJsonBody } from '../http/read-json-body.js';
import { jsonResponse } from '../http/responses.js';

/** POST /v1/jobs: accept a job, answer 202 with where to watch it. */
export const jobsPost: RouteDefinition = {
  name: 'jobs-post',
  methods: ['POST'],
  route: 'v1/jobs',
  authLevel: 'function',
  create: (deps) => async (request, { traceId, trace }) => {
    const body = await readJsonBody(request);
    const job = await submitJob(deps.submit, {
      body,
      idempotencyKey: request.headers.get(IDEMPOTENCY_KEY_HEADER),
      traceId,
      trace,
    });
    deps.metrics.jobsSubmitted.inc({ job_type: job.job_type, replayed: String(job.replayed) });
    const statusUrl = `/v1/jobs/${job.job_id}/status`;
    return jsonResponse(
      202,
      {
        job_id: job.job_id,
        trace_id: job.trace_id,
        job_type: job.job_type,
        state: 'queued',
        submitted_at: job.submitted_at,
        status_url: statusUrl,
        result_url: `/v1/jobs/${job.job_id}/result`,
      },
      { location: statusUrl, ...(job.replayed ? { 'idempotent-replayed': 'true' } : {}) },
    );
  },
};
