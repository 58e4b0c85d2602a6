import type { ClaimResult, IdempotencyRecord, IdempotencyStore, StoredIdempotencyRecord } from '../../core/ports/index.js';
import { ExpiringMap } from './expiring-map.js';

/** Idempotency keys in process memory; every operation is atomic because none awaits. */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly keys: ExpiringMap<string, StoredIdempotencyRecord>;

  constructor(options: { now?: () => number } = {}) {
    this.keys = new ExpiringMap(options.now);
  }

  async claim(key: string, record: IdempotencyRecord, ttlSeconds: number): Promise<ClaimResult> {
    const existing = this.keys.get(key);
    if (existing) return { claimed: false, existing: { ...existing } };
    this.keys.set(key, { ...record, enqueued: false }, ttlSeconds);
    return { claimed: true };
  }

  async markEnqueued(key: string, jobId: string): Promise<boolean> {
    const stored = this.keys.get(key);
    if (stored?.job_id !== jobId) return false;
    // Changed in place, so the entry keeps its expiry.
    stored.enqueued = true;
    return true;
  }

  async get(key: string): Promise<StoredIdempotencyRecord | undefined> {
    const stored = this.keys.get(key);
    return stored ? { ...stored } : undefined;
  }

  async close(): Promise<void> {
    this.keys.dispose();
  }
}
