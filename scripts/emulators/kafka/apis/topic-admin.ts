/** CreateTopics (key 19) v0-v4 and DeleteTopics (key 20) v0-v3. */
import { ErrorCode } from '../protocol/errors.js';
import type { Reader } from '../protocol/reader.js';
import { Writer } from '../protocol/writer.js';
import { isLegalTopicName } from '../storage/topic-store.js';
import type { RequestContext } from './context.js';

interface CreatableTopic {
  name: string;
  numPartitions: number;
  replicationFactor: number;
  assignmentCount: number;
}

interface TopicResult {
  name: string;
  errorCode: number;
  errorMessage: string | null;
}

export function handleCreateTopics(ctx: RequestContext, r: Reader): Writer {
  const v = ctx.apiVersion;
  const requested = r.array((r): CreatableTopic => {
    const name = r.string();
    const numPartitions = r.int32();
    const replicationFactor = r.int16();
    const assignmentCount = r.array((r) => {
      r.int32(); // partition_index
      return r.int32Array(); // broker_ids
    }).length;
    r.array((r) => [r.string(), r.nullableString()]); // configs: accepted and ignored
    return { name, numPartitions, replicationFactor, assignmentCount };
  });
  r.int32(); // timeout_ms
  const validateOnly = v >= 1 ? r.bool() : false;

  const results = requested.map((t): TopicResult => {
    const fail = (errorCode: number, errorMessage: string): TopicResult => ({ name: t.name, errorCode, errorMessage });
    if (!isLegalTopicName(t.name)) return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, `illegal topic name '${t.name}'`);
    if (ctx.broker.topics.get(t.name)) return fail(ErrorCode.TOPIC_ALREADY_EXISTS, `topic '${t.name}' already exists`);
    if (t.replicationFactor !== -1 && t.replicationFactor !== 1) {
      return fail(ErrorCode.INVALID_REPLICATION_FACTOR, `replication factor ${t.replicationFactor} is larger than the 1 available broker`);
    }
    let partitions = t.numPartitions;
    if (partitions === -1) partitions = t.assignmentCount > 0 ? t.assignmentCount : ctx.broker.defaultPartitions;
    if (partitions <= 0) return fail(ErrorCode.INVALID_PARTITIONS, `number of partitions must be positive, got ${partitions}`);
    if (!validateOnly) ctx.broker.topics.create(t.name, partitions);
    return { name: t.name, errorCode: ErrorCode.NONE, errorMessage: null };
  });

  const w = new Writer();
  if (v >= 2) w.int32(0); // throttle_time_ms
  w.array(results, (w, t) => {
    w.string(t.name).int16(t.errorCode);
    if (v >= 1) w.nullableString(t.errorMessage);
  });
  return w;
}

export function handleDeleteTopics(ctx: RequestContext, r: Reader): Writer {
  const v = ctx.apiVersion;
  const names = r.stringArray();
  r.int32(); // timeout_ms
  const results = names.map((name) => {
    if (!ctx.broker.topics.delete(name)) return { name, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
    ctx.broker.groups.offsets.dropTopic(name);
    return { name, errorCode: ErrorCode.NONE };
  });
  const w = new Writer();
  if (v >= 1) w.int32(0); // throttle_time_ms
  w.array(results, (w, t) => w.string(t.name).int16(t.errorCode));
  return w;
}
