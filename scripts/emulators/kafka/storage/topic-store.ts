/** Topics and their partition logs, plus a wake-up signal for long-polling fetches. */
import { PartitionLog } from './partition-log.js';
import type { IncomingBatch } from './record-batch.js';

export interface Topic {
  name: string;
  partitions: PartitionLog[];
}

const LEGAL_TOPIC = /^[a-zA-Z0-9._-]+$/;

export function isLegalTopicName(name: string): boolean {
  return name.length > 0 && name.length <= 249 && name !== '.' && name !== '..' && LEGAL_TOPIC.test(name);
}

export class TopicStore {
  private readonly topics = new Map<string, Topic>();
  private readonly appendListeners = new Set<() => void>();

  constructor(private readonly log: (line: string) => void) {}

  get(name: string): Topic | undefined {
    return this.topics.get(name);
  }

  names(): string[] {
    return [...this.topics.keys()];
  }

  partition(topic: string, index: number): PartitionLog | undefined {
    return this.topics.get(topic)?.partitions[index];
  }

  /** Creates a topic; the caller has checked the name and that it does not exist. */
  create(name: string, partitionCount: number): Topic {
    const topic: Topic = { name, partitions: Array.from({ length: partitionCount }, () => new PartitionLog()) };
    this.topics.set(name, topic);
    this.log(`topic created: ${name} (${partitionCount} partitions)`);
    return topic;
  }

  delete(name: string): boolean {
    const existed = this.topics.delete(name);
    if (existed) {
      this.log(`topic deleted: ${name}`);
      this.notify();
    }
    return existed;
  }

  append(log: PartitionLog, batches: readonly IncomingBatch[]): number {
    const base = log.append(batches);
    this.notify();
    return base;
  }

  /** Calls `listener` after every append (or topic deletion) until the returned function is called. */
  onChange(listener: () => void): () => void {
    this.appendListeners.add(listener);
    return () => this.appendListeners.delete(listener);
  }

  private notify(): void {
    for (const l of [...this.appendListeners]) l();
  }
}
