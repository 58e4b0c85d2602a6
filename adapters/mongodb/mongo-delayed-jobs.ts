import { randomUUID } from 'node:crypto';
import type { Collection, MongoClient } from 'mongodb';
import { RESULT_DATABASE } from '../../contracts/index.js';
import type { ClaimDueOptions, ClaimedJob, DelayedJobs, HeldJob, Logger } from '../../core/ports/index.js';
import { DELAYED_JOBS_COLLECTION, DELAYED_JOB_CLAIMS_COLLECTION, DELAYED_JOB_INDEXES } from './delayed-job-indexes.js';
import { closeOwnedClient, resolveMongoClient, type ClientTimeouts } from './mongo-client.js';
import { DUPLICATE_KEY, isDuplicateKeyError, isUnavailableError } from './mongo-errors.js';
import { ensureIndexes } from './result-indexes.js';
import { StoreCalls } from './store-calls.js';
import { DEFAULT_THROTTLING_RETRY, createThrottlingRetry, type ThrottlingRetryOptions } from './throttling-retry.js';

export interface MongoDelayedJobsOptions extends ClientTimeouts {
  /** A connection string (the store then owns and closes its client) or a client the caller owns. */
  client: MongoClient | string;
  database?: string;
  collection?: string;
  /** Where the claim markers go (default: `delayed_job_claims`). */
  claimsCollection?: string;
  logger: Logger;
  throttlingRetry?: ThrottlingRetryOptions;
}

/** A claim marker: `_id` is `<job_id>:<slot>`; of racing hand-overs, the one whose insert lands claims the job in that slot. */
interface ClaimDocument {
  _id: string;
  claim: string;
  /** The lease slot (epoch ms / lease), by which markers are cleared once no round can still race on them. */
  slot: number;
}

/** A held job as stored: `_id` is the job id; the record's value is the job message's JSON text. */
interface HeldDocument {
  _id: string;
  run_at: Date;
  /** When the job may be claimed: run_at, then the end of the latest claim's lease. */
  due_at: Date;
  claim: string | null;
  topic: string;
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

/**
 * Delayed jobs in MongoDB (`dtq.delayed_jobs`, beside the results): they outlive every process
 * and a Redis that loses its data. A claim is three round trips for a whole batch: read the due
 * jobs, insert a claim marker per job and lease slot into `delayed_job_claims` (`<job_id>:<slot>`:
 * of racing hand-overs the unique _id lets one in per job), then `updateMany` the won ones with a
 * due_at at the lease's end and this claim's id. Marking a batch handed over is one `deleteMany`
 * of its jobs. Markers stay until their slot is two slots old: a round that read a job before
 * another claimed and deleted it still meets that claim's marker, and cannot claim the job again.
 */
export class MongoDelayedJobs implements DelayedJobs {
  private readonly client: MongoClient;
  private readonly ownsClient: boolean;
  private readonly collection: Collection<HeldDocument>;
  private readonly claims: Collection<ClaimDocument>;
  /** The last lease slot whose old markers this store cleared. */
  private clearedSlot = 0;
  private readonly calls: StoreCalls;
  private readonly logger: Logger;

  constructor(options: MongoDelayedJobsOptions) {
    const database = options.database ?? RESULT_DATABASE;
    ({ client: this.client, owned: this.ownsClient } = resolveMongoClient(options.client, options));
    this.collection = this.client.db(database).collection<HeldDocument>(options.collection ?? DELAYED_JOBS_COLLECTION);
    this.claims = this.client.db(database).collection<ClaimDocument>(options.claimsCollection ?? DELAYED_JOB_CLAIMS_COLLECTION);
    this.logger = options.logger.child({ component: 'mongo-delayed-jobs', database, collection: this.collection.collectionName });
    this.calls = new StoreCalls({
      dependency: 'delayed jobs store',
      retry: createThrottlingRetry(options.throttlingRetry ?? DEFAULT_THROTTLING_RETRY),
      prepare: () => this.ensureIndexes(),
    });
  }

  /** Ensures the due_at index (idempotent); a refusal is logged, as the store still works without it. */
  init(): Promise<void> {
    return this.calls.init();
  }

  private async ensureIndexes(): Promise<void> {
    const report = await ensureIndexes(this.collection, DELAYED_JOB_INDEXES, (error) => !isUnavailableError(error));
    this.logger.info({ present: report.present, created: report.created }, 'delayed jobs indexes verified');
    for (const { index, reason } of report.refused) this.logger.warn({ index, reason }, 'an index is missing and could not be created: finding due jobs scans the collection');
  }

