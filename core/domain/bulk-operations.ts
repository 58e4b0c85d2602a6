import { createHash } from 'node:crypto';
import {
  BulkOperationQuerySchema,
  BulkRequestSchema,
  UuidV4Schema,
  type BulkAcceptedResponse,
  type BulkKind,
  type BulkOperationResponse,
  type BulkState,
} from '../../contracts/index.js';
import {
  BulkOperationNotFoundError,
  DeadLetterInvalidError,
  DeadLetterJobDoneError,
  DeadLetterNotFoundError,
  IdempotencyConflictError,
  InvalidBodyError,
  InvalidOperationIdError,
  InvalidQueryError,
  JobNotCancellableError,
  JobNotFoundError,
  JobNotRetryableError,
} from '../errors/index.js';
import type { BulkItemOutcome, BulkOperationStore, BulkSelector, BulkTarget, DeadLetterMarks, DeadLetters, JobQueue, Logger, ResultStore, StatusStore, StoredBulkOperation } from '../ports/index.js';
import { checkFilterForKind, matchDeadLetters, matchJobs } from './bulk-matching.js';
import { replayDeadLetter } from './dead-letter-actions.js';
import { PARSE_OPTIONS, toFieldIssues } from './field-issues.js';
import { fingerprint } from './fingerprint.js';
import { guardDependency } from './guard-dependency.js';
import { cancelJob, retryJob } from './job-actions.js';
import { itemJobId } from './submit-batch.js';
import { parseIdempotencyKey, type SubmitJobDeps } from './submit-job.js';

/** Targets read from the store per round, and acted on at once within it. */
const ROUND_SIZE = 100;
const DEFAULT_CONCURRENCY = 8;

export interface BulkOperationsOptions {
  operations: BulkOperationStore;
  statuses: StatusStore;
  results: ResultStore;
  submit: SubmitJobDeps;
  /** With `marks` and `topic`, a replayed dead letter is marked handled as a single replay marks it. */
  deadLetters: { reader: DeadLetters; queue: JobQueue; topicTemplate: string; marks?: DeadLetterMarks; topic?: string };
  now: () => Date;
  newId: () => string;
  logger: Logger;
  /** A running operation whose heartbeat is older than this shows as interrupted and may be resumed. */
  staleAfterMs: number;
  /** Jobs acted on at once (default 8). */
  concurrency?: number;
  events?: {
    onOperation?(kind: BulkKind, outcome: 'started' | 'replayed' | 'resumed' | 'finished' | 'interrupted'): void;
    onJob?(kind: BulkKind, outcome: BulkItemOutcome['outcome']): void;
  };
}

export interface BulkRequestInput {
  body: unknown;
  idempotencyKey?: string | null;
  /** Who asked, as the auth layer knows them: never a key itself. */
  requestedBy: string;
  traceId: string;
}

/**
 * Bulk cancel, retry and replay. An operation is stored with every target it matched before any
 * job is acted on; its targets are then acted on in match order, each through the same domain
 * code as the single routes, and each outcome is recorded as it lands. So a process that dies in
 * the middle leaves each job acted on or untouched, and an operation whose heartbeat stops shows
 * `interrupted` until POST /v1/bulk/{id}/resume acts on the targets still pending. Acting twice
 * on one target (the process died between the act and its record) does no harm: a cancelled job
 * is found cancelled, a retry is keyed by the operation, a replayed record runs its job once.
 */
export class BulkOperations {
  private readonly running = new Map<string, Promise<void>>();
  private closing = false;
  private readonly log: Logger;

  constructor(private readonly options: BulkOperationsOptions) {
    this.log = options.logger.child({ component: 'bulk-operations' });
  }

