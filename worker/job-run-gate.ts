/**
 * At most one record of a job runs at a time in this worker. A job's record can be delivered
 * several times at once (published twice, redelivered after a rebalance or a crash); run side by
 * side, each copy would call the job's provider before any of them stored a result. A copy that
 * arrives while another runs waits for it to end, then runs: it finds the stored result and is
 * done without calling the provider. Its own outcome comes only then, so its offset is committed
 * after that outcome, as every record's is.
 */
export class JobRunGate {
  /** The run of each job now in progress in this process, by job id. */
  private readonly running = new Map<string, Promise<unknown>>();

  constructor(private readonly events: { onWaiting?(waiting: boolean): void } = {}) {}

  /**
   * Runs `work` once no other run of the job is in progress here. Rejects with the signal's reason
   * when it fires during the wait (the worker abandons its records: this one comes again later).
   */
  async run<T>(jobId: string | null, signal: AbortSignal, work: () => Promise<T>): Promise<T> {
    // A record without a key is no job record: the execute path dead-letters it.
    if (jobId === null) return work();
    let current = this.running.get(jobId);
    if (current) {
      this.events.onWaiting?.(true);
      try {
        // Several copies may wait for one run; each looks again when it ends, and one goes next.
        while (current) {
          await untilSettledOrAborted(current, signal);
          current = this.running.get(jobId);
        }
      } finally {
        this.events.onWaiting?.(false);
      }
    }
    const run = work();
    this.running.set(jobId, run);
    try {
      return await run;
    } finally {
      if (this.running.get(jobId) === run) this.running.delete(jobId);
    }
  }
}

function untilSettledOrAborted(run: Promise<unknown>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    const settled = () => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    };
    run.then(settled, settled);
  });
}
