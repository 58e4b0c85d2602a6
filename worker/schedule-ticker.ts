import { runDueTicks, type ScheduleTickDeps } from '../core/domain/index.js';
import type { Lifecycle, Logger } from '../core/ports/index.js';
import { PollingLoop } from './polling-loop.js';

/** How often the ticker looks for due schedules: ticks start at most this late. */
export const DEFAULT_TICK_POLL_MS = 250;
/** Schedules one round handles at most; a round that handled this many looks again at once. */
const DEFAULT_BATCH = 100;

export interface ScheduleTickerOptions {
  tick: ScheduleTickDeps;
  pollMs?: number;
  batch?: number;
  /** Counts a round that could not read the due schedules. */
  onRoundFailed?(): void;
  logger: Logger;
}

/**
 * Turns due schedule ticks into jobs, in every worker: the ticks are made safe to handle twice
 * (see runDueTicks), so no worker has to be elected, and ticks go on while any worker runs.
 * A round that fails is logged and counted, and the next one tries again; the loop never
 * rejects.
 */
export class ScheduleTicker implements Lifecycle {
  private readonly loop: PollingLoop;
  private readonly batch: number;

  constructor(private readonly options: ScheduleTickerOptions) {
    this.batch = options.batch ?? DEFAULT_BATCH;
    const pollMs = options.pollMs ?? DEFAULT_TICK_POLL_MS;
    this.loop = new PollingLoop({ name: 'schedule ticker', round: async () => (await this.runRound()) >= this.batch, pollMs, logger: options.logger });
  }

  start(): Promise<void> {
    return this.loop.start();
  }

  ready(): boolean {
    return this.loop.ready();
  }

  /** Stops after the round in progress, which is let finish: a tick it submitted is then moved on. */
  close(): Promise<void> {
    return this.loop.close();
  }

  private async runRound(): Promise<number> {
    try {
      return await runDueTicks(this.options.tick, this.batch);
    } catch (error) {
      this.options.onRoundFailed?.();
      this.options.logger.warn({ err: error }, 'could not read the due schedules; the next round tries again');
      return 0;
    }
  }
}
