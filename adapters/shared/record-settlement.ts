import { DependencyUnavailableError } from '../../core/errors/index.js';
import type { ConsumerOptions, DeliveredRecord, DeliveryOutcome, QueueRecord } from '../../core/ports/index.js';
import { backoffDelay, delay } from './backoff.js';
import { deadLetterRecord } from './dead-letter-record.js';

/** Handler calls per record before it is dead-lettered, unless the consumer options say otherwise. */
export const DEFAULT_HANDLER_ATTEMPTS = 5;

/** Kafka's default `message.max.bytes`: the largest record batch a broker (and a topic) accepts. */
export const DEFAULT_MAX_RECORD_BYTES = 1_048_588;

/** Headers a dead-lettered copy carries besides the original ones and DEAD_LETTER_HEADERS. */
export const DEAD_LETTER_COPY_HEADERS = {
  /** How many times the handler failed, on a record dead-lettered after its last attempt. */
  attempts: 'dlq-attempts',
  /** The original value's length in bytes, on a copy whose value was cut to fit the broker. */
  truncatedFrom: 'dlq-value-truncated-from',
} as const;

/** A dead-letter reason longer than this is cut: it travels in a header. */
const MAX_REASON_CHARS = 1_000;

export interface SettleContext {
  options: Pick<ConsumerOptions, 'handler' | 'deadLetterTopic' | 'handlerAttempts' | 'onAttemptsExhausted' | 'events'>;
  backoff: { initialMs: number; maxMs: number };
  maxRecordBytes: number;
  publish(record: QueueRecord): Promise<void>;
  /** Fires when handlers still running are abandoned (close, after the drain time). */
  abandon: AbortSignal;
  /** Fires when the record must wait no longer (close began, or its partition moved): it stays uncommitted. */
  stop: AbortSignal;
}

/**
 * Runs one record to its outcome: `settled` (done, or dead-lettered with its copy published)
 * or `abandoned` (close or a rebalance cut it short: it stays uncommitted and comes again).
 *
 * A handler that rejects is called again after a backoff (exponential, full jitter), up to
 * `handlerAttempts` calls; a DependencyUnavailableError (a store or broker down) does not use
 * up an attempt, so a record waits out an outage instead of being failed for it. After the last
 * attempt `onAttemptsExhausted` records the failure, and the record is dead-lettered with the
 * reason and the attempt count.
 */
export async function settleRecord(record: DeliveredRecord, context: SettleContext): Promise<'settled' | 'abandoned'> {
  const outcome = await runHandler(record, context);
  if (outcome === 'abandoned') return outcome;
  if (outcome.kind === 'done') return 'settled';
  const copy = deadLetterCopy(record, {
    topic: context.options.deadLetterTopic,
    reason: outcome.reason,
    ...('attempts' in outcome ? { attempts: outcome.attempts } : {}),
    maxBytes: context.maxRecordBytes,
  });
  for (let call = 1; ; call++) {
    try {
      await context.publish(copy);
      break;
    } catch (error) {
      context.options.events?.onHandlerError?.(record, error, call);
      if (!(await backoff(call, context))) return 'abandoned';
    }
  }
  context.options.events?.onDeadLetter?.(record, outcome.reason);
  return 'settled';
}

type HandlerOutcome = DeliveryOutcome | { kind: 'dead-letter'; reason: string; attempts: number } | 'abandoned';

async function runHandler(record: DeliveredRecord, context: SettleContext): Promise<HandlerOutcome> {
  const { options, abandon } = context;
  const attempts = Math.max(1, options.handlerAttempts ?? DEFAULT_HANDLER_ATTEMPTS);
  let failures = 0;
  for (let call = 1; ; call++) {
    try {
      const outcome = await options.handler(record, { signal: abandon });
      return abandon.aborted ? 'abandoned' : outcome;
    } catch (error) {
      if (abandon.aborted) return 'abandoned';
      if (!(error instanceof DependencyUnavailableError)) failures += 1;
      options.events?.onHandlerError?.(record, error, call);
      if (failures >= attempts) return giveUp(record, error, failures, context);
      if (!(await backoff(call, context))) return 'abandoned';
    }
  }
}

