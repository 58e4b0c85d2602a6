import type { JobLeases } from '../core/ports/index.js';

/** Where the run a held record waits for is: in this worker, or in another (it holds the job's lease). */
export type RunningIn = 'this_worker' | 'other_worker';

export interface JobRunGateOptions {
  /** Leases shared by every worker (Redis); without them only this worker's runs are seen. */
  leases?: JobLeases;
  /** This worker's name as a lease holder: unique per worker process. */
  holder: string;
  /** How long a lease lasts unless renewed: a worker that dies holds its jobs' leases this long at most. */
  leaseTtlMs?: number;
  /** How often a lease is renewed while its job runs (a third of the TTL by default). */
  renewEveryMs?: number;
  /** How often a record whose job runs in another worker asks for the lease again. */
  retryEveryMs?: number;
  events?: {
    /** A record starts (true) or stops (false) waiting for a run of its job. */
    onWaiting?(runningIn: RunningIn, waiting: boolean): void;
    /** A running job's lease lapsed (not renewed in time, or taken): another worker may run the job too. */
    onLeaseLost?(jobId: string): void;
    /** A renewal or release failed; the lease expires by itself. */
    onLeaseError?(jobId: string, error: unknown): void;
  };
}

export const DEFAULT_LEASE_TTL_MS = 15_000;
export const DEFAULT_LEASE_RETRY_MS = 1_000;

/**
 * At most one record of a job runs at a time. A job's record can be delivered several times at
 * once (published twice, redelivered after a rebalance or a crash); run side by side, each copy
 * would call the job's provider before any of them stored a result.
 *
 * In this worker, a copy that arrives while another runs waits for it to end. Across workers,
 * a run holds the job's lease (renewed while it runs, released at its end); a copy whose job's
 * lease another worker holds waits, asking again every `retryEveryMs`, until it gets it. Either
 * way the copy then runs, finds the stored result and is done without calling the provider, and
 * its own outcome comes only then, so its offset is committed after that outcome as every
 * record's is. A lease held by a worker that died expires within `leaseTtlMs`, so no job waits
 * for a dead worker longer than that.
 */
export class JobRunGate {
  /** The run of each job now in progress in this process (waiting for its lease included), by job id. */
  private readonly running = new Map<string, Promise<unknown>>();
  private readonly ttlMs: number;
  private readonly renewEveryMs: number;
  private readonly retryEveryMs: number;

  constructor(private readonly options: JobRunGateOptions) {
    this.ttlMs = options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
    this.renewEveryMs = options.renewEveryMs ?? Math.floor(this.ttlMs / 3);
    this.retryEveryMs = options.retryEveryMs ?? DEFAULT_LEASE_RETRY_MS;
  }

  /**
   * Runs `work` once no other run of the job is in progress, here or (with leases) elsewhere.
   * Rejects with the signal's reason when it fires during a wait (the worker abandons its
   * records: this one comes again later), and with the leases' error when they cannot be asked.
   */
  async run<T>(jobId: string | null, signal: AbortSignal, work: () => Promise<T>): Promise<T> {
    // A record without a key is no job record: the execute path dead-letters it.
    if (jobId === null) return work();
    let current = this.running.get(jobId);
    if (current) {
      await this.waiting('this_worker', async () => {
        // Several copies may wait for one run; each looks again when it ends, and one goes next.
        while (current) {
          await untilSettledOrAborted(current, signal);
          current = this.running.get(jobId);
        }
      });
    }
    const run = this.options.leases ? this.underLease(this.options.leases, jobId, signal, work) : work();
    this.running.set(jobId, run);
    try {
      return await run;
    } finally {
      if (this.running.get(jobId) === run) this.running.delete(jobId);
    }
  }

  private async underLease<T>(leases: JobLeases, jobId: string, signal: AbortSignal, work: () => Promise<T>): Promise<T> {
    const { holder, events } = this.options;
    if (!(await leases.acquire(jobId, holder, this.ttlMs))) {
      await this.waiting('other_worker', async () => {
        do await delayOrAbort(this.retryEveryMs, signal);
        while (!(await leases.acquire(jobId, holder, this.ttlMs)));
      });
    }
    const renewer = setInterval(() => {
      leases.renew(jobId, holder, this.ttlMs).then(
        (held) => {
          if (!held) events?.onLeaseLost?.(jobId);
        },
        (error: unknown) => events?.onLeaseError?.(jobId, error),
      );
    }, this.renewEveryMs);
    renewer.unref();
    try {
      return await work();
    } finally {
      clearInterval(renewer);
      await leases.release(jobId, holder).catch((error: unknown) => events?.onLeaseError?.(jobId, error));
    }
  }

  private async waiting(runningIn: RunningIn, wait: () => Promise<void>): Promise<void> {
    this.options.events?.onWaiting?.(runningIn, true);
    try {
      await wait();
    } finally {
      this.options.events?.onWaiting?.(runningIn, false);
    }
  }
}

function untilSettledOrAborted(run: Promise<unknown>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    const settled = () => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    };
    run.then(settled, settled);
  });
}

function delayOrAbort(ms: number, signal: AbortSignal): Promise<void> {
  return untilSettledOrAborted(new Promise((resolve) => setTimeout(resolve, ms)), signal);
}
