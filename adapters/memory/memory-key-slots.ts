import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { DelayedJobs, KeySlotAnswer, KeySlots, ParkedRecord, QueueRecord } from '../../core/ports/index.js';
import { FlexibleRateLimits } from '../shared/rate-limits.js';

interface Scope {
  /** Job id → lease expiry (ms). */
  slots: Map<string, number>;
  line: string[];
  records: Map<string, QueueRecord>;
  /** Job id → hand-back deadline (ms). */
  handing: Map<string, number>;
  servedAt: number;
}

/** Key slots in process memory, with the Redis adapter's rules (one process: the embedded default and tests). */
export class MemoryKeySlots implements KeySlots {
  private readonly scopes = new Map<string, Scope>();

  constructor(private readonly now: () => number = Date.now) {}

  private scope(name: string): Scope {
    let scope = this.scopes.get(name);
    if (!scope) this.scopes.set(name, (scope = { slots: new Map(), line: [], records: new Map(), handing: new Map(), servedAt: this.now() }));
    const now = this.now();
    for (const [id, expiry] of scope.slots) if (expiry <= now) scope.slots.delete(id);
    const lapsed = [...scope.handing].filter(([, deadline]) => deadline <= now).sort((a, b) => a[1] - b[1]);
    for (const [id] of lapsed) scope.handing.delete(id);
    scope.line.unshift(...lapsed.map(([id]) => id));
    return scope;
  }

  async takeOrPark(name: string, jobId: string, max: number, ttlMs: number, record: QueueRecord): Promise<KeySlotAnswer> {
    const scope = this.scope(name);
    if (scope.slots.has(jobId) || (scope.line.length === 0 && scope.slots.size < max)) {
      scope.slots.set(jobId, this.now() + ttlMs);
      scope.handing.delete(jobId);
      scope.records.delete(jobId);
      scope.line = scope.line.filter((id) => id !== jobId);
      return { taken: true };
    }
    if (scope.handing.delete(jobId)) scope.line.unshift(jobId);
    else if (!scope.records.has(jobId)) scope.line.push(jobId);
    scope.records.set(jobId, record);
    return { taken: false, running: scope.slots.size, waiting: scope.line.length };
  }

  async renew(name: string, jobId: string, ttlMs: number): Promise<boolean> {
    const scope = this.scope(name);
    if (!scope.slots.has(jobId)) return false;
    scope.slots.set(jobId, this.now() + ttlMs);
    return true;
  }

  async release(name: string, jobId: string, max: number, reserveMs: number): Promise<ParkedRecord[]> {
    this.scopes.get(name)?.slots.delete(jobId);
    return this.scopes.has(name) ? this.handBack(name, max, reserveMs) : [];
  }

  async handBack(name: string, max: number, reserveMs: number): Promise<ParkedRecord[]> {
    const scope = this.scope(name);
    const out: ParkedRecord[] = [];
    while (scope.slots.size < max && scope.line.length > 0) {
      const jobId = scope.line.shift()!;
      const record = scope.records.get(jobId);
      if (!record) continue;
      scope.slots.set(jobId, this.now() + reserveMs);
      scope.handing.set(jobId, this.now() + reserveMs);
      out.push({ jobId, record });
    }
    if (out.length > 0) scope.servedAt = this.now();
    if (scope.line.length === 0 && scope.handing.size === 0 && scope.slots.size === 0) this.scopes.delete(name);
    return out;
  }

  async confirmHandedBack(name: string, jobId: string): Promise<void> {
    const scope = this.scopes.get(name);
    if (scope?.handing.delete(jobId)) scope.records.delete(jobId);
  }

  async waitingScopes(limit: number): Promise<string[]> {
    return [...this.scopes].filter(([, s]) => s.line.length > 0 || s.handing.size > 0).sort((a, b) => a[1].servedAt - b[1].servedAt).slice(0, limit).map(([name]) => name);
  }

  async waitingCount(): Promise<number> {
    return [...this.scopes.values()].reduce((sum, s) => sum + s.line.length, 0);
  }

  async lineLengths(limit: number): Promise<Array<{ scope: string; jobs: number }>> {
    return [...this.scopes].filter(([, s]) => s.line.length > 0).slice(0, limit).map(([scope, s]) => ({ scope, jobs: s.line.length }));
  }

  async close(): Promise<void> {}
}

/** Delayed jobs in process memory. */
export class MemoryDelayedJobs implements DelayedJobs {
  private readonly parked = new Map<string, { dueAt: number; record: QueueRecord; held?: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async park(jobId: string, dueAtMs: number, record: QueueRecord): Promise<void> {
    this.parked.set(jobId, { dueAt: dueAtMs, record });
  }

  async due(limit: number, reserveMs: number): Promise<ParkedRecord[]> {
    const now = this.now();
    const due = [...this.parked].filter(([, p]) => p.dueAt <= now).sort((a, b) => a[1].dueAt - b[1].dueAt).slice(0, limit);
    for (const [, parked] of due) parked.dueAt = parked.held = now + reserveMs;
    return due.map(([jobId, { record }]) => ({ jobId, record }));
  }

  async confirmDue(jobId: string): Promise<void> {
    const parked = this.parked.get(jobId);
    if (parked && parked.held === parked.dueAt) this.parked.delete(jobId);
  }

  async waitingCount(): Promise<number> {
    return this.parked.size;
  }

  async parkedRecords(limit: number): Promise<ParkedRecord[]> {
    return [...this.parked].sort((a, b) => a[1].dueAt - b[1].dueAt).slice(0, limit).map(([jobId, { record }]) => ({ jobId, record }));
  }

  async close(): Promise<void> {}
}

/** Rate limits in process memory (rate-limiter-flexible's RateLimiterMemory). */
export function memoryRateLimits(): FlexibleRateLimits {
  return new FlexibleRateLimits({ create: (options) => new RateLimiterMemory(options), keyPrefix: '' });
}
