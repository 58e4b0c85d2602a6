import { WeightedTurns } from './weighted-turns.js';

/**
 * The member's `concurrency` slots: a record holds one from its start until its outcome
 * (retries included), so a member never holds more records than that. A wait for a slot can
 * be given up (close, rebalance). Waiters are served first come, first served within their
 * lane; between lanes (the job priorities) by weighted turns.
 */
export class RecordSlots {
  private free: number;
  private readonly waiters = new Map<string, Array<() => void>>();
  private readonly turns: WeightedTurns;

  constructor(size: number, weights: Readonly<Record<string, number>> = {}) {
    this.free = Math.max(1, size);
    this.turns = new WeightedTurns(weights);
  }

  /** A release function once a slot is free, or undefined when `signal` fires first. */
  acquire(signal: AbortSignal, lane = ''): Promise<(() => void) | undefined> {
    if (signal.aborted) return Promise.resolve(undefined);
    if (this.free > 0) {
      this.free -= 1;
      this.turns.take([lane]);
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve) => {
      const queue = this.waiters.get(lane) ?? [];
      this.waiters.set(lane, queue);
      const grant = () => {
        signal.removeEventListener('abort', giveUp);
        resolve(this.releaser());
      };
      const giveUp = () => {
        const index = queue.indexOf(grant);
        if (index >= 0) queue.splice(index, 1);
        resolve(undefined);
      };
      queue.push(grant);
      signal.addEventListener('abort', giveUp, { once: true });
    });
  }

  /** Waiters per lane. */
  waiting(): Map<string, number> {
    return new Map([...this.waiters].map(([lane, queue]) => [lane, queue.length]));
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const lane = this.turns.take([...this.waiters].filter(([, queue]) => queue.length > 0).map(([name]) => name));
      const next = lane === undefined ? undefined : this.waiters.get(lane)!.shift();
      if (next) next();
      else this.free += 1;
    };
  }
}