  /** Validates the request, stores the operation and its targets, and starts acting on them; answers at once. */
  async start(kind: BulkKind, input: BulkRequestInput): Promise<BulkAcceptedResponse & { replayed: boolean }> {
    const selector = parseRequest(kind, input.body);
    const key = parseIdempotencyKey(input.idempotencyKey, false);
    const now = this.options.now().toISOString();
    const operationId = key === undefined ? this.options.newId() : operationIdFor(kind, key);
    const operation: StoredBulkOperation = {
      operation_id: operationId,
      kind,
      requested_by: input.requestedBy,
      selector,
      fingerprint: fingerprint(input.body),
      state: 'matching',
      created_at: now,
      updated_at: now,
      heartbeat_at: now,
      total: 0,
    };
    const created = await this.store('create', () => this.options.operations.create(operation));
    if (!created) {
      const existing = await this.load(operationId);
      if (existing.fingerprint !== operation.fingerprint || existing.kind !== kind) throw new IdempotencyConflictError();
      this.options.events?.onOperation?.(kind, 'replayed');
      this.log.info({ operation_id: operationId, kind, requested_by: input.requestedBy, trace_id: input.traceId }, 'bulk operation repeated under its Idempotency-Key');
      return { ...this.accepted(existing), replayed: true };
    }
    const matched = await this.match(operation);
    this.log.info(
      { operation_id: operationId, kind, requested_by: input.requestedBy, trace_id: input.traceId, matched, selector: describeSelector(selector) },
      'bulk operation started',
    );
    this.options.events?.onOperation?.(kind, 'started');
    this.launch(operationId, input.traceId);
    return { ...this.accepted({ ...operation, state: 'running', total: matched }), replayed: false };
  }

  /**
   * Takes over an interrupted operation (or one whose process stopped) and acts on its pending
   * targets. A finished one, or one a live process is working on, is left as it is.
   */
  async resume(rawId: string | undefined, requestedBy: string, traceId: string): Promise<BulkAcceptedResponse & { resumed: boolean }> {
    const operationId = parseOperationId(rawId);
    const operation = await this.load(operationId);
    const state = this.stateOf(operation);
    if (state !== 'interrupted') return { ...this.accepted(operation), resumed: false };
    const now = this.options.now().toISOString();
    const taken = await this.store('resume', () =>
      this.options.operations.update(operationId, { state: operation.state === 'matching' ? 'matching' : 'running', heartbeat_at: now, updated_at: now }, operation.heartbeat_at),
    );
    if (!taken) return { ...this.accepted(await this.load(operationId)), resumed: false };
    this.log.info({ operation_id: operationId, kind: operation.kind, requested_by: requestedBy, trace_id: traceId, was: operation.state }, 'bulk operation resumed');
    this.options.events?.onOperation?.(operation.kind, 'resumed');
    // Its match never finished: nothing was acted on yet, so it matches again from the start.
    const total = operation.state === 'matching' ? await this.match({ ...operation, heartbeat_at: now }) : operation.total;
    this.launch(operationId, traceId);
    return { ...this.accepted({ ...operation, state: 'running', total }), resumed: true };
  }

  /** Progress and one page of outcomes, in match order. */
  async describe(rawId: string | undefined, queryPairs: Iterable<[string, string]>): Promise<BulkOperationResponse> {
    const operationId = parseOperationId(rawId);
    const query = BulkOperationQuerySchema.safeParse(Object.fromEntries(queryPairs), PARSE_OPTIONS);
    if (!query.success) throw new InvalidQueryError(toFieldIssues(query.error));
    const operation = await this.load(operationId);
    const afterSeq = query.data.cursor === undefined ? -1 : Number(query.data.cursor);
    const [counts, items] = await Promise.all([
      this.store('count outcomes', () => this.options.operations.countOutcomes(operationId)),
      this.store('items', () => this.options.operations.items(operationId, { afterSeq, limit: query.data.limit + 1 })),
    ]);
    const page = items.slice(0, query.data.limit);
    const total = Object.values(counts).reduce((sum, n) => sum + (n ?? 0), 0);
    const state = this.stateOf(operation);
    return {
      operation_id: operationId,
      kind: operation.kind,
      state,
      requested_by: operation.requested_by,
      request: operation.selector.job_ids ? { job_ids: operation.selector.job_ids.length } : { filter: operation.selector.filter ?? {} },
      created_at: operation.created_at,
      updated_at: operation.updated_at,
      ...(operation.finished_at ? { finished_at: operation.finished_at } : {}),
      matched: operation.total,
      done: total - (counts.pending ?? 0),
      total,
      outcomes: counts as Record<string, number>,
      ...(state === 'interrupted' ? { interrupted_reason: operation.interrupted_reason ?? 'its process stopped before the end' } : {}),
      items: page.map(({ seq: _seq, ...item }) => ({ ...item, job_id: item.job_id })),
      next_cursor: items.length > query.data.limit ? String(page.at(-1)!.seq) : null,
    };
  }

