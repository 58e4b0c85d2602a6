import { Redis } from 'ioredis';
import { MongoClient, type Collection } from 'mongodb';
import { MONGODB_URI, REDIS_URL } from '../lib/dtq-stack.js';
import type { AcceptedJob } from './load.js';

interface ResultDoc {
  job_id: string;
  final_state: string;
}

/**
 * Reads the run's own database directly (not through the proxies the faults act on): which
 * accepted jobs have their result document yet. Polled while the run goes, for recovery times,
 * and once more at the end for the accounting.
 */
export class ResultTracker {
  private readonly client = new MongoClient(MONGODB_URI, { serverSelectionTimeoutMS: 10_000 });
  private readonly results: Collection<ResultDoc>;
  private readonly pending = new Map<string, number>();
  readonly finalStates = new Map<string, string>();
  private order = 0;

  constructor(database: string) {
    this.results = this.client.db(database).collection<ResultDoc>('job_results');
  }

  async connect(): Promise<void> {
    await this.client.connect();
  }

  /** Jobs in the order they were accepted; `pendingBefore(n)` asks about the first n. */
  add(jobId: string): number {
    this.pending.set(jobId, this.order);
    return this.order++;
  }

  get accepted(): number {
    return this.order;
  }

  /** How many of the first `count` accepted jobs still have no result. */
  pendingBefore(count: number): number {
    let n = 0;
    for (const index of this.pending.values()) if (index < count) n++;
    return n;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Looks up every pending job once. */
  async poll(): Promise<void> {
    const ids = [...this.pending.keys()];
    for (let i = 0; i < ids.length; i += 500) {
      const found = await this.results
        .find({ job_id: { $in: ids.slice(i, i + 500) } }, { projection: { _id: 0, job_id: 1, final_state: 1 }, maxTimeMS: 10_000 })
        .toArray();
      for (const doc of found) {
        this.pending.delete(doc.job_id);
        this.finalStates.set(doc.job_id, doc.final_state);
      }
    }
  }

  /** job_id → number of documents, for every job_id with more than one. */
  async duplicates(): Promise<Map<string, number>> {
    const rows = await this.results
      .aggregate<{ _id: string; n: number }>([{ $group: { _id: '$job_id', n: { $sum: 1 } } }, { $match: { n: { $gt: 1 } } }])
      .toArray();
    return new Map(rows.map((row) => [row._id, row.n]));
  }

  /** Result documents whose job_id no client was ever given (a job run that no 202 announced). */
  async unannounced(acceptedIds: Set<string>): Promise<string[]> {
    const ids = await this.results.distinct('job_id');
    return ids.filter((id) => !acceptedIds.has(id));
  }

  async documents(): Promise<number> {
    return this.results.countDocuments();
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

export interface Disagreement {
  jobId: string;
  status: string | null;
  result: string;
  expected: string;
}

/**
 * For every accepted job with a result: the final state in the Redis status hash, compared
 * with the result document and with what the input should give (completed, or failed for the
 * inputs the simulated provider rejects).
 */
export async function statusDisagreements(
  redisKeyPrefix: string,
  jobs: AcceptedJob[],
  finalStates: Map<string, string>,
  options: { statusMayBeGone?: boolean } = {},
): Promise<Disagreement[]> {
  const redis = new Redis(REDIS_URL);
  const found: Disagreement[] = [];
  try {
    for (let i = 0; i < jobs.length; i += 500) {
      const chunk = jobs.slice(i, i + 500).filter((job) => finalStates.has(job.jobId));
      const pipeline = redis.pipeline();
      for (const job of chunk) pipeline.hget(`${redisKeyPrefix}job:${job.jobId}:status`, 'state');
      const replies = (await pipeline.exec()) ?? [];
      chunk.forEach((job, index) => {
        const status = (replies[index]?.[1] as string | null | undefined) ?? null;
        const result = finalStates.get(job.jobId)!;
        const expected = job.expectFailure ? 'failed' : 'completed';
        // After Redis lost its data a finished job has no status hash: /status answers from its result.
        const forgotten = status === null && options.statusMayBeGone === true;
        if ((status !== result && !forgotten) || result !== expected) found.push({ jobId: job.jobId, status, result, expected });
      });
    }
  } finally {
    await redis.quit();
  }
  return found;
}

/** Deletes every key under `prefix` (SCAN, then DEL): what losing its data does to one run's keys. */
export async function deleteRedisPrefix(prefix: string): Promise<number> {
  const redis = new Redis(REDIS_URL);
  let deleted = 0;
  try {
    for await (const keys of redis.scanStream({ match: `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`, count: 500 }) as AsyncIterable<string[]>) {
      if (keys.length > 0) deleted += await redis.del(...keys);
    }
  } finally {
    await redis.quit();
  }
  return deleted;
}
