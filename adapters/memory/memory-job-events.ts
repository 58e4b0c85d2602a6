import { STATUS_TTL_SECONDS, type JobEvent } from '../../contracts/index.js';
import { compareEventIds, type JobEventRecord, type JobEvents } from '../../core/ports/index.js';
import { ExpiringMap } from './expiring-map.js';

/** Job events in process memory (the embedded default): the same capped per-job log and ids as Redis. */
export class MemoryJobEvents implements JobEvents {
  private readonly logs: ExpiringMap<string, JobEventRecord[]>;
  private readonly listeners = new Set<(record: JobEventRecord) => void>();
  private lastId = '0-0';

  constructor(private readonly options: { ttlSeconds?: number; maxPerJob?: number; now?: () => number } = {}) {
    this.logs = new ExpiringMap(options.now);
  }

  async append(event: JobEvent): Promise<string> {
    const ms = (this.options.now ?? Date.now)();
    const [lastMs = 0, lastSeq = 0] = this.lastId.split('-').map(Number);
    const id = ms > lastMs ? `${ms}-0` : `${lastMs}-${lastSeq + 1}`;
    this.lastId = id;
    const record = { id, event: structuredClone(event) };
    const log = [...(this.logs.get(event.job_id) ?? []), record].slice(-(this.options.maxPerJob ?? 64));
    this.logs.set(event.job_id, log, this.options.ttlSeconds ?? STATUS_TTL_SECONDS);
    for (const listener of this.listeners) listener(record);
    return id;
  }

  async history(jobId: string, afterId?: string): Promise<JobEventRecord[]> {
    const log = this.logs.get(jobId) ?? [];
    return afterId ? log.filter((record) => compareEventIds(record.id, afterId) > 0) : [...log];
  }

  async follow(listener: (record: JobEventRecord) => void): Promise<() => void> {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.logs.dispose();
  }
}
