import type { Lifecycle, Logger } from '../core/ports/index.js';

export interface PollingLoopOptions {
  /** What the start and stop lines of the log call the loop. */
  name: string;
  /** One round; true when it found a full batch, so the next starts at once. Never rejects: a round catches, logs and counts its own failures. */
  round(): Promise<boolean>;
  pollMs: number;
  logger: Logger;
  /** Logged with the start line. */
  startFields?: Record<string, unknown>;
}

/**
 * The loop of the worker's background rounds (schedule ticks, delayed-job hand-over): one round
 * at a time, the next after `pollMs`, or at once after a full one. close() stops after the round
 * in progress, which is let finish.
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
      this.current = this.options.round().then((full) => this.schedule(full ? 0 : this.options.pollMs));
    }, delayMs);
    // The loop alone keeps no process alive: the host, the consumer or the health port do.
    this.timer.unref();
  }
}
