import type { Lifecycle, Logger, WorkerHeartbeats } from '../core/ports/index.js';

export interface HeartbeatLoopOptions {
  heartbeats: WorkerHeartbeats;
  instance: string;
  version: string;
  concurrency: number;
  /** Jobs the worker runs now, read at each beat. */
  inFlight: () => number;
  intervalMs: number;
  ttlMs: number;
  now?: () => Date;
  /** Counts a beat that could not be written. */
  onBeatFailed?(): void;
  logger: Logger;
}

/**
 * Writes the worker's heartbeat every `intervalMs` so the fleet view lists it; on close it
 * removes the entry, so a worker that stops leaves the list at once rather than when its entry
 * expires. A beat that fails is logged and counted and the next one tries again; the loop never
 * rejects.
 */
export class HeartbeatLoop implements Lifecycle {
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> = Promise.resolve();
  private running = false;
  private readonly startedAt: string;
  private readonly now: () => Date;

  constructor(private readonly options: HeartbeatLoopOptions) {
    this.now = options.now ?? (() => new Date());
    this.startedAt = this.now().toISOString();
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.beat();
    this.timer = setInterval(() => void this.beat(), this.options.intervalMs);
    this.timer.unref();
  }

  ready(): boolean {
    return this.running;
  }

  async close(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearInterval(this.timer);
    await this.beating;
    await this.options.heartbeats.remove(this.options.instance).catch((error: unknown) => {
      this.options.logger.warn({ err: error }, 'heartbeat not removed; it expires by itself');
    });
  }

  private beat(): Promise<void> {
    const { heartbeats, instance, version, concurrency, ttlMs, logger } = this.options;
    const heartbeat = { instance, version, concurrency, in_flight: this.options.inFlight(), started_at: this.startedAt, last_heartbeat_at: this.now().toISOString() };
    this.beating = heartbeats.beat(heartbeat, ttlMs).catch((error: unknown) => {
      this.options.onBeatFailed?.();
      logger.warn({ err: error }, 'heartbeat not written; the next one tries again');
    });
    return this.beating;
  }
}
