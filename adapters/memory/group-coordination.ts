import type { DeliveredRecord, GroupPartitionLag, QueueRecord } from '../../core/ports/index.js';

export interface TopicPartition {
  topic: string;
  partition: number;
}

export const tpKey = (tp: TopicPartition): string => `${tp.topic}/${tp.partition}`;

/** A consumer as its group sees it: it subscribes to topics and is told its partitions. */
export interface GroupMember {
  readonly groupId: string;
  readonly topics: string[];
  /** The group is about to reassign partitions: commit what finished, while the generation is current. */
  beforeRebalance(): void;
  assign(assignment: TopicPartition[], generation: number): void;
  close(options?: { drainTimeoutMs?: number }): Promise<void>;
}

/** What a member needs from the log: records, committed offsets and group membership. */
export interface PartitionedLog {
  readonly retryBackoff: { initialMs: number; maxMs: number };
  /** How long finished records wait before their offsets are committed, as a batch. */
  readonly commitIntervalMs: number;
  /** The largest record the log accepts (recordBytes), as a Kafka broker's message.max.bytes. */
  readonly maxRecordBytes: number;
  publish(record: QueueRecord): Promise<void>;
  ensureTopics(topics: string[]): Promise<void>;
  next(tp: TopicPartition, offset: number, stop: AbortSignal): Promise<DeliveredRecord | undefined>;
  committed(groupId: string, tp: TopicPartition): number;
  /** How far the group trails each partition of the topics. */
  readLag(groupId: string, topics: string[]): Promise<GroupPartitionLag[]>;
  /** How many partitions the topic has. */
  partitionCount(topic: string): number;
  /** The offset the next record of the partition will get. */
  endOffset(tp: TopicPartition): number;
  commit(groupId: string, generation: number, tp: TopicPartition, nextOffset: number): boolean;
  join(member: GroupMember): void;
  leave(member: GroupMember): void;
}
