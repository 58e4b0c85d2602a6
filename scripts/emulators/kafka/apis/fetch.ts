/**
 * Fetch (key 1), v4-v11. Returns stored batches whole, starting with the batch
 * that holds the fetch offset. Long-polls: when fewer than min_bytes are
 * available it waits for appends until max_wait_ms. Fetch sessions (KIP-227)
 * are not created: every response carries session id 0, so clients send full
 * fetch requests.
 */
import { ErrorCode } from '../protocol/errors.js';
import type { Reader } from '../protocol/reader.js';
import { Writer } from '../protocol/writer.js';
import type { RequestContext } from './context.js';

interface FetchPartition {
  index: number;
  fetchOffset: number;
  maxBytes: number;
}

interface FetchTopic {
  name: string;
  partitions: FetchPartition[];
}

interface PartitionResult {
  index: number;
  errorCode: number;
  highWatermark: number;
  logStartOffset: number;
  batches: Buffer[];
}

interface FetchResult {
  topics: Array<{ name: string; partitions: PartitionResult[] }>;
  bytes: number;
  hasError: boolean;
}

export async function handleFetch(ctx: RequestContext, r: Reader): Promise<Writer> {
  const v = ctx.apiVersion;
  r.int32(); // replica_id
  const maxWaitMs = Math.max(0, r.int32());
  const minBytes = r.int32();
  const maxBytes = r.int32();
  r.int8(); // isolation_level: no transactions, so both levels read up to the high watermark
  if (v >= 7) {
    r.int32(); // session_id
    r.int32(); // session_epoch
  }
  const topics = r.array(
    (r): FetchTopic => ({
      name: r.string(),
      partitions: r.array((r): FetchPartition => {
        const index = r.int32();
        if (v >= 9) r.int32(); // current_leader_epoch
        const fetchOffset = r.int64();
        if (v >= 5) r.int64(); // log_start_offset (followers only)
        return { index, fetchOffset, maxBytes: r.int32() };
      }),
    }),
  );
  if (v >= 7) r.array((r) => [r.string(), r.int32Array()]); // forgotten_topics_data
  if (v >= 11) r.string(); // rack_id

  let result = collect(ctx, topics, maxBytes);
  const deadline = Date.now() + maxWaitMs;
  while (result.bytes < minBytes && !result.hasError && Date.now() < deadline && !ctx.signal.aborted) {
    await waitForChange(ctx, deadline - Date.now());
    result = collect(ctx, topics, maxBytes);
  }
  return encode(v, result);
}

function collect(ctx: RequestContext, topics: readonly FetchTopic[], maxBytes: number): FetchResult {
  let bytes = 0;
  let hasError = false;
  const out = topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p): PartitionResult => {
      const log = ctx.broker.topics.partition(t.name, p.index);
      if (!log) {
        hasError = true;
        return { index: p.index, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, highWatermark: -1, logStartOffset: -1, batches: [] };
      }
      const base = { index: p.index, highWatermark: log.highWatermark, logStartOffset: log.logStartOffset };
      if (p.fetchOffset < log.logStartOffset || p.fetchOffset > log.highWatermark) {
        hasError = true;
        return { ...base, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, batches: [] };
      }
      const budget = Math.min(p.maxBytes, Math.max(0, maxBytes - bytes));
      const batches = log.read(p.fetchOffset, budget, bytes === 0);
      for (const b of batches) bytes += b.length;
      return { ...base, errorCode: ErrorCode.NONE, batches };
    }),
  }));
  return { topics: out, bytes, hasError };
}

/** Resolves on the next append (or topic deletion), after `ms`, or when the request is aborted. */
function waitForChange(ctx: RequestContext, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      unsubscribe();
      ctx.signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    const unsubscribe = ctx.broker.topics.onChange(done);
    ctx.signal.addEventListener('abort', done, { once: true });
  });
}

function encode(v: number, result: FetchResult): Writer {
  const w = new Writer(64 + result.bytes);
  w.int32(0); // throttle_time_ms
  if (v >= 7) w.int16(ErrorCode.NONE).int32(0); // error_code, session_id (no session)
  w.array(result.topics, (w, t) => {
    w.string(t.name);
    w.array(t.partitions, (w, p) => {
      w.int32(p.index).int16(p.errorCode).int64(p.highWatermark);
      w.int64(p.highWatermark); // last_stable_offset: no open transactions
      if (v >= 5) w.int64(p.logStartOffset);
      w.int32(0); // aborted_transactions: empty
      if (v >= 11) w.int32(-1); // preferred_read_replica: none
      w.bytesFrom(p.batches);
    });
  });
  return w;
}
