import { IDEMPOTENCY_KEY_HEADER, type BulkKind } from '../../contracts/index.js';
import type { RouteDefinition } from '../http/route-definition.js';
import { readJsonBody } from '../http/read-json-body.js';
import { jsonResponse } from '../http/responses.js';

/** POST /v1/bulk/{kind}: one operation over many jobs, named by `job_ids` or matched by `filter`; 202 at once with its id. */
function bulkPost(kind: BulkKind): RouteDefinition {
  return {
    name: `bulk-${kind}-post`,
    methods: ['POST'],
    route: `v1/bulk/${kind}`,
    authLevel: 'function',
    create: (deps) => async (request, { traceId, caller }) => {
      const body = await readJsonBody(request);
      const started = await deps.bulk.start(kind, { body, idempotencyKey: request.headers.get(IDEMPOTENCY_KEY_HEADER), requestedBy: caller, traceId });
      const { replayed, ...answer } = started;
      return jsonResponse(202, answer, { location: answer.status_url, ...(replayed ? { 'idempotent-replayed': 'true' } : {}) });
    },
  };
}

/** Queued and running jobs end cancelled. */
export const bulkCancelPost = bulkPost('cancel');
/** Failed jobs are submitted again, each as a new job that names it. */
export const bulkRetryPost = bulkPost('retry');
/** Dead letters go back onto their topics. */
export const bulkReplayPost = bulkPost('replay');
