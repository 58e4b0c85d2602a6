import { listJobs } from '../../core/domain/index.js';
import type { RouteDefinition } from '../http/route-definition.js';
import { jsonResponse } from '../http/responses.js';

/** GET /v1/jobs?state=&job_type=&limit=&cursor=: jobs newest first, the status window then the stored results. */
export const jobsListGet: RouteDefinition = {
  name: 'jobs-list-get',
  methods: ['GET'],
  route: 'v1/jobs',
  authLevel: 'function',
  create: (deps) => async (request) => {
    const page = await listJobs(
      { statuses: deps.statuses, results: deps.results, now: deps.now, logger: deps.logger, statusTtlSeconds: deps.statusTtlSeconds },
      request.query.entries(),
    );
    return jsonResponse(200, page);
  },
};
