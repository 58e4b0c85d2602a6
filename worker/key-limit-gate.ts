import { limitKeyOf, type JobLimits, type JobMessage } from '../contracts/index.js';
import { decodeJobRecord } from '../core/domain/index.js';
import { ProviderRetryAfterError } from '../core/errors/index.js';
import type { DelayedJobs, DeliveredRecord, DeliveryHandler, DeliveryOutcome, JobQueue, KeySlots, Lifecycle, Logger, ParkedRecord, RateLimits, StatusStore } from '../core/ports/index.js';
import type { KeyLimitMetrics, WaitReason } from '../telemetry/index.js';

export interface KeyLimitGateOptions {
  /** Each job type's limits in force (config/job-limits.ts). */
  limits: Partial<Record<string, JobLimits<never>>>;
  slots: KeySlots;
  delayed: DelayedJobs;
  rates: RateLimits;
  /** Where parked records are published again. */
  queue: Pick<JobQueue, 'publish'>;
  statuses: StatusStore;
  topicTemplate: string;
  metrics?: KeyLimitMetrics;
  logger: Logger;
  /** A key slot's lease: a worker that dies holding it frees it within this time. */
  leaseTtlMs?: number;
  /** How long a handed-back job's slot stays reserved for it (and its hand-back unconfirmed may take). */
  reserveMs?: number;
  /** How often the hand-back loop looks for keys with free slots and jobs whose time has come. */
  sweepEveryMs?: number;
  /** Closes the stores after the loop stopped. */
  onClose?: () => Promise<void>;
}

export const DEFAULT_KEY_LEASE_TTL_MS = 10_000;
const DEFAULT_RESERVE_MS = 30_000;
const DEFAULT_SWEEP_MS = 500;
/** Scopes and due jobs one round of the loop serves at most. */
const ROUND_BATCH = 200;

/**
 * Per-key limits in front of the job handler. A job whose key has every slot taken (or others
 * waiting) is parked in the key's line and its record reported done, so its offset is committed
 * only once it is parked; it holds no worker slot and blocks no other record of its partition.
 * A job over its key's rate, or whose provider answered 429 with Retry-After, is parked until its
 * time, using no attempt. Either way its status message says why it waits.
 *
 * Parked jobs come back as records published again to their topic: when a job releases its slot
 * (at once, for its key) and in a loop every `sweepEveryMs` (keys whose slot holder died, jobs
 * whose time has come). Each round serves every waiting key, least recently served first, up to
 * its free slots: keys take turns on the topic.
 */
export class KeyLimitGate implements Lifecycle {
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private readonly leaseTtlMs: number;
  private readonly reserveMs: number;

  constructor(private readonly options: KeyLimitGateOptions) {
    this.leaseTtlMs = options.leaseTtlMs ?? DEFAULT_KEY_LEASE_TTL_MS;
    this.reserveMs = options.reserveMs ?? DEFAULT_RESERVE_MS;
  }

  /** The handler with limits in front of it. */
  wrap(handler: DeliveryHandler): DeliveryHandler {
    return async (record, context) => {
      const decoded = decodeJobRecord(record, this.options.topicTemplate);
      if (!decoded.ok) return handler(record, context);
      const message = decoded.message;
      const limits = this.options.limits[message.job_type];
      const concurrency = limits?.concurrency;
      if (!concurrency) return this.underRate(handler, record, context, message);
      const key = limitKeyOf(concurrency.key, message.payload);
      const scope = `${message.job_type}:${key}`;
      const answer = await this.options.slots.takeOrPark(scope, message.job_id, concurrency.max, this.leaseTtlMs, record);
      if (!answer.taken) {
        await this.held(message, 'key', `waiting for key ${key}: ${answer.running} running, limit ${concurrency.max}`);
        return { kind: 'done' };
      }
      const renewer = setInterval(() => {
        this.options.slots.renew(scope, message.job_id, this.leaseTtlMs).catch((error: unknown) => this.options.logger.warn({ err: error, scope }, 'key slot lease not renewed; it expires by itself'));
      }, Math.floor(this.leaseTtlMs / 3));
      renewer.unref();
      try {
        return await this.underRate(handler, record, context, message);
      } finally {
        clearInterval(renewer);
        // Freed and the next waiting jobs reserved in one step; what fails, lease expiry and the loop make good.
        const parked = await this.options.slots
          .release(scope, message.job_id, concurrency.max, this.reserveMs)
          .catch((error: unknown) => (this.options.logger.warn({ err: error, scope }, 'key slot not released; its lease expires by itself'), []));
        void this.publish(parked, 'key', (jobId) => this.options.slots.confirmHandedBack(scope, jobId)).catch((error: unknown) =>
          this.options.logger.warn({ err: error, scope }, 'hand-back not published; the job goes back to its line when its reservation lapses'),
        );
      }
    };
  }

