import { STATUS_TTL_SECONDS, hashToStatus, statusToHash, type JobStatus } from '../../contracts/index.js';
import type { AppliedStatus, CancelOutcome, CancelRequest, Logger, StatusPage, StatusPageQuery, StatusProgress, StatusStore, StatusWrite, StatusWriteOptions, StatusWriteOutcome } from '../../core/ports/index.js';
import { JOB_STATES, JobStateSchema, type JobState, type JobType } from '../../contracts/index.js';
import { decodeCursor, encodeCursor, type CursorPosition } from '../shared/page-cursor.js';
import { matchesStatusQuery } from '../shared/status-filter.js';
import { closeRedis, redisCall, resolveRedis, type RedisClient } from './redis-connection.js';
import { ADD_TO_LIST_FIELD, INDEX_RECENT, REQUEST_CANCEL, SET_FIELD_IF_EXISTS, WRITE_STATUS, runScript } from './redis-scripts.js';

export interface RedisStatusStoreOptions {
  /** A client (the caller closes it) or a URL (the store opens and closes its own client). */
  redis: RedisClient | string;
  /** Put before every key, so several deployments (or test runs) can share one server. */
  keyPrefix?: string;
  ttlSeconds?: number;
  /**
   * Index entries one `listRecent` call examines at most. A filter that matches few jobs then
   * returns a short (even empty) page with a cursor to continue, instead of walking the whole
   * 24 h window in one request.
   */
  maxScanPerList?: number;
  logger: Logger;
}

const SCAN_BATCH = 100;

/**
 * Job statuses in Redis hashes `job:<id>:status` (TTL 24 h), plus a sorted set of recent jobs
 * (`jobs:recent`, score = submission time) for the listing. A status write is one Lua script on
 * the job's hash alone, so the forward-only rule, the fields and the TTL change together or not
 * at all, on one server or on a cluster (see README.md here). The index is written after, by
 * its own one-key script: it only says which jobs exist, never what their status is.
 */
export class RedisStatusStore implements StatusStore {
  private readonly redis: RedisClient;
  private readonly ownsClient: boolean;
  private readonly prefix: string;
  private readonly ttlSeconds: number;
  private readonly maxScan: number;
  private readonly logger: Logger;

  constructor(options: RedisStatusStoreOptions) {
    const { client, owned } = resolveRedis(options.redis, options.logger);
    this.redis = client;
    this.ownsClient = owned;
    this.prefix = options.keyPrefix ?? '';
    this.ttlSeconds = options.ttlSeconds ?? STATUS_TTL_SECONDS;
    this.maxScan = Math.max(1, options.maxScanPerList ?? 1_000);
    this.logger = options.logger.child({ component: 'redis-status-store' });
  }

  /** The hash's key for a job, as the contract names it (after the deployment's prefix). */
  statusKey(jobId: string): string {
    return `${this.prefix}job:${jobId}:status`;
  }

  /** The recent-jobs index: member = job id, score = submitted_at in ms. */
  recentKey(): string {
    return `${this.prefix}jobs:recent`;
  }

  /**
   * The status first, then (for the API's `queued` write, or a write that made the hash anew,
   * when it carries the submission time) the index entry, beside the caller's `onApplied` (which
   * gets the hash the script answered, as this write left it). When the index write fails the
   * call fails, once both have settled: the status is already there and a retry is a repeat,
   * which the forward-only rule allows.
   */
  async write(write: StatusWrite, options: StatusWriteOptions = {}): Promise<StatusWriteOutcome> {
    const { unlessCancelRequested, ...status } = write;
    const fields = statusToHash(status);
    const args: Array<string | number> = [this.ttlSeconds, write.state, write.progress_percent, unlessCancelRequested ? '1' : '0', options.onApplied ? '1' : '0'];
    for (const field in fields) args.push(field, fields[field as keyof typeof fields]!);
    const result = await redisCall(this.redis, () => runScript(this.redis, WRITE_STATUS, this.statusKey(write.job_id), ...args));
    const [flags, storedFields] = Array.isArray(result) ? [Number(result[0]), result[1] as Array<string | null>] : [Number(result), undefined];
    const applied = (flags & 1) !== 0;
    const created = (flags & 2) !== 0;
    const outcome = { applied, cancelRequested: (flags & 4) !== 0 };
    if (!applied) return outcome;
    const submittedMs = write.submitted_at ? Date.parse(write.submitted_at) : NaN;
    // Indexed by the queued write (also when it is a retry of one whose index write failed) and
    // whenever the hash is made anew, e.g. after it expired; the worker's four writes per job
    // would only repeat the same ZADD.
    const indexed =
      (created || write.state === 'queued') && Number.isFinite(submittedMs)
        ? redisCall(this.redis, () => runScript(this.redis, INDEX_RECENT, this.recentKey(), this.ttlSeconds, submittedMs, write.job_id))
        : undefined;
    const stored = options.onApplied && storedFields ? this.appliedStatus(write.job_id, storedFields) : undefined;
    const followed = stored ? options.onApplied?.(stored) : undefined;
    const [index, follow] = await Promise.allSettled([indexed, followed]);
    if (index.status === 'rejected') throw index.reason;
    if (follow.status === 'rejected') throw follow.reason;
    return outcome;
  }

