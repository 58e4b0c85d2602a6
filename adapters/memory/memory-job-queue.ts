import { DependencyUnavailableError } from '../../core/errors/index.js';
import type { ConsumerOptions, DeliveredRecord, GroupPartitionLag, JobConsumer, JobQueue, QueueRecord } from '../../core/ports/index.js';
import { DEFAULT_MAX_RECORD_BYTES, recordBytes } from '../shared/record-settlement.js';
import { MemoryConsumer } from './memory-consumer.js';

import { tpKey, type GroupMember, type PartitionedLog, type TopicPartition } from './group-coordination.js';

interface Partition {
  records: DeliveredRecord[];
  waiters: Set<() => void>;
}

/**
 * Partitions per topic unless told otherwise. In one process they bound nothing a deployment
 * tunes: a consumer runs up to its concurrency across them, several records of one partition side
 * by side. They are there so a group of several consumers splits a topic as Kafka's does.
 */
const DEFAULT_PARTITIONS = 3;

interface Group {
  committed: Map<string, number>;
  members: GroupMember[];
  generation: number;
}

/**
 * A partitioned log in process memory with consumer groups, mirroring the Kafka semantics the
 * worker relies on: records keyed to partitions, per-group committed offsets, partitions shared
 * among a group's members and reassigned when one joins or leaves.
 */
export class MemoryJobQueue implements JobQueue, PartitionedLog {
  private readonly topics = new Map<string, Partition[]>();
  private readonly groups = new Map<string, Group>();
  readonly partitions: number;
  readonly retryBackoff: { initialMs: number; maxMs: number };
  readonly commitIntervalMs: number;
  readonly maxRecordBytes: number;

  constructor(
    options: { partitions?: number; retryBackoff?: { initialMs: number; maxMs: number }; commitIntervalMs?: number; maxRecordBytes?: number } = {},
  ) {
    this.partitions = options.partitions ?? DEFAULT_PARTITIONS;
    this.retryBackoff = options.retryBackoff ?? { initialMs: 100, maxMs: 5_000 };
    this.commitIntervalMs = options.commitIntervalMs ?? 20;
    this.maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  }

  async publish(record: QueueRecord): Promise<void> {
    const bytes = recordBytes(record);
    if (bytes > this.maxRecordBytes) {
      throw new DependencyUnavailableError('job queue', `a record of ${bytes} bytes exceeds the ${this.maxRecordBytes} bytes the queue accepts`);
    }
    const partitions = this.topic(record.topic);
    const partition = record.key === null ? Math.floor(Math.random() * partitions.length) : hashKey(record.key) % partitions.length;
    const log = partitions[partition]!;
    log.records.push({ ...record, value: Buffer.from(record.value), headers: { ...record.headers }, partition, offset: String(log.records.length) });
    for (const wake of log.waiters) wake();
    log.waiters.clear();
  }

  async ensureTopics(topics: string[]): Promise<void> {
    for (const topic of topics) this.topic(topic);
  }

  createConsumer(options: ConsumerOptions): JobConsumer {
    return new MemoryConsumer(this, options);
  }

  async close(): Promise<void> {
    for (const group of this.groups.values()) {
      await Promise.all(group.members.map((member) => member.close({ drainTimeoutMs: 0 })));
    }
  }

  /** Records of a partition from `offset` on; resolves when one exists or `stop` fires. */
  async next(tp: TopicPartition, offset: number, stop: AbortSignal): Promise<DeliveredRecord | undefined> {
    const log = this.topic(tp.topic)[tp.partition]!;
    while (!stop.aborted) {
      const record = log.records[offset];
      if (record) return record;
      await new Promise<void>((resolve) => {
        const wake = () => {
          stop.removeEventListener('abort', wake);
          log.waiters.delete(wake);
          resolve();
        };
        log.waiters.add(wake);
        stop.addEventListener('abort', wake, { once: true });
      });
    }
    return undefined;
  }

  async readLag(groupId: string, topics: string[]): Promise<GroupPartitionLag[]> {
    return topics.flatMap((topic) =>
      Array.from({ length: this.partitionCount(topic) }, (_, partition) => ({
        topic,
        partition,
        lag: Math.max(0, this.endOffset({ topic, partition }) - this.committed(groupId, { topic, partition })),
      })),
    );
  }

  partitionCount(topic: string): number {
    return this.topic(topic).length;
  }

  endOffset(tp: TopicPartition): number {
    return this.topic(tp.topic)[tp.partition]?.records.length ?? 0;
  }

  committed(groupId: string, tp: TopicPartition): number {
    return this.group(groupId).committed.get(tpKey(tp)) ?? 0;
  }

  /** Commits only for the generation that owns the partition, as a group coordinator would. */
  commit(groupId: string, generation: number, tp: TopicPartition, nextOffset: number): boolean {
    const group = this.group(groupId);
    if (group.generation !== generation) return false;
    const key = tpKey(tp);
    group.committed.set(key, Math.max(group.committed.get(key) ?? 0, nextOffset));
    return true;
  }

  join(member: GroupMember): void {
    const group = this.group(member.groupId);
    group.members.push(member);
    this.rebalance(group);
  }

  leave(member: GroupMember): void {
    const group = this.group(member.groupId);
    const index = group.members.indexOf(member);
    if (index < 0) return;
    group.members.splice(index, 1);
    this.rebalance(group);
  }

  private rebalance(group: Group): void {
    // Members commit what finished while their generation still owns the partitions.
    for (const member of group.members) member.beforeRebalance();
    group.generation += 1;
    const topics = [...new Set(group.members.flatMap((m) => m.topics))].sort();
    const owners = new Map<GroupMember, TopicPartition[]>(group.members.map((m) => [m, []]));
    let turn = 0;
    for (const topic of topics) {
      const subscribers = group.members.filter((m) => m.topics.includes(topic));
      this.topic(topic).forEach((_, partition) => {
        const owner = subscribers[turn++ % subscribers.length];
        owners.get(owner!)!.push({ topic, partition });
      });
    }
    for (const [member, assignment] of owners) member.assign(assignment, group.generation);
  }

  private topic(name: string): Partition[] {
    let partitions = this.topics.get(name);
    if (!partitions) {
      partitions = Array.from({ length: this.partitions }, () => ({ records: [], waiters: new Set<() => void>() }));
      this.topics.set(name, partitions);
    }
    return partitions;
  }

  private group(id: string): Group {
    let group = this.groups.get(id);
    if (!group) {
      group = { committed: new Map(), members: [], generation: 0 };
      this.groups.set(id, group);
    }
    return group;
  }
}

/** Same idea as Kafka's default partitioner: equal keys always land on the same partition. */
function hashKey(key: string): number {
  let hash = 2166136261;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 16777619);
  }
  return hash >>> 0;
}