async function giveUp(record: DeliveredRecord, error: unknown, attempts: number, context: SettleContext): Promise<HandlerOutcome> {
  // The reason is shown to clients (GET /v1/dead-letters): dtq's words only. What went wrong,
  // in a driver's or a store's words, is logged with the record's job_id and trace_id by
  // onHandlerError at each attempt.
  const reason = `handler failed ${attempts} times; the worker's logs have each error under this record's job_id and trace_id`;
  const recordFailure = context.options.onAttemptsExhausted;
  for (let call = 1; recordFailure; call++) {
    try {
      await recordFailure(record, { reason, attempts, error });
      break;
    } catch (failure) {
      if (context.abandon.aborted) return 'abandoned';
      context.options.events?.onHandlerError?.(record, failure, attempts + call);
      // Only a dependency that is down is worth waiting for; anything else would fail again.
      if (!(failure instanceof DependencyUnavailableError)) break;
      if (!(await backoff(call, context))) return 'abandoned';
    }
  }
  return { kind: 'dead-letter', reason, attempts };
}

/** Waits the backoff after the `call`th failure; false when the record must stop waiting. */
async function backoff(call: number, context: SettleContext): Promise<boolean> {
  if (context.stop.aborted) return false;
  await delay(backoffDelay(call - 1, context.backoff), context.stop);
  return !context.stop.aborted;
}

/**
 * The dead-letter copy of a record (deadLetterRecord, plus the attempt count), cut to fit
 * `maxBytes`: a record near the broker's limit would not fit with the extra headers, so its
 * value is truncated and `dlq-value-truncated-from` gives the original length.
 */
export function deadLetterCopy(record: DeliveredRecord, options: { topic: string; reason: string; attempts?: number; maxBytes: number }): QueueRecord {
  const copy = deadLetterRecord(record, { topic: options.topic, reason: clip(options.reason) });
  if (options.attempts !== undefined) copy.headers[DEAD_LETTER_COPY_HEADERS.attempts] = String(options.attempts);
  if (recordBytes(copy) <= options.maxBytes) return copy;
  const marked: QueueRecord = { ...copy, headers: { ...copy.headers, [DEAD_LETTER_COPY_HEADERS.truncatedFrom]: String(record.value.length) } };
  // Room for the value; the two length varints it adds take at most 8 bytes more.
  const room = options.maxBytes - recordBytes({ ...marked, value: Buffer.alloc(0) }) - 8;
  return { ...marked, value: record.value.subarray(0, Math.max(0, room)) };
}

/**
 * The bytes a record takes on a Kafka broker when sent alone, as a record batch (v2, no
 * compression): what the broker compares with `message.max.bytes`.
 */
export function recordBytes(record: Pick<QueueRecord, 'key' | 'value' | 'headers'>): number {
  const key = record.key === null ? null : Buffer.byteLength(record.key);
  const headers = Object.entries(record.headers);
  let body = 1 + 1 + 1; // attributes, timestamp delta 0, offset delta 0
  body += key === null ? varintBytes(-1) : varintBytes(key) + key;
  body += varintBytes(record.value.length) + record.value.length;
  body += varintBytes(headers.length);
  for (const [name, value] of headers) {
    const n = Buffer.byteLength(name);
    const v = Buffer.byteLength(value);
    body += varintBytes(n) + n + varintBytes(v) + v;
  }
  const RECORD_BATCH_HEADER = 61;
  return RECORD_BATCH_HEADER + varintBytes(body) + body;
}

/** Length of a zigzag varint, as Kafka writes record fields. */
function varintBytes(value: number): number {
  let zigzag = value >= 0 ? value * 2 : -value * 2 - 1;
  let bytes = 1;
  while (zigzag >= 128) {
    zigzag = Math.floor(zigzag / 128);
    bytes += 1;
  }
  return bytes;
}

function clip(reason: string): string {
  return reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS)}…` : reason;
}
