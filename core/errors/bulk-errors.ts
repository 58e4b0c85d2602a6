import { echoValue } from '../../contracts/index.js';
import { DependencyUnavailableError, DtqError } from './dtq-error.js';

export class InvalidOperationIdError extends DtqError {
  readonly code = 'INVALID_OPERATION_ID';
  constructor(operationId: string) {
    super(`operation_id "${echoValue(operationId)}" is not a UUID v4`, { fields: [{ field: 'operation_id', message: 'must be a UUID v4' }] });
  }
}

export class BulkOperationNotFoundError extends DtqError {
  readonly code = 'BULK_OPERATION_NOT_FOUND';
  constructor(operationId: string) {
    super(`bulk operation ${operationId} was not found`, { operation_id: operationId });
  }
}

/**
 * The queue did not confirm a batch's messages, so whether they were enqueued is unknown: a 503
 * whose details carry the job ids. The jobs stay queued; a retry of the batch with the same
 * Idempotency-Key publishes them again.
 */
export class BatchEnqueueUnconfirmedError extends DependencyUnavailableError {
  override readonly details: Record<string, unknown>;
  constructor(readonly jobIds: string[], reason: string, options?: { cause?: unknown }) {
    super('job queue', reason, options);
    this.details = { dependency: this.dependency, job_ids: jobIds, enqueue: 'unconfirmed' };
  }
}