  /** Stops taking targets; operations in flight end after the targets in hand, marked interrupted. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.allSettled([...this.running.values()]);
  }

  /** Running here, or stored as running with a fresh heartbeat: running; a stale heartbeat: interrupted. */
  private stateOf(operation: StoredBulkOperation): BulkState {
    if (operation.state === 'finished' || operation.state === 'interrupted') return operation.state;
    if (this.running.has(operation.operation_id)) return 'running';
    const age = this.options.now().getTime() - Date.parse(operation.heartbeat_at);
    return age > this.options.staleAfterMs ? 'interrupted' : 'running';
  }

  private accepted(operation: StoredBulkOperation): BulkAcceptedResponse {
    return {
      operation_id: operation.operation_id,
      kind: operation.kind,
      matched: operation.total,
      state: this.stateOf(operation),
      status_url: `/v1/bulk/${operation.operation_id}`,
    };
  }

  /** Finds the targets and stores them, then marks the operation running: from here on it may act. */
  private async match(operation: StoredBulkOperation): Promise<number> {
    const { kind, selector, operation_id: id } = operation;
    const targets: BulkTarget[] =
      kind === 'replay' ? await matchDeadLetters(this.options.deadLetters.reader, selector) : await matchJobs(this.options.statuses, kind, selector);
    await this.store('put targets', () => this.options.operations.putTargets(id, targets));
    const now = this.options.now().toISOString();
    await this.store('update', () => this.options.operations.update(id, { state: 'running', total: targets.length, updated_at: now, heartbeat_at: now }));
    return targets.length;
  }

  private launch(operationId: string, traceId: string): void {
    const run = this.run(operationId, traceId)
      .catch((error: unknown) => this.log.error({ err: error, operation_id: operationId }, 'bulk operation stopped on an unexpected error'))
      .finally(() => this.running.delete(operationId));
    this.running.set(operationId, run);
  }

  /** Acts on the pending targets, a round at a time, with a heartbeat beside; marks the end or the interruption. */
  private async run(operationId: string, traceId: string): Promise<void> {
    const operation = await this.load(operationId);
    const log = this.log.child({ operation_id: operationId, kind: operation.kind, trace_id: traceId });
    const beat = setInterval(() => {
      const now = this.options.now().toISOString();
      this.options.operations.update(operationId, { heartbeat_at: now, updated_at: now }).catch((error: unknown) => log.warn({ err: error }, 'could not write the bulk operation heartbeat'));
    }, Math.max(250, Math.floor(this.options.staleAfterMs / 3)));
    try {
      for (;;) {
        if (this.closing) return await this.interrupt(operation, 'the API shut down before the end; resume it', log);
        const round = await this.options.operations.items(operationId, { limit: ROUND_SIZE, pendingOnly: true });
        if (round.length === 0) break;
        await forEachAtOnce(round, this.options.concurrency ?? DEFAULT_CONCURRENCY, async (target) => {
          if (this.closing) return;
          const outcome = await this.act(operation, target, traceId);
          await this.options.operations.recordOutcome(operationId, target.seq, outcome);
          this.options.events?.onJob?.(operation.kind, outcome.outcome);
        });
      }
      const now = this.options.now().toISOString();
      await this.options.operations.update(operationId, { state: 'finished', finished_at: now, updated_at: now, heartbeat_at: now });
      this.options.events?.onOperation?.(operation.kind, 'finished');
      log.info({ outcomes: await this.options.operations.countOutcomes(operationId) }, 'bulk operation finished');
    } catch (error) {
      // A store or broker that fails mid-way: the targets not recorded stay pending, for a resume.
      await this.interrupt(operation, `stopped: ${error instanceof Error ? error.message : String(error)}; resume it`, log, error);
    } finally {
      clearInterval(beat);
    }
  }

  private async interrupt(operation: StoredBulkOperation, reason: string, log: Logger, error?: unknown): Promise<void> {
    log.warn({ err: error, reason }, 'bulk operation interrupted');
    this.options.events?.onOperation?.(operation.kind, 'interrupted');
    const now = this.options.now().toISOString();
    await this.options.operations
      .update(operation.operation_id, { state: 'interrupted', interrupted_reason: reason, updated_at: now })
      .catch((failure: unknown) => log.warn({ err: failure }, 'could not mark the bulk operation interrupted; its stale heartbeat says it'));
  }

