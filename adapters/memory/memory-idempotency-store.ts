import type { ClaimResult, IdempotencyRecord, IdempotencyStore } from '../../core/ports/index.js';
import { ExpiringMap } from './expiring-map.js';

/** Idempotency keys in process memory; a claim is atomic because it never awaits. */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly keys: ExpiringMap<string, IdempotencyRecord>;

  constructor(options: { now?: () => number } = {}) {
    this.keys = new ExpiringMap(options.now);
  }

  async claim(key: string, record: IdempotencyRecord, ttlSeconds: number): Promise<ClaimResult> {
    const existing = this.keys.get(key);
    if (existing) return { claimed: false, existing: { ...existing } };
    this.keys.set(key, { ...record }, ttlSeconds);
    return { claimed: true };
  }

  async release(key: string, jobId: string): Promise<void> {
    if (this.keys.get(key)?.job_id === jobId) this.keys.delete(key);
  }

  async close(): Promise<void> {
    this.keys.dispose();
  }
}
