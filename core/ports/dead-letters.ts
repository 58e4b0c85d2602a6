/** One record on the dead-letter topic, as it lies there. `id` is `<partition>-<offset>`. */
export interface DeadLetterRecord {
  id: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
  /** When it was dead-lettered (its `dlq-failed-at` header, else the record's own time). */
  timestamp: string;
}

export interface DeadLetterPage {
  items: DeadLetterRecord[];
  next_cursor: string | null;
  /** Records on the topic that the reader holds. */
  total: number;
}

/** Reads the dead-letter topic (`jobs.dlq.v1`): a page newest first, or one record by id. */
export interface DeadLetters {
  list(query: { limit: number; cursor?: string }): Promise<DeadLetterPage>;
  get(id: string): Promise<DeadLetterRecord | null>;
  close(): Promise<void>;
}
