import { randomUUID } from 'node:crypto';
import type { Collection, MongoClient } from 'mongodb';
import { RESULT_DATABASE } from '../../contracts/index.js';
import type { ClaimDueOptions, ClaimedJob, DelayedJobStore, HeldJob, Logger } from '../../core/ports/index.js';
import { DELAYED_JOBS_COLLECTION, DELAYED_JOB_CLAIMS_COLLECTION, DELAYED_JOB_INDEXES } from './delayed-job-indexes.js';
import { closeOwnedClient, resolveMongoClient, type ClientTimeouts } from './mongo-client.js';
import { DUPLICATE_KEY, isDuplicateKeyError } from './mongo-errors.js';
import { ensureDeclaredIndexes } from './declared-indexes.js';
import { StoreCalls } from './store-calls.js';
import { DEFAULT_THROTTLING_RETRY, createThrottlingRetry, type ThrottlingRetryOptions } from './throttling-retry.js';

export interface MongoDelayedJobStoreOptions extends ClientTimeouts {
  /** A connection string (the store then owns and closes its client) or a client the caller owns. */
  client: MongoClient | string;
  database?: string;
  collection?: string;
  /** Where the claim markers go (default: `delayed_job_claims`). */
  claimsCollection?: string;
  logger: Logger;
  throttlingRetry?: ThrottlingRetryOptions;
}

/** A claim marker: `_id` is the job id; of racing hand-overs, the one whose insert lands claims the job. */
interface ClaimDocument {
  _id: string;
  claim: string;
  /** When the claim lapses; the next claim round deletes it then, and the job can be claimed again. */
  until: Date;
}

/** A held job as stored: `_id` is the job id; the record's value is the job message's JSON text. */
interface HeldDocument {
  _id: string;
  run_at: Date;
  /** When the job is due (its run_at); the hand-over's query ranges on it. */
  due_at: Date;
  topic: string;
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

/**
 * Delayed jobs in MongoDB (`dtq.delayed_jobs`, beside the results): they outlive every process
 * and a Redis that loses its data. A claim is one marker per job in `delayed_job_claims` (`_id`
 * the job id, with the claim and the end of its lease), inserted for a whole batch at once: of
 * racing hand-overs the unique _id lets one in per job. A claim round is four round trips, none
 * writing a held job: delete lapsed markers, read the live ones, read the due jobs past them,
 * insert the markers. Marking handed over is two: read which markers are still this claim's,
 * delete those jobs. Markers stay until their lease ends, so a round that read a job before it
 * was claimed cannot claim it once handed over.
 */
export class MongoDelayedJobStore implements DelayedJobStore {
  private readonly client: MongoClient;
  private readonly ownsClient: boolean;
  private readonly collection: Collection<HeldDocument>;
  private readonly claims: Collection<ClaimDocument>;
  private readonly calls: StoreCalls;
  private readonly logger: Logger;

  constructor(options: MongoDelayedJobStoreOptions) {
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

  private ensureIndexes(): Promise<void> {
    return ensureDeclaredIndexes({ collection: this.collection, indexes: DELAYED_JOB_INDEXES, logger: this.logger, withoutIndex: 'finding due jobs scans the collection' });
  }

  async hold(job: HeldJob): Promise<void> {
    const runAt = new Date(job.run_at);
    const { topic, key, value, headers } = job.record;
    await this.run('hold', async () => {
      try {
        await this.collection.insertOne({ _id: job.job_id, run_at: runAt, due_at: runAt, topic, key, value: value.toString('utf8'), headers });
      } catch (error) {
        // Held already: a submit retried with its Idempotency-Key.
        if (!isDuplicateKeyError(error)) throw error;
      }
    });
  }

  async claimDue({ now, leaseMs, limit }: ClaimDueOptions): Promise<ClaimedJob[]> {
    const started = performance.now();
    return this.run('claim due jobs', async () => {
      // Lapsed claims go first, so their jobs can be claimed again (a holder that died).
      await this.claims.deleteMany({ until: { $lte: now } });
      const claimed = new Set((await this.claims.find({}, { projection: { _id: 1 } }).toArray()).map((marker) => marker._id));
      // Claimed jobs are still due until they are handed over: read past them.
      const found = await this.collection.find({ due_at: { $lte: now } }).sort({ due_at: 1 }).limit(limit + claimed.size).toArray();
      const due = found.filter((doc) => !claimed.has(doc._id)).slice(0, limit);
      if (due.length === 0) return [];
      // The claim's arbiter is an insert on _id, atomic on every server, one marker per job; an
      // update's filter is not (FerretDB lets two racing updateMany both apply). One insertMany
      // for the batch, where an update would write each job once more.
      const claim = randomUUID();
      // The lease runs from the insert: reading thousands of jobs may take seconds.
      const until = new Date(now.getTime() + (performance.now() - started) + leaseMs);
      const lost = new Set<number>();
      try {
        await this.claims.insertMany(
          due.map((doc) => ({ _id: doc._id, claim, until })),
          { ordered: false },
        );
      } catch (error) {
        const writeErrors = (error as { writeErrors?: Array<{ index: number; code?: number }> | { index: number; code?: number } }).writeErrors;
        const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
        if (list.length === 0 || list.some((e) => e.code !== DUPLICATE_KEY)) throw error;
        for (const e of list) lost.add(e.index);
      }
      return due.filter((_, i) => !lost.has(i)).map((doc) => ({ ...heldJob(doc), claim }));
    });
  }

  async handedOver(jobs: ReadonlyArray<Pick<ClaimedJob, 'job_id' | 'claim'>>): Promise<void> {
    if (jobs.length === 0) return;
    await this.run('remove handed-over jobs', async () => {
      // Only jobs whose marker is still this claim's: one that lapsed may be another's now.
      const claims = [...new Set(jobs.map((job) => job.claim))];
      const held = await this.claims.find({ _id: { $in: jobs.map((job) => job.job_id) }, claim: { $in: claims } }, { projection: { _id: 1 } }).toArray();
      if (held.length === 0) return;
      // The markers stay until their lease ends: a round that read these jobs before they were
      // claimed meets them, and cannot claim a job already handed over.
      await this.collection.deleteMany({ _id: { $in: held.map((marker) => marker._id) } });
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

  async earliestRunAt(): Promise<string | undefined> {
    const doc = await this.run('earliest', () => this.collection.findOne({}, { sort: { due_at: 1 }, projection: { run_at: 1 } }));
    return doc?.run_at.toISOString();
  }

  /** Closes the client when the store created it; never rejects. */
  close(): Promise<void> {
    return closeOwnedClient({ client: this.client, owned: this.ownsClient }, this.logger);
  }

  private run<T>(operation: string, call: () => Promise<T>): Promise<T> {
    return this.calls.run(operation, call);
  }
}

function heldJob(doc: HeldDocument): HeldJob {
  return { job_id: doc._id, run_at: doc.run_at.toISOString(), record: { topic: doc.topic, key: doc.key, value: Buffer.from(doc.value, 'utf8'), headers: doc.headers } };
}