  /** One target through the single route's domain code; refusals become outcomes, a failing dependency stops the run. */
  private async act(operation: StoredBulkOperation, target: BulkTarget, traceId: string): Promise<BulkItemOutcome> {
    const done_at = this.options.now().toISOString();
    const { statuses, results, logger, now } = this.options;
    try {
      if (operation.kind === 'cancel') {
        const cancelled = await cancelJob({ statuses, results, now, logger }, target.job_id ?? undefined, traceId);
        return { outcome: 'cancelled', detail: `was ${cancelled.previous_state}`, done_at };
      }
      if (operation.kind === 'retry') {
        // Keyed by the operation: a target acted on again (after a crash, on resume) gets the same new job.
        const retried = await retryJob({ submit: this.options.submit, statuses, results, logger }, { rawJobId: target.job_id ?? undefined, idempotencyKey: `bulk-${operation.operation_id}`, traceId });
        return { outcome: 'retried', new_job_id: retried.job_id, done_at };
      }
      const { reader, queue, topicTemplate, marks, topic } = this.options.deadLetters;
      await replayDeadLetter(
        { deadLetters: reader, queue, topicTemplate, ...(marks && topic ? { marks, deadLetterTopic: topic } : {}), results, statuses, now, logger },
        target.dead_letter_id,
        traceId,
      );
      return { outcome: 'replayed', done_at };
    } catch (error) {
      if (error instanceof JobNotCancellableError) {
        const status = await guardDependency('status store', () => statuses.get(target.job_id!));
        return status?.cancel_requested_at ? { outcome: 'already_cancelled', done_at } : { outcome: 'not_cancellable', detail: error.message, done_at };
      }
      if (error instanceof JobNotRetryableError) return { outcome: 'not_retryable', detail: error.message, done_at };
      if (error instanceof DeadLetterInvalidError) return { outcome: 'invalid', detail: error.message, done_at };
      if (error instanceof DeadLetterJobDoneError) return { outcome: 'job_done', detail: error.message, done_at };
      if (error instanceof JobNotFoundError || error instanceof DeadLetterNotFoundError) return { outcome: 'not_found', detail: error.message, done_at };
      throw error;
    }
  }

  private async load(operationId: string): Promise<StoredBulkOperation> {
    const found = await this.store('get', () => this.options.operations.get(operationId));
    if (!found) throw new BulkOperationNotFoundError(operationId);
    return found;
  }

  private store<T>(what: string, call: () => Promise<T>): Promise<T> {
    return guardDependency('bulk operation store', call, 30_000).catch((error: unknown) => {
      this.log.debug({ err: error, call: what }, 'bulk operation store call failed');
      throw error;
    });
  }
}

/** `job_ids` or `filter`, exactly one, and a filter state the kind acts on. */
function parseRequest(kind: BulkKind, body: unknown): BulkSelector {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new InvalidBodyError([{ field: '(body)', message: 'must be a JSON object with job_ids or filter' }]);
  }
  const parsed = BulkRequestSchema.safeParse(body, PARSE_OPTIONS);
  if (!parsed.success) throw new InvalidBodyError(toFieldIssues(parsed.error));
  checkFilterForKind(kind, parsed.data.filter);
  return parsed.data.job_ids ? { job_ids: parsed.data.job_ids.map((id) => id.toLowerCase()) } : { filter: parsed.data.filter ?? {} };
}

function parseOperationId(raw: string | undefined): string {
  const parsed = UuidV4Schema.safeParse(raw);
  if (!parsed.success) throw new InvalidOperationIdError(raw ?? '');
  return parsed.data.toLowerCase();
}

function describeSelector(selector: BulkSelector): Record<string, unknown> {
  return selector.job_ids ? { job_ids: selector.job_ids.length } : { filter: selector.filter };
}

/** Runs `act` on every item, at most `limit` at once; the first failure is thrown once the others in hand settle. */
async function forEachAtOnce<T>(items: T[], limit: number, act: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    while (next < items.length && !failure) {
      const item = items[next++]!;
      try {
        await act(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failure) throw failure.error;
}

/** The id of an operation asked for under an Idempotency-Key: the same for every repeat of that key and kind. */
function operationIdFor(kind: BulkKind, key: string): string {
  return itemJobId(`bulk\n${kind}\n${createHash('sha256').update(key).digest('hex')}`, 0);
}
