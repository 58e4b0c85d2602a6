import { IDEMPOTENCY_KEY_HEADER } from '../../contracts/index.js';
import { retryJob } from '../../core/domain/index.js';
import { acceptedJobResponse } from '../http/accepted-job.js';
import type { RouteDefinition } from '../http/route-definition.js';

/** POST /v1/jobs/{job_id}/retry: a failed job submitted again as a new job that names it. */
export const jobRetryPost: RouteDefinition = {
  name: 'job-retry-post',
  methods: ['POST'],
  route: 'v1/jobs/{job_id}/retry',
  authLevel: 'function',
  create: (deps) => async (request, { traceId, trace }) => {
    const job = await retryJob(
      { submit: deps.submit, statuses: deps.statuses, results: deps.results, logger: deps.logger },
      { rawJobId: request.params.job_id, idempotencyKey: request.headers.get(IDEMPOTENCY_KEY_HEADER), traceId, trace },
    );
    deps.metrics.jobRetries.inc({ job_type: job.job_type, replayed: String(job.replayed) });
    return acceptedJobResponse(job, { retry_of: job.retry_of });
  },
};