  async hold(job: HeldJob): Promise<void> {
    const runAt = new Date(job.run_at);
    const { topic, key, value, headers } = job.record;
    await this.run('hold', async () => {
      try {
        await this.collection.insertOne({ _id: job.job_id, run_at: runAt, due_at: runAt, claim: null, topic, key, value: value.toString('utf8'), headers });
      } catch (error) {
        // Held already: a submit retried with its Idempotency-Key.
        if (!isDuplicateKeyError(error)) throw error;
      }
    });
  }

  async claimDue({ now, leaseMs, limit }: ClaimDueOptions): Promise<ClaimedJob[]> {
    return this.run('claim due jobs', async () => {
      const due = await this.collection.find({ due_at: { $lte: now } }).sort({ due_at: 1 }).limit(limit).toArray();
      if (due.length === 0) return [];
      // The claim's arbiter is an insert on _id, atomic on every server: one marker per job and
      // lease slot. An update's filter is not (FerretDB lets two racing updateMany both apply).
      // A claim that lapses is followed by one in a later slot, so a dead holder blocks nothing.
      const slot = Math.floor(now.getTime() / leaseMs);
      await this.clearOldMarkers(slot);
      const claim = `${slot}.${randomUUID()}`;
      const lost = new Set<number>();
      try {
        await this.claims.insertMany(
          due.map((doc) => ({ _id: markerId(doc._id, slot), claim, slot })),
          { ordered: false },
        );
      } catch (error) {
        const writeErrors = (error as { writeErrors?: Array<{ index: number; code?: number }> | { index: number; code?: number } }).writeErrors;
        const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
        if (list.length === 0 || list.some((e) => e.code !== DUPLICATE_KEY)) throw error;
        for (const e of list) lost.add(e.index);
      }
      const mine = due.filter((_, i) => !lost.has(i));
      if (mine.length === 0) return [];
      // Not due again until the lease ends: other hand-overs skip these without trying.
      await this.collection.updateMany({ _id: { $in: mine.map((doc) => doc._id) } }, { $set: { due_at: new Date(now.getTime() + leaseMs), claim } });
      return mine.map((doc) => ({ ...heldJob(doc), claim }));
    });
  }

  /**
   * Deletes the markers of slots two and more before `slot`, once per slot per store: no round
   * still racing can have read its jobs that long ago (a round's read and insert are moments
   * apart), and a job whose claim lapsed is claimed in a later slot.
   */
  private async clearOldMarkers(slot: number): Promise<void> {
    if (slot <= this.clearedSlot) return;
    this.clearedSlot = slot;
    await this.claims.deleteMany({ slot: { $lt: slot - 1 } });
  }

  async handedOver(jobs: ReadonlyArray<Pick<ClaimedJob, 'job_id' | 'claim'>>): Promise<void> {
    if (jobs.length === 0) return;
    await this.run('remove handed-over jobs', async () => {
      // One delete per claim (a hand-over's batch shares one), each only of jobs it still holds.
      const byClaim = new Map<string, string[]>();
      for (const { job_id, claim } of jobs) byClaim.set(claim, [...(byClaim.get(claim) ?? []), job_id]);
      for (const [claim, ids] of byClaim) await this.collection.deleteMany({ _id: { $in: ids }, claim });
    });
  }

  async remove(jobId: string): Promise<HeldJob | undefined> {
    return this.run('remove', async () => {
      const doc = await this.collection.findOneAndDelete({ _id: jobId });
      return doc ? heldJob(doc) : undefined;
    });
  }

  async count(): Promise<number> {
    return this.run('count', () => this.collection.countDocuments({}));
  }

  /** Closes the client when the store created it; never rejects. */
  close(): Promise<void> {
    return closeOwnedClient({ client: this.client, owned: this.ownsClient }, this.logger);
  }

  private run<T>(operation: string, call: () => Promise<T>): Promise<T> {
    return this.calls.run(operation, call);
  }
}

/** The _id of a job's claim marker for one lease slot. */
function markerId(jobId: string, slot: number): string {
  return `${jobId}:${slot}`;
}

function heldJob(doc: HeldDocument): HeldJob {
  return { job_id: doc._id, run_at: doc.run_at.toISOString(), record: { topic: doc.topic, key: doc.key, value: Buffer.from(doc.value, 'utf8'), headers: doc.headers } };
}