  async get(jobId: string): Promise<JobStatus | null> {
    const hash = await redisCall(this.redis, () => this.redis.hgetall(this.statusKey(jobId)));
    return Object.keys(hash).length === 0 ? null : hashToStatus(hash);
  }

  /**
   * Three fields of the hash (HMGET), read without the contract's schemas: a worker's read before
   * it runs a job needs no more, and the API wrote and validated the hash. A hash without a known
   * state or a numeric progress is refused, as a read of the whole status would be.
   */
  async getProgress(jobId: string): Promise<StatusProgress | null> {
    const [state, progress, cancelRequestedAt] = await redisCall(this.redis, () =>
      this.redis.hmget(this.statusKey(jobId), 'state', 'progress_percent', 'cancel_requested_at'),
    );
    if (state == null && progress == null) return null;
    const where = stateAndProgress(state, progress);
    if (!where) throw new Error(`the status of job ${jobId} does not match the contract (state ${String(state)}, progress ${String(progress)})`);
    return cancelRequestedAt != null ? { ...where, cancel_requested_at: cancelRequestedAt } : where;
  }

  /**
   * Walks the index newest first from the cursor, reading the hashes of each batch in one
   * pipeline. Index entries whose hash has expired are removed on the way. Stops after
   * `maxScanPerList` entries; the cursor then points after the last entry examined.
   */
  async listRecent(query: StatusPageQuery): Promise<StatusPage> {
    const after = toScorePosition(decodeCursor(query.cursor));
    const items: Array<{ status: JobStatus; position: ScorePosition }> = [];
    const expired: string[] = [];
    let lastExamined: ScorePosition | undefined;
    let offset = 0;
    let exhausted = false;
    let scanned = 0;
    while (items.length <= query.limit && scanned < this.maxScan) {
      const count = Math.min(SCAN_BATCH, this.maxScan - scanned);
      const batch = await this.indexBatch(after, offset, count);
      offset += batch.length;
      if (batch.length < count) exhausted = true;
      const fresh = batch.filter((entry) => isAfter(entry, after));
      scanned += batch.length;
      const hashes = await this.readHashes(fresh.map((entry) => entry.id));
      for (const [i, entry] of fresh.entries()) {
        lastExamined = entry;
        const hash = hashes[i];
        if (!hash || Object.keys(hash).length === 0) {
          expired.push(entry.id);
          continue;
        }
        const status = this.parseListed(entry.id, hash);
        if (status && matchesStatusQuery(status, query)) items.push({ status, position: entry });
      }
      if (exhausted) break;
    }
    if (expired.length > 0) await this.forget(expired);
    const page = items.slice(0, query.limit);
    const more = items.length > query.limit || (!exhausted && scanned >= this.maxScan);
    const cursorAt = items.length > query.limit ? page[page.length - 1]?.position : lastExamined;
    return {
      items: page.map((item) => item.status),
      next_cursor: more && cursorAt ? encodeCursor({ at: new Date(cursorAt.score).toISOString(), id: cursorAt.id }) : null,
    };
  }

  async requestCancel(jobId: string, request: CancelRequest): Promise<CancelOutcome> {
    const { message, error_code, error_message } = request.whenQueued;
    const previous = await redisCall(this.redis, () =>
      runScript(this.redis, REQUEST_CANCEL, this.statusKey(jobId), request.requested_at, message, error_code, error_message, request.tooLateAtPercent),
    );
    if (previous === 'too-late') return { previous: 'running', tooLate: true };
    return { previous: previous === null ? null : JobStateSchema.parse(previous) };
  }

  /** Two one-key scripts, retry first: each hash lives in its own slot. */
  async linkRetry(link: { job_id: string; retry_of: string }): Promise<void> {
    await redisCall(this.redis, () => runScript(this.redis, SET_FIELD_IF_EXISTS, this.statusKey(link.job_id), 'retry_of', link.retry_of));
    await redisCall(this.redis, () => runScript(this.redis, ADD_TO_LIST_FIELD, this.statusKey(link.retry_of), 'retries', link.job_id));
  }

