import type { RouteDefinition } from '../http/route-definition.js';
import { jsonResponse } from '../http/responses.js';

/** GET /v1/bulk/{operation_id}: progress (done of total, running|finished|interrupted) and a page of outcomes per job. */
export const bulkGet: RouteDefinition = {
  name: 'bulk-get',
  methods: ['GET'],
  route: 'v1/bulk/{operation_id}',
  authLevel: 'function',
  create: (deps) => async (request) => {
    const operation = await deps.bulk.describe(request.params.operation_id, request.query.entries());
    return jsonResponse(200, operation);
  },
};
