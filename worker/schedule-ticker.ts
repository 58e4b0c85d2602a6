import { runDueTicks, type ScheduleTickDeps } from '../core/domain/index.js';
import type { Logger } from '../core/ports/index.js';
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
 * rejects. Closing lets the round in progress finish: a tick it submitted is then moved on.
 */
export class ScheduleTicker extends PollingLoop {
  constructor(options: ScheduleTickerOptions) {
    super({
      name: 'schedule ticker',
      round: (batch) => runDueTicks(options.tick, batch),
      pollMs: options.pollMs ?? DEFAULT_TICK_POLL_MS,
      batch: options.batch ?? DEFAULT_BATCH,
      roundFailedMessage: 'could not read the due schedules; the next round tries again',
      ...(options.onRoundFailed ? { onRoundFailed: options.onRoundFailed } : {}),
      logger: options.logger,
    });
  }
}