  private async underRate(handler: DeliveryHandler, record: DeliveredRecord, context: { signal: AbortSignal }, message: JobMessage): Promise<DeliveryOutcome> {
    const rate = this.options.limits[message.job_type]?.rate;
    if (rate) {
      const key = limitKeyOf(rate.key, message.payload);
      const answer = await this.options.rates.take(`${message.job_type}:${key}`, rate.points, rate.per_ms);
      if (!answer.allowed) {
        await this.options.delayed.park(message.job_id, answer.retryAtMs, record);
        await this.held(message, 'rate', `rate limited until ${new Date(answer.retryAtMs).toISOString()}: key ${key}, ${rate.points} per ${rate.per_ms} ms`);
        return { kind: 'done' };
      }
    }
    try {
      return await handler(record, context);
    } catch (error) {
      if (!(error instanceof ProviderRetryAfterError) || context.signal.aborted) throw error;
      const at = Date.now() + error.retryAfterMs;
      await this.options.delayed.park(message.job_id, at, record);
      await this.held(message, 'rate', `the provider asked to wait: trying again at ${new Date(at).toISOString()}`);
      return { kind: 'done' };
    }
  }

  /** Counts a parked job and says in its status why it waits (its state and progress unchanged). */
  private async held(message: JobMessage, reason: WaitReason, text: string): Promise<void> {
    this.options.metrics?.parked.inc({ job_type: message.job_type, reason });
    const current = await this.options.statuses.get(message.job_id);
    await this.options.statuses.write({
      job_id: message.job_id,
      trace_id: message.trace_id,
      job_type: message.job_type,
      submitted_at: message.submitted_at,
      state: current?.state ?? 'queued',
      progress_percent: current?.progress_percent ?? 0,
      message: text,
      updated_at: new Date().toISOString(),
    });
  }

  /** Hands back as many of the scope's waiting jobs as it has free slots. */
  private async serveScope(scope: string): Promise<void> {
    const type = scope.slice(0, scope.indexOf(':'));
    // A type whose limit was turned off since its jobs parked: they all go back.
    const max = this.options.limits[type]?.concurrency?.max ?? Number.MAX_SAFE_INTEGER;
    const parked = await this.options.slots.handBack(scope, max, this.reserveMs);
    await this.publish(parked, 'key', (jobId) => this.options.slots.confirmHandedBack(scope, jobId));
  }

  private async publish(parked: ParkedRecord[], reason: WaitReason, confirm: (jobId: string) => Promise<void>): Promise<void> {
    await Promise.all(
      parked.map(async ({ jobId, record }) => {
        await this.options.queue.publish(record);
        this.options.metrics?.handedBack.inc({ reason });
        await confirm(jobId);
      }),
    );
  }

  /** One round: every waiting key, then jobs whose time has come. */
  async sweep(): Promise<void> {
    for (const scope of await this.options.slots.waitingScopes(ROUND_BATCH)) await this.serveScope(scope);
    const due = await this.options.delayed.due(ROUND_BATCH, this.reserveMs);
    await this.publish(due, 'rate', (jobId) => this.options.delayed.confirmDue(jobId));
  }

  /** Jobs waiting now, by reason (for the metric). */
  async waiting(): Promise<Record<WaitReason, number>> {
    const [key, rate] = await Promise.all([this.options.slots.waitingCount(), this.options.delayed.waitingCount()]);
    return { key, rate };
  }

  async start(): Promise<void> {
    const every = this.options.sweepEveryMs ?? DEFAULT_SWEEP_MS;
    const tick = () => {
      this.round = this.sweep()
        .catch((error: unknown) => {
          this.options.metrics?.roundsFailed.inc();
          this.options.logger.warn({ err: error }, 'hand-back round failed; the next one tries again');
        })
        .finally(() => {
          this.round = undefined;
          if (this.timer) this.timer = setTimeout(tick, every).unref();
        });
    };
    // The sweep alone keeps no process alive: the host, the consumer or the health port do.
    this.timer = setTimeout(tick, every).unref();
  }

  ready(): boolean {
    return true;
  }

  async close(): Promise<void> {
    const timer = this.timer;
    this.timer = undefined;
    clearTimeout(timer);
    await this.round;
    await this.options.onClose?.().catch((error: unknown) => this.options.logger.warn({ err: error }, 'key limit stores did not close cleanly'));
  }
}
