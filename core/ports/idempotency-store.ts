/** What an Idempotency-Key remembers: which job it created and for which request body. */
export interface IdempotencyRecord {
  job_id: string;
  fingerprint: string;
  trace_id: string;
  job_type: string;
  submitted_at: string;
}

/** A record as stored: the submission, and whether the queue acknowledged its job's message. */
export interface StoredIdempotencyRecord extends IdempotencyRecord {
  /** False from the claim until `markEnqueued`: the job's message may not be on the queue yet. */
  enqueued: boolean;
}

export type ClaimResult = { claimed: true } | { claimed: false; existing: StoredIdempotencyRecord };

/**
 * Idempotency keys for submit, kept durably beside the results (MongoDB, unique `_id`) so they
 * outlive a Redis that loses its data, or in Redis (`SET NX` with a TTL) without one. `claim` is
 * atomic: of many racing claims of one key exactly one wins. A key is never released before its
 * TTL: once claimed it names its job for good, and a retry finishes that job's enqueue instead
 * of making another job.
 */
export interface IdempotencyStore {
  /** Claims the key for `record` (not yet enqueued), or shows the record that holds it. */
  claim(key: string, record: IdempotencyRecord, ttlSeconds: number): Promise<ClaimResult>;
  /**
   * Marks the key's job enqueued, if the key still names `jobId`; the TTL stays as it was.
   * Returns true when the key now says enqueued (also when it did already), false when the key
   * is gone or names another job.
   */
  markEnqueued(key: string, jobId: string): Promise<boolean>;
  /** The record the key holds, or undefined when it is not claimed (or has expired). */
  get(key: string): Promise<StoredIdempotencyRecord | undefined>;
  close(): Promise<void>;
}
