import type { DeadLetterPage, DeadLetterRecord, DeadLetters } from '../../core/ports/index.js';
import { deadLetterId, deadLetteredAt, pageDeadLetters } from '../shared/dead-letter-pages.js';
import type { MemoryJobQueue } from './memory-job-queue.js';

const NEVER = new AbortController().signal;

/** The dead-letter topic of the in-memory queue, read through its partitioned log. */
export class MemoryDeadLetters implements DeadLetters {
  constructor(private readonly queue: MemoryJobQueue, private readonly topic: string) {}

  async list(query: { limit: number; cursor?: string }): Promise<DeadLetterPage> {
    return pageDeadLetters(await this.all(), query);
  }

  async get(id: string): Promise<DeadLetterRecord | null> {
    return (await this.all()).find((record) => record.id === id) ?? null;
  }

  async close(): Promise<void> {}

  private async all(): Promise<DeadLetterRecord[]> {
    const records: DeadLetterRecord[] = [];
    for (let partition = 0; partition < this.queue.partitions; partition++) {
      const tp = { topic: this.topic, partition };
      for (let offset = 0; offset < this.queue.endOffset(tp); offset++) {
        const record = await this.queue.next(tp, offset, NEVER);
        if (!record) break;
        records.push({
          id: deadLetterId(partition, record.offset),
          partition,
          offset: record.offset,
          key: record.key,
          value: record.value,
          headers: { ...record.headers },
          timestamp: deadLetteredAt(record.headers, new Date(0).toISOString()),
        });
      }
    }
    return records;
  }
}
