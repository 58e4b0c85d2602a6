import { z } from 'zod';
import { JobStateSchema, UtcTimestampSchema, UuidV4Schema } from '../../../contracts/common.js';
import { request } from './api-client.js';

/**
 * The bulk actions (POST /v1/bulk/cancel|retry|replay, GET /v1/bulk/{operation_id}), as far as
 * the console reads them: what was matched, how far the operation got and its outcomes.
 */
export type BulkKind = 'cancel' | 'retry' | 'replay';

export interface BulkFilter {
  state?: z.infer<typeof JobStateSchema>;
  job_type?: string;
  schedule_id?: string;
  submitted_after?: string;
  submitted_before?: string;
}

export type BulkTarget = { job_ids: string[] } | { filter: BulkFilter };

const BulkAcceptedSchema = z.object({ operation_id: UuidV4Schema, matched: z.number().int().min(0) });
export type BulkAccepted = z.infer<typeof BulkAcceptedSchema>;

const BulkOperationSchema = z.object({
  operation_id: UuidV4Schema,
  state: z.enum(['running', 'finished', 'interrupted']),
  matched: z.number().int().min(0),
  done: z.number().int().min(0),
  outcomes: z.record(z.string(), z.number().int().min(0)),
  finished_at: UtcTimestampSchema.optional(),
  interrupted_reason: z.string().optional(),
});
export type BulkOperation = z.infer<typeof BulkOperationSchema>;

export function startBulk(kind: BulkKind, target: BulkTarget, idempotencyKey: string): Promise<BulkAccepted> {
  return request(`/v1/bulk/${kind}`, BulkAcceptedSchema, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'Idempotency-Key': idempotencyKey },
    body: JSON.stringify(target),
  });
}

export function getBulkOperation(operationId: string): Promise<BulkOperation> {
  return request(`/v1/bulk/${encodeURIComponent(operationId)}?limit=1`, BulkOperationSchema);
}
