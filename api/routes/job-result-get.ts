import { getJobResult } from '../../core/domain/index.js';
import type { RouteDefinition } from '../http/route-definition.js';
import { jsonResponse } from '../http/responses.js';

/** GET /v1/jobs/{job_id}/result: the durable result document. */
export const jobResultGet: RouteDefinition = {
  name: 'job-result-get',
  methods: ['GET'],
  route: 'v1/jobs/{job_id}/result',
  authLevel: 'function',
  create: (deps) => async (request) => {
    const result = await getJobResult({ results: deps.results, statuses: deps.statuses }, request.params.job_id);
    return jsonResponse(200, result);
  },
};
