/**
 * The member's `concurrency` slots: a record holds one from its start until its outcome
 * (retries included), so a member never holds more records than that. A wait for a slot can
 * be given up (close, rebalance); waiters are served first come, first served.
 */
export class RecordSlots {
  private free: number;
  private readonly waiters: Array<() => void> = [];

  constructor(size: number) {
    this.free = Math.max(1, size);
  }

  /** A release function once a slot is free, or undefined when `signal` fires first. */
  acquire(signal: AbortSignal): Promise<(() => void) | undefined> {
    if (signal.aborted) return Promise.resolve(undefined);
    if (this.free > 0) {
      this.free -= 1;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve) => {
      const grant = () => {
        signal.removeEventListener('abort', giveUp);
        resolve(this.releaser());
      };
      const giveUp = () => {
        const index = this.waiters.indexOf(grant);
        if (index >= 0) this.waiters.splice(index, 1);
        resolve(undefined);
      };
      this.waiters.push(grant);
      signal.addEventListener('abort', giveUp, { once: true });
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next();
      else this.free += 1;
    };
  }
}
