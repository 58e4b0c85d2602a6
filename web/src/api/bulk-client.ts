import {
  BulkAcceptedResponseSchema,
  BulkOperationResponseSchema,
  type BulkAcceptedResponse,
  type BulkFilter,
  type BulkKind,
  type BulkOperationResponse,
} from '../../../contracts/bulk-api.js';
import { IDEMPOTENCY_KEY_HEADER } from '../../../contracts/http-api.js';
import { request } from './api-client.js';

export type { BulkFilter, BulkKind };
export type BulkTarget = { job_ids: string[] } | { filter: BulkFilter };
export type BulkOperation = BulkOperationResponse;

/** POST /v1/bulk/{kind}: cancel, retry (failed jobs) or replay (dead letters) by ids or by filter. */
export function startBulk(kind: BulkKind, target: BulkTarget, idempotencyKey: string): Promise<BulkAcceptedResponse> {
  return request(`/v1/bulk/${kind}`, BulkAcceptedResponseSchema, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [IDEMPOTENCY_KEY_HEADER]: idempotencyKey },
    body: JSON.stringify(target),
  });
}

/** GET /v1/bulk/{operation_id}: its progress and counts per outcome (the per-job page is not read). */
export function getBulkOperation(operationId: string): Promise<BulkOperation> {
  return request(`/v1/bulk/${encodeURIComponent(operationId)}?limit=1`, BulkOperationResponseSchema);
}
