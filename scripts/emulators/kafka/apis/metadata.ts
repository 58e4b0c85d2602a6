/** Metadata (key 3), v0-v6. One broker (node 0) leads every partition. */
import { ErrorCode } from '../protocol/errors.js';
import type { Reader } from '../protocol/reader.js';
import { Writer } from '../protocol/writer.js';
import { isLegalTopicName } from '../storage/topic-store.js';
import { CLUSTER_ID, NODE_ID, type RequestContext } from './context.js';

interface TopicView {
  errorCode: number;
  name: string;
  partitionCount: number;
}

export function handleMetadata(ctx: RequestContext, r: Reader): Writer {
  const v = ctx.apiVersion;
  const { topics } = ctx.broker;
  let requested: string[] | null;
  if (v === 0) {
    const list = r.stringArray();
    requested = list.length === 0 ? null : list; // v0: an empty list means every topic
  } else {
    requested = r.nullableArray((r) => r.string());
  }
  // Before v4 the broker-side setting decides; the emulator auto-creates.
  const allowAutoCreate = v >= 4 ? r.bool() : true;

  const views: TopicView[] = [];
  if (requested === null) {
    for (const name of topics.names()) views.push({ errorCode: ErrorCode.NONE, name, partitionCount: topics.get(name)!.partitions.length });
  } else {
    for (const name of new Set(requested)) {
      const existing = topics.get(name);
      if (existing) {
        views.push({ errorCode: ErrorCode.NONE, name, partitionCount: existing.partitions.length });
      } else if (!isLegalTopicName(name)) {
        views.push({ errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, name, partitionCount: 0 });
      } else if (allowAutoCreate) {
        const created = topics.create(name, ctx.broker.defaultPartitions);
        views.push({ errorCode: ErrorCode.NONE, name, partitionCount: created.partitions.length });
      } else {
        views.push({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name, partitionCount: 0 });
      }
    }
  }

  const w = new Writer();
  if (v >= 3) w.int32(0); // throttle_time_ms
  w.array([NODE_ID], (w, nodeId) => {
    w.int32(nodeId).string(ctx.broker.host).int32(ctx.broker.port);
    if (v >= 1) w.nullableString(null); // rack
  });
  if (v >= 2) w.nullableString(CLUSTER_ID);
  if (v >= 1) w.int32(NODE_ID); // controller_id
  w.array(views, (w, t) => {
    w.int16(t.errorCode).string(t.name);
    if (v >= 1) w.bool(false); // is_internal
    w.array(
      Array.from({ length: t.partitionCount }, (_, i) => i),
      (w, index) => {
        w.int16(ErrorCode.NONE).int32(index).int32(NODE_ID).int32Array([NODE_ID]).int32Array([NODE_ID]);
        if (v >= 5) w.int32Array([]); // offline_replicas
      },
    );
  });
  return w;
}
