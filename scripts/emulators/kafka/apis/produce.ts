/** Produce (key 0), v3-v7: record batches v2 are stored as produced, with broker-assigned offsets. */
import { ErrorCode } from '../protocol/errors.js';
import type { Reader } from '../protocol/reader.js';
import { Writer } from '../protocol/writer.js';
import { splitRecordSet } from '../storage/record-batch.js';
import type { RequestContext } from './context.js';

interface PartitionData {
  index: number;
  records: Buffer | null;
}

interface PartitionResult {
  index: number;
  errorCode: number;
  baseOffset: number;
  logStartOffset: number;
}

export function handleProduce(ctx: RequestContext, r: Reader): Writer | null {
  const v = ctx.apiVersion;
  r.nullableString(); // transactional_id (v3+): accepted, no transaction semantics
  const acks = r.int16();
  r.int32(); // timeout_ms: a single in-memory replica never waits
  const topics = r.array((r) => ({
    name: r.string(),
    partitions: r.array((r): PartitionData => ({ index: r.int32(), records: r.nullableBytes() })),
  }));

  const validAcks = acks === 0 || acks === 1 || acks === -1;
  const results = topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p): PartitionResult => {
      const fail = (errorCode: number): PartitionResult => ({ index: p.index, errorCode, baseOffset: -1, logStartOffset: -1 });
      if (!validAcks) return fail(ErrorCode.INVALID_REQUIRED_ACKS);
      const log = ctx.broker.topics.partition(t.name, p.index);
      if (!log) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      const split = splitRecordSet(p.records ?? Buffer.alloc(0));
      if (!split.ok) {
        ctx.broker.log(`produce to ${t.name}[${p.index}] rejected: ${split.reason}`);
        return fail(split.errorCode);
      }
      const baseOffset = ctx.broker.topics.append(log, split.batches);
      return { index: p.index, errorCode: ErrorCode.NONE, baseOffset, logStartOffset: log.logStartOffset };
    }),
  }));

  if (acks === 0) return null; // acks=0: the producer expects no response at all
  const w = new Writer();
  w.array(results, (w, t) => {
    w.string(t.name);
    w.array(t.partitions, (w, p) => {
      w.int32(p.index).int16(p.errorCode).int64(p.baseOffset);
      w.int64(-1); // log_append_time_ms: CreateTime topics
      if (v >= 5) w.int64(p.logStartOffset);
    });
  });
  w.int32(0); // throttle_time_ms
  return w;
}
