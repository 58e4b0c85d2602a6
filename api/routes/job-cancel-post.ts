import { cancelJob } from '../../core/domain/index.js';
import type { RouteDefinition } from '../http/route-definition.js';
import { jsonResponse } from '../http/responses.js';

/** POST /v1/jobs/{job_id}/cancel: a queued or running job ends failed with CANCELLED. */
export const jobCancelPost: RouteDefinition = {
  name: 'job-cancel-post',
  methods: ['POST'],
  route: 'v1/jobs/{job_id}/cancel',
  authLevel: 'function',
  create: (deps) => async (request, { traceId }) => {
    const cancelled = await cancelJob({ statuses: deps.statuses, results: deps.results, delayed: deps.submit.delayed, now: deps.now, logger: deps.logger }, request.params.job_id, traceId);
    deps.metrics.jobCancels.inc({ job_type: cancelled.job_type ?? 'unknown', previous_state: cancelled.previous_state });
    const statusUrl = `/v1/jobs/${cancelled.job_id}/status`;
    return jsonResponse(
      202,
      { job_id: cancelled.job_id, state: cancelled.state, cancel_requested_at: cancelled.cancel_requested_at, status_url: statusUrl },
      { location: statusUrl },
    );
  },
};
