/** What an Idempotency-Key remembers: which job it created and for which request body. */
export interface IdempotencyRecord {
  job_id: string;
  fingerprint: string;
  trace_id: string;
  job_type: string;
  submitted_at: string;
}

export type ClaimResult = { claimed: true } | { claimed: false; existing: IdempotencyRecord };

/**
 * Idempotency keys for submit, kept beside the status (Redis `SET NX` with a TTL). `claim` is
 * atomic: of many racing claims of one key exactly one wins.
 */
export interface IdempotencyStore {
  claim(key: string, record: IdempotencyRecord, ttlSeconds: number): Promise<ClaimResult>;
  /** Forgets the key if it still points at `jobId` (used when the job could not be enqueued). */
  release(key: string, jobId: string): Promise<void>;
  close(): Promise<void>;
}
