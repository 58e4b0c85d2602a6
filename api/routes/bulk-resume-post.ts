import type { RouteDefinition } from '../http/route-definition.js';
import { jsonResponse } from '../http/responses.js';

/**
 * POST /v1/bulk/{operation_id}/resume: an interrupted operation acts on the jobs it has not
 * reached yet. A finished one, or one a live API is still working on, is answered as it is.
 */
export const bulkResumePost: RouteDefinition = {
  name: 'bulk-resume-post',
  methods: ['POST'],
  route: 'v1/bulk/{operation_id}/resume',
  authLevel: 'function',
  create: (deps) => async (request, { traceId, caller }) => {
    const resumed = await deps.bulk.resume(request.params.operation_id, caller, traceId);
    return jsonResponse(202, resumed, { location: resumed.status_url });
  },
};
