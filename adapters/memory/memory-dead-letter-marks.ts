import type { DeadLetterMark, DeadLetterMarks } from '../../core/ports/index.js';

/** Dead-letter marks in process memory (the embedded default and tests): gone with the process, as its topic is. */
export class MemoryDeadLetterMarks implements DeadLetterMarks {
  private readonly marks = new Map<string, DeadLetterMark>();

  async mark(topic: string, mark: DeadLetterMark): Promise<DeadLetterMark> {
    const key = `${topic}/${mark.id}`;
    const existing = this.marks.get(key);
    if (existing) return existing;
    this.marks.set(key, { ...mark });
    return mark;
  }

  async find(topic: string, ids: string[]): Promise<DeadLetterMark[]> {
    return ids.flatMap((id) => this.marks.get(`${topic}/${id}`) ?? []);
  }

  async count(topic: string): Promise<number> {
    return [...this.marks.keys()].filter((key) => key.startsWith(`${topic}/`)).length;
  }

  async close(): Promise<void> {}
}
