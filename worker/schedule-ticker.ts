import { runDueTicks, type ScheduleTickDeps } from '../core/domain/index.js';
import type { Lifecycle, Logger } from '../core/ports/index.js';

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
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> = Promise.resolve();
  private running = false;
  private readonly pollMs: number;
  private readonly batch: number;

  constructor(private readonly options: ScheduleTickerOptions) {
    this.pollMs = options.pollMs ?? DEFAULT_TICK_POLL_MS;
    this.batch = options.batch ?? DEFAULT_BATCH;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
    this.options.logger.info({ poll_ms: this.pollMs }, 'schedule ticker started');
  }

  ready(): boolean {
    return this.running;
  }

  /** Stops after the round in progress, which is let finish: a tick it submitted is then moved on. */
  async close(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearTimeout(this.timer);
    await this.round;
    this.options.logger.info({}, 'schedule ticker stopped');
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.round = this.runRound().then((handled) => this.schedule(handled >= this.batch ? 0 : this.pollMs));
    }, delayMs);
    // The ticker alone keeps no process alive: the host, the consumer or the health port do.
    this.timer.unref();
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
