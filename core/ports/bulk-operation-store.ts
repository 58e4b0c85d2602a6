import type { BulkFilter, BulkKind, BulkOutcome } from '../../contracts/index.js';

/** What a bulk operation acts on, as the request named it. */
export interface BulkSelector {
  job_ids?: string[];
  filter?: BulkFilter;
}

/**
 * A bulk operation as stored. `matching`: its targets are being found, nothing has been acted
 * on; `running`: its targets are stored and being acted on; `interrupted`: it stopped before the
 * end (a store failed, the API shut down); `finished`. A `running` operation whose heartbeat is
 * older than the stale bound lost its process and is interrupted too.
 */
export interface StoredBulkOperation {
  operation_id: string;
  kind: BulkKind;
  requested_by: string;
  selector: BulkSelector;
  /** The request's fingerprint, so a repeat under its Idempotency-Key can be told from another request. */
  fingerprint: string;
  state: 'matching' | 'running' | 'interrupted' | 'finished';
  created_at: string;
  updated_at: string;
  heartbeat_at: string;
  finished_at?: string;
  total: number;
  interrupted_reason?: string;
}

/** One job (or dead letter) an operation acts on; `seq` is its place in match order. */
export interface BulkTarget {
  seq: number;
  job_id: string | null;
  dead_letter_id?: string;
}

export interface BulkItemOutcome {
  outcome: Exclude<BulkOutcome, 'pending'>;
  detail?: string;
  new_job_id?: string;
  done_at: string;
}

export interface StoredBulkItem extends BulkTarget {
  outcome: BulkOutcome;
  detail?: string;
  new_job_id?: string;
  done_at?: string;
}

export type BulkOperationPatch = Partial<Pick<StoredBulkOperation, 'state' | 'updated_at' | 'heartbeat_at' | 'finished_at' | 'total' | 'interrupted_reason'>>;

/**
 * Bulk operations and their targets, kept durably (MongoDB) before any job is acted on, so an
 * API that dies in the middle leaves an operation that says how far it got and can be resumed.
 */
export interface BulkOperationStore {
  /** Inserts a new operation; false when one with its id exists already. */
  create(operation: StoredBulkOperation): Promise<boolean>;
  get(operationId: string): Promise<StoredBulkOperation | undefined>;
  /** Stores the targets, all pending, in place of any an earlier, unfinished match stored. */
  putTargets(operationId: string, targets: BulkTarget[]): Promise<void>;
  /**
   * Applies the patch; with `ifHeartbeatAt`, only while the heartbeat is still that value (a
   * takeover by one resumer). True when applied.
   */
  update(operationId: string, patch: BulkOperationPatch, ifHeartbeatAt?: string): Promise<boolean>;
  /** Targets in `seq` order after `afterSeq`, all or only the pending ones. */
  items(operationId: string, page: { afterSeq?: number; limit: number; pendingOnly?: boolean }): Promise<StoredBulkItem[]>;
  /** Records what the action did to one target. */
  recordOutcome(operationId: string, seq: number, outcome: BulkItemOutcome): Promise<void>;
  /** How many targets have each outcome (pending included). */
  countOutcomes(operationId: string): Promise<Partial<Record<BulkOutcome, number>>>;
  close(): Promise<void>;
}
