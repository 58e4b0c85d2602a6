import type { WorkerHeartbeat, WorkerHeartbeats } from '../../core/ports/index.js';
import { ExpiringMap } from './expiring-map.js';

/** Heartbeats in process memory, expiring like the Redis ones (one process: the embedded default and tests). */
export class MemoryWorkerHeartbeats implements WorkerHeartbeats {
  private readonly entries: ExpiringMap<string, WorkerHeartbeat>;

  constructor(options: { now?: () => number } = {}) {
    this.entries = new ExpiringMap(options.now);
  }

  async beat(heartbeat: WorkerHeartbeat, ttlMs: number): Promise<void> {
    this.entries.set(heartbeat.instance, { ...heartbeat }, ttlMs / 1000);
  }

  async remove(instance: string): Promise<void> {
    this.entries.delete(instance);
  }

  async list(): Promise<WorkerHeartbeat[]> {
    return [...this.entries.values()];
  }

  async close(): Promise<void> {
    this.entries.dispose();
  }
}