  async close(): Promise<void> {
    if (this.ownsClient) await closeRedis(this.redis);
  }

  /**
   * Index entries from the cursor's score down, `count` of them from `offset`. While the cursor's
   * own entry is still indexed, the walk starts right after it by rank: a batch gives many jobs
   * one submission time, and a walk by score alone would read every one of them before the
   * cursor's again on each page, until the scan bound ended the listing early.
   */
  private async indexBatch(after: ScorePosition | undefined, offset: number, count: number): Promise<ScorePosition[]> {
    const rank = after ? await redisCall(this.redis, () => this.redis.zrevrank(this.recentKey(), after.id)) : null;
    const max = after ? String(after.score) : '+inf';
    const flat = await redisCall(this.redis, () =>
      rank !== null
        ? this.redis.zrevrange(this.recentKey(), rank + 1 + offset, rank + offset + count, 'WITHSCORES')
        : this.redis.zrevrangebyscore(this.recentKey(), max, '-inf', 'WITHSCORES', 'LIMIT', offset, count),
    );
    const entries: ScorePosition[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) entries.push({ id: flat[i]!, score: Number(flat[i + 1]) });
    return entries;
  }

  /**
   * Issued together, so auto-pipelining sends them as one pipeline per server (on a cluster, per
   * node: the hashes live in many slots). Any failed read fails the call, so a hiccup never
   * looks like an expired job.
   */
  private async readHashes(jobIds: string[]): Promise<Array<Record<string, string>>> {
    return redisCall(this.redis, () => Promise.all(jobIds.map((id) => this.redis.hgetall(this.statusKey(id)))));
  }

  /** A hash someone else wrote in a shape the contract does not allow is skipped, not fatal. */
  private parseListed(jobId: string, hash: Record<string, string>): JobStatus | undefined {
    try {
      return hashToStatus(hash);
    } catch (error) {
      this.logger.warn({ err: error, job_id: jobId }, 'status hash does not match the contract; left out of the listing');
      return undefined;
    }
  }

  /**
   * The fields WRITE_STATUS answered, in its order. Not parsed with the contract's schemas: the
   * write itself was (statusToHash), the fields are the ones it just set or the queued write
   * set, and an event's readers parse it again. A hash someone else left without a known state
   * or a numeric progress is left unreported.
   */
  private appliedStatus(jobId: string, fields: Array<string | null>): AppliedStatus | undefined {
    const [state, progress, message, updatedAt, jobType, scheduleId, errorCode, errorMessage] = fields;
    const where = stateAndProgress(state, progress);
    if (!where) {
      this.logger.warn({ job_id: jobId, state }, 'status hash does not match the contract; its change is not reported');
      return undefined;
    }
    return {
      job_id: jobId,
      ...where,
      message: message ?? '',
      updated_at: updatedAt ?? '',
      ...(jobType != null ? { job_type: jobType as JobType } : {}),
      ...(scheduleId != null ? { schedule_id: scheduleId } : {}),
      ...(errorCode != null ? { error_code: errorCode } : {}),
      ...(errorMessage != null ? { error_message: errorMessage } : {}),
    };
  }

  private async forget(jobIds: string[]): Promise<void> {
    await redisCall(this.redis, () => this.redis.zrem(this.recentKey(), ...jobIds)).catch((error: unknown) =>
      this.logger.debug({ err: error }, 'could not remove expired jobs from the recent index'),
    );
  }
}

interface ScorePosition {
  score: number;
  id: string;
}

/** Cursors carry the index score as an ISO time, so they stay opaque and order like the index. */
function toScorePosition(position: CursorPosition | undefined): ScorePosition | undefined {
  const score = position ? Date.parse(position.at) : NaN;
  return position && Number.isFinite(score) ? { score, id: position.id } : undefined;
}

/** The index orders equal scores by member, descending (ZREVRANGEBYSCORE), as the cursor does. */
function isAfter(entry: ScorePosition, cursor: ScorePosition | undefined): boolean {
  if (!cursor) return true;
  return entry.score < cursor.score || (entry.score === cursor.score && entry.id < cursor.id);
}

const KNOWN_STATES: ReadonlySet<string> = new Set(JOB_STATES);

/** A hash's state and progress fields as the contract has them, or undefined when they are not. */
function stateAndProgress(state: string | null | undefined, progress: string | null | undefined): { state: JobState; progress_percent: number } | undefined {
  const progressPercent = Number(progress);
  if (!KNOWN_STATES.has(state ?? '') || progress == null || progress === '' || !Number.isFinite(progressPercent)) return undefined;
  return { state: state as JobState, progress_percent: progressPercent };
}

/** Only jobs the API submitted (with their submission time) are listed, as in every store. */
