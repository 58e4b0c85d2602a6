import type { Lifecycle, Logger } from '../core/ports/index.js';

export interface PollingLoopOptions {
  /** What the loop is, for its log lines ("schedule ticker"). */
  name: string;
  /** Handles one round of at most `batch` items; answers how many it handled. May reject. */
  round(batch: number): Promise<number>;
  pollMs: number;
  batch: number;
  /** Logged when a round rejects; the next round tries again. */
  roundFailedMessage: string;
  onRoundFailed?(): void;
  /** Fields of the "started" log line. */
  startFields?: Record<string, unknown>;
  logger: Logger;
}

/**
 * A loop that runs a round every `pollMs`, at once again when a round handled a whole batch. A
 * round that fails is logged and counted, and the next one tries again; the loop never rejects.
 * `close` lets the round in progress finish.
 */
export class PollingLoop implements Lifecycle {
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> = Promise.resolve();
  private running = false;

  constructor(private readonly options: PollingLoopOptions) {}

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
    this.options.logger.info({ poll_ms: this.options.pollMs, ...this.options.startFields }, `${this.options.name} started`);
  }

  ready(): boolean {
    return this.running;
  }

  async close(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearTimeout(this.timer);
    await this.current;
    this.options.logger.info({}, `${this.options.name} stopped`);
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.current = this.runRound().then((handled) => this.schedule(handled >= this.options.batch ? 0 : this.options.pollMs));
    }, delayMs);
    // The loop alone keeps no process alive: the host, the consumer or the health port do.
    this.timer.unref();
  }

  private async runRound(): Promise<number> {
    try {
      return await this.options.round(this.options.batch);
    } catch (error) {
      this.options.onRoundFailed?.();
      this.options.logger.warn({ err: error }, this.options.roundFailedMessage);
      return 0;
    }
  }
}
