import type { JobLeases } from '../../core/ports/index.js';
import { ExpiringMap } from './expiring-map.js';

/** Job leases in process memory, expiring like the Redis ones (one process: for the embedded default and tests). */
export class MemoryJobLeases implements JobLeases {
  private readonly leases: ExpiringMap<string, string>;

  constructor(options: { now?: () => number } = {}) {
    this.leases = new ExpiringMap(options.now);
  }

  async acquire(jobId: string, holder: string, ttlMs: number): Promise<boolean> {
    const current = this.leases.get(jobId);
    if (current !== undefined && current !== holder) return false;
    this.leases.set(jobId, holder, ttlMs / 1000);
    return true;
  }

  async renew(jobId: string, holder: string, ttlMs: number): Promise<boolean> {
    if (this.leases.get(jobId) !== holder) return false;
    this.leases.set(jobId, holder, ttlMs / 1000);
    return true;
  }

  async release(jobId: string, holder: string): Promise<void> {
    if (this.leases.get(jobId) === holder) this.leases.delete(jobId);
  }

  async close(): Promise<void> {
    this.leases.dispose();
  }
}
