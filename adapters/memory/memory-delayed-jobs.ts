import { randomUUID } from 'node:crypto';
import type { ClaimDueOptions, ClaimedJob, DelayedJobStore, HeldJob } from '../../core/ports/index.js';

interface Held {
  job: HeldJob;
  /** When the job may be claimed next (ms): its run_at, then the end of each claim's lease. */
  dueAt: number;
  claim?: string;
}

/** Delayed jobs in process memory: for the embedded default and tests; lost with the process. */
export class MemoryDelayedJobStore implements DelayedJobStore {
  private readonly held = new Map<string, Held>();

  async hold(job: HeldJob): Promise<void> {
    if (this.held.has(job.job_id)) return;
    this.held.set(job.job_id, { job: copy(job), dueAt: Date.parse(job.run_at) });
  }

  async claimDue({ now, leaseMs, limit }: ClaimDueOptions): Promise<ClaimedJob[]> {
    const due = [...this.held.values()]
      .filter((entry) => entry.dueAt <= now.getTime())
      .sort((a, b) => a.dueAt - b.dueAt)
      .slice(0, limit);
    const claim = randomUUID();
    for (const entry of due) {
      entry.claim = claim;
      entry.dueAt = now.getTime() + leaseMs;
    }
    return due.map((entry) => ({ ...copy(entry.job), claim }));
  }

  async handedOver(jobs: ReadonlyArray<Pick<ClaimedJob, 'job_id' | 'claim'>>): Promise<void> {
    for (const { job_id, claim } of jobs) {
      if (this.held.get(job_id)?.claim === claim) this.held.delete(job_id);
    }
  }

  async remove(jobId: string): Promise<HeldJob | undefined> {
    const entry = this.held.get(jobId);
    this.held.delete(jobId);
    return entry?.job;
  }

  async count(): Promise<number> {
    return this.held.size;
  }

  async earliestRunAt(): Promise<string | undefined> {
    let earliest: string | undefined;
    for (const { job } of this.held.values()) if (earliest === undefined || Date.parse(job.run_at) < Date.parse(earliest)) earliest = job.run_at;
    return earliest;
  }

  async close(): Promise<void> {
    this.held.clear();
  }
}

/** A copy the caller cannot change through the one it passed or got (structuredClone would make the Buffer a Uint8Array). */
function copy(job: HeldJob): HeldJob {
  const { record } = job;
  return { job_id: job.job_id, run_at: job.run_at, record: { ...record, value: Buffer.from(record.value), headers: { ...record.headers } } };
}
