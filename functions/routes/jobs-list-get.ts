import { listJobs } from '../../core/domain/index.js';
import type { RouteDefinition } from '../http/route-definition.js';
import { jsonResponse } from '../http/responses.js';

/** GET /v1/jobs?state=&job_type=&limit=&cursor=: recent jobs, newest first. */
export const jobsListGet: RouteDefinition = {
  name: 'jobs-list-get',
  methods: ['GET'],
  route: 'v1/jobs',
  authLevel: 'function',
  create: (deps) => async (request) => {
    const page = await listJobs(deps.statuses, request.query.entries());
    return jsonResponse(200, page);
  },
};
