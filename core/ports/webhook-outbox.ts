import type { WebhookDeliveryView } from '../../contracts/index.js';

/** A job's webhook as the outbox keeps it: what to send, where, and how far delivery has got. */
export interface StoredWebhookDelivery extends WebhookDeliveryView {
  job_id: string;
  /** The signed body, exactly as every attempt sends it. */
  body: string;
  created_at: string;
  /** Who holds the delivery now and until when; absent when nobody does. */
  lease_holder?: string;
  lease_until?: string;
}

/** What one attempt leaves behind; the lease holder writes it. */
export interface WebhookAttemptRecord {
  attempts: number;
  state: WebhookDeliveryView['state'];
  last_attempt_at: string;
  last_status_code?: number;
  last_error?: string;
  next_attempt_at?: string;
  delivered_at?: string;
  given_up_at?: string;
}

/** What one attempt of a delivery got back: an HTTP status, or what kept it from getting one. */
export type WebhookAnswer = { statusCode: number } | { error: string };

/**
 * The durable outbox of webhook deliveries (MongoDB beside the results, memory otherwise). A
 * worker adds a job's delivery before it commits the job's record, so a delivery is never lost;
 * deliverers claim due deliveries under a lease, so several deliverers send each once while all
 * run, and the claim of one that died expires for another to take.
 */
export interface WebhookOutbox {
  /** Adds the job's delivery; a job that has one already keeps it as it is (answers false). */
  add(delivery: StoredWebhookDelivery): Promise<boolean>;
  get(jobId: string): Promise<StoredWebhookDelivery | undefined>;
  /**
   * Claims up to `limit` pending deliveries due by `now` that nobody holds (or whose lease has
   * lapsed), earliest due first, for `holder` until `leaseUntil`.
   */
  claimDue(now: Date, holder: string, leaseUntil: Date, limit: number): Promise<StoredWebhookDelivery[]>;
  /** Records an attempt and releases the lease; false when `holder` no longer holds the delivery (nothing is written). */
  recordAttempt(jobId: string, holder: string, attempt: WebhookAttemptRecord): Promise<boolean>;
  /** How many deliveries are pending. */
  countPending(): Promise<number>;
  close(): Promise<void>;
}
