/** ListOffsets (key 2), v1-v5: latest (-1), earliest (-2) or by timestamp (batch granularity). */
import { ErrorCode } from '../protocol/errors.js';
import type { Reader } from '../protocol/reader.js';
import { Writer } from '../protocol/writer.js';
import { LEADER_EPOCH } from '../storage/partition-log.js';
import type { RequestContext } from './context.js';

const LATEST = -1;
const EARLIEST = -2;

export function handleListOffsets(ctx: RequestContext, r: Reader): Writer {
  const v = ctx.apiVersion;
  r.int32(); // replica_id
  if (v >= 2) r.int8(); // isolation_level
  const topics = r.array((r) => ({
    name: r.string(),
    partitions: r.array((r) => {
      const index = r.int32();
      if (v >= 4) r.int32(); // current_leader_epoch
      return { index, timestamp: r.int64() };
    }),
  }));

  const w = new Writer();
  if (v >= 2) w.int32(0); // throttle_time_ms
  w.array(topics, (w, t) => {
    w.string(t.name);
    w.array(t.partitions, (w, p) => {
      const log = ctx.broker.topics.partition(t.name, p.index);
      let errorCode: number = ErrorCode.NONE;
      let found = { offset: -1, timestamp: -1 };
      if (!log) errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      else if (p.timestamp === LATEST) found = { offset: log.highWatermark, timestamp: -1 };
      else if (p.timestamp === EARLIEST) found = { offset: log.logStartOffset, timestamp: -1 };
      else found = log.offsetForTimestamp(p.timestamp);
      w.int32(p.index).int16(errorCode).int64(found.timestamp).int64(found.offset);
      if (v >= 4) w.int32(log ? LEADER_EPOCH : -1);
    });
  });
  return w;
}
