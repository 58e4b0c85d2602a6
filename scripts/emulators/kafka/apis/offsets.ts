/** OffsetCommit (key 8) v2-v7 and OffsetFetch (key 9) v1-v5. */
import { ErrorCode } from '../protocol/errors.js';
import type { Reader } from '../protocol/reader.js';
import { Writer } from '../protocol/writer.js';
import type { RequestContext } from './context.js';

export function handleOffsetCommit(ctx: RequestContext, r: Reader): Writer {
  const v = ctx.apiVersion;
  const groupId = r.string();
  const generationId = r.int32();
  const memberId = r.string();
  if (v >= 7) r.nullableString(); // group_instance_id
  if (v <= 4) r.int64(); // retention_time_ms
  const topics = r.array((r) => ({
    name: r.string(),
    partitions: r.array((r) => {
      const index = r.int32();
      const offset = r.int64();
      const leaderEpoch = v >= 6 ? r.int32() : -1;
      return { index, offset, leaderEpoch, metadata: r.nullableString() };
    }),
  }));

  const { groups, topics: store } = ctx.broker;
  const group = groups.get(groupId);
  let groupError: number = ErrorCode.NONE;
  if (groupId === '') groupError = ErrorCode.INVALID_GROUP_ID;
  else if (generationId < 0 && (!group || group.state === 'Empty')) groupError = ErrorCode.NONE; // offsets-only use
  else if (!group) groupError = ErrorCode.UNKNOWN_MEMBER_ID;
  else groupError = group.commitError(memberId, generationId);

  const w = new Writer();
  if (v >= 3) w.int32(0); // throttle_time_ms
  w.array(topics, (w, t) => {
    w.string(t.name);
    w.array(t.partitions, (w, p) => {
      let errorCode = groupError;
      if (errorCode === ErrorCode.NONE && !store.partition(t.name, p.index)) errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      if (errorCode === ErrorCode.NONE) {
        groups.offsets.commit(groupId, t.name, p.index, { offset: p.offset, leaderEpoch: p.leaderEpoch, metadata: p.metadata });
      }
      w.int32(p.index).int16(errorCode);
    });
  });
  return w;
}

export function handleOffsetFetch(ctx: RequestContext, r: Reader): Writer {
  const v = ctx.apiVersion;
  const groupId = r.string();
  // v2+: a null topic list asks for every committed offset of the group.
  const requested = r.nullableArray((r) => ({ topic: r.string(), partitions: r.int32Array() }));
  const { offsets } = ctx.broker.groups;
  const topics = requested ?? offsets.all(groupId);

  const w = new Writer();
  if (v >= 3) w.int32(0); // throttle_time_ms
  w.array(topics, (w, t) => {
    w.string(t.topic);
    w.array(t.partitions, (w, index) => {
      const committed = offsets.get(groupId, t.topic, index);
      w.int32(index).int64(committed?.offset ?? -1);
      if (v >= 5) w.int32(committed?.leaderEpoch ?? -1);
      w.nullableString(committed ? committed.metadata : '');
      w.int16(ErrorCode.NONE);
    });
  });
  if (v >= 2) w.int16(ErrorCode.NONE);
  return w;
}
