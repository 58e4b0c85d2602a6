import { IDEMPOTENCY_KEY_HEADER } from '../../contracts/index.js';
import { SUBMIT_DEADLINE_MS, submitJob } from '../../core/domain/index.js';
import { acceptedJobResponse } from '../http/accepted-job.js';
import type { RouteDefinition } from '../http/route-definition.js';
import { readJsonBody } from '../http/read-json-body.js';

/** POST /v1/jobs: accept a job, answer 202 with where to watch it. */
export const jobsPost: RouteDefinition = {
  name: 'jobs-post',
  methods: ['POST'],
  route: 'v1/jobs',
  authLevel: 'function',
  create: (deps) => async (request, { traceId, trace, startedAt }) => {
    const body = await readJsonBody(request);
    const job = await submitJob(deps.submit, {
      body,
      idempotencyKey: request.headers.get(IDEMPOTENCY_KEY_HEADER),
      traceId,
      trace,
      // A dependency that hangs gets a 503 by then, however many submits wait beside this one.
      deadlineAt: startedAt + SUBMIT_DEADLINE_MS,
    });
    deps.metrics.jobsSubmitted.inc({ job_type: job.job_type, replayed: String(job.replayed) });
    return acceptedJobResponse(job);
  },
};
