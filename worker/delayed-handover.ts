import { randomUUID } from 'node:crypto';
import { guardDependency, recordLogFields } from '../core/domain/index.js';
import type { ClaimedJob, DelayedJobStore, JobQueue, Logger } from '../core/ports/index.js';
import { PollingLoop } from './polling-loop.js';

/** How often the hand-over looks for due jobs when none were due: a job starts within this after its run_at. */
export const DEFAULT_HANDOVER_POLL_MS = 250;
/**
 * Jobs claimed at once; a full batch is followed by the next at once. Large, because finding the
 * due jobs is what a round costs (on MongoDB an index range; on servers that scan, the whole
 * collection), not how many it gives back.
 */
const DEFAULT_BATCH_SIZE = 5_000;
/** Claimed batches being published and marked at once, while the next is claimed. */
const MAX_BATCHES_IN_FLIGHT = 4;
/**
 * A claim this old lapses: its jobs are claimed again by any hand-over (this one's process died,
 * or its publish hung). Longer than a batch takes to publish on a loaded machine (a lease that
 * ends first gets the batch published twice), short enough that a dead worker's jobs start soon.
 */
const DEFAULT_LEASE_MS = 30_000;
/** How long one publish may take before its job is left to its claim's lapse. */
const DEFAULT_PUBLISH_TIMEOUT_MS = 5_000;

export interface DelayedHandoverEvents {
  /** Jobs were handed over; `latenessMs` for each, from its run_at to the queue's acknowledgement. */
  onHandedOver?(latenessMs: number[]): void;
  /** A step failed (claim, publish, mark); what it was doing is tried again. */
  onError?(step: 'claim' | 'publish' | 'mark'): void;
}

export interface DelayedHandoverOptions {
  delayed: DelayedJobStore;
  queue: JobQueue;
  logger: Logger;
  /** Names this hand-over in logs; a random id by default. */
  holder?: string;
  pollMs?: number;
  batchSize?: number;
  leaseMs?: number;
  publishTimeoutMs?: number;
  events?: DelayedHandoverEvents;
  now?: () => Date;
}

/**
 * Hands delayed jobs to the queue once due, in every worker: claim a batch (a lease, so of
 * several workers one hands each job over), publish each job's record as submit made it, then
 * remove the published ones from the holding place. A process that dies after the claim leaves
 * jobs that are claimed again when the lease lapses, published or not: none is lost; one
 * published twice has the same job_id, which the worker runs once. A publish that fails leaves
 * its job to that lapse too. Rounds run as the schedule ticker's do: one at a time, a full one
 * followed by the next at once, a failed one logged and counted; the loop never rejects.
 */
export class DelayedHandover extends PollingLoop {
  private readonly holder: string;
  private readonly leaseMs: number;
  private readonly publishTimeoutMs: number;
  private readonly now: () => Date;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly handover: DelayedHandoverOptions) {
    const holder = handover.holder ?? `handover-${randomUUID()}`;
    const leaseMs = handover.leaseMs ?? DEFAULT_LEASE_MS;
    const batch = handover.batchSize ?? DEFAULT_BATCH_SIZE;
    super({
      name: 'delayed-job hand-over',
      round: (limit) => this.claimRound(limit),
      pollMs: handover.pollMs ?? DEFAULT_HANDOVER_POLL_MS,
      batch,
      roundFailedMessage: 'could not claim due delayed jobs; the next round tries again',
      onRoundFailed: () => handover.events?.onError?.('claim'),
      startFields: { holder, lease_ms: leaseMs, batch },
      logger: handover.logger,
    });
    this.holder = holder;
    this.leaseMs = leaseMs;
    this.publishTimeoutMs = handover.publishTimeoutMs ?? DEFAULT_PUBLISH_TIMEOUT_MS;
    this.now = handover.now ?? (() => new Date());
  }

  /** Stops after the round and the hand-overs in progress; jobs claimed but not marked are claimed again after the lease. Never rejects. */
  override async close(): Promise<void> {
    await super.close();
    await Promise.all(this.inFlight);
  }

  /**
   * Claims one batch and hands it over (published, then marked) while the next round claims,
   * up to MAX_BATCHES_IN_FLIGHT at once: with thousands due, the claims are what takes the time.
   */
  private async claimRound(limit: number): Promise<number> {
    const claimed = await this.handover.delayed.claimDue({ now: this.now(), holder: this.holder, leaseMs: this.leaseMs, limit });
    if (claimed.length === 0) return 0;
    const handing = this.handOver(claimed).catch((error: unknown) => this.handover.logger.error({ err: error }, 'delayed-job hand-over failed'));
    this.inFlight.add(handing);
    void handing.finally(() => this.inFlight.delete(handing));
    if (this.inFlight.size >= MAX_BATCHES_IN_FLIGHT) await Promise.race(this.inFlight);
    return claimed.length;
  }

  /** Publishes a claimed batch, then marks what was published. */
  private async handOver(claimed: ClaimedJob[]): Promise<void> {
    const log = this.handover.logger;
    const outcomes = await Promise.allSettled(
      claimed.map((job) => guardDependency('job queue', () => this.handover.queue.publish(job.record), this.publishTimeoutMs)),
    );
    const published: ClaimedJob[] = [];
    const acknowledged = this.now().getTime();
    outcomes.forEach((outcome, i) => {
      const job = claimed[i]!;
      if (outcome.status === 'fulfilled') {
        published.push(job);
        return;
      }
      this.handover.events?.onError?.('publish');
      log.warn({ err: outcome.reason, ...recordLogFields(job.record), run_at: job.run_at }, 'could not hand a due delayed job over; it is claimed again once its claim lapses');
    });
    if (published.length === 0) return;

    try {
      await this.handover.delayed.handedOver(published);
    } catch (error) {
      // Published but still held: claimed and published again after the lease; the worker runs it once.
      this.handover.events?.onError?.('mark');
      log.warn({ err: error, jobs: published.length }, 'could not mark delayed jobs handed over; they are published again once their claim lapses');
    }
    this.handover.events?.onHandedOver?.(published.map((job) => Math.max(0, acknowledged - Date.parse(job.run_at))));
    for (const job of published) log.info({ ...recordLogFields(job.record), run_at: job.run_at }, 'delayed job handed over to the queue');
  }
}
