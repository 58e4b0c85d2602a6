/** What happened to a dead letter once someone dealt with it. */
export interface DeadLetterMark {
  /** `<partition>-<offset>` on the dead-letter topic. */
  id: string;
  /** `purged`: set aside by hand; `replayed`: put back on its topic. */
  outcome: 'purged' | 'replayed';
  handled_at: string;
  /** Who asked, as the request named its caller; absent when it named none. */
  handled_by?: string;
}

/**
 * Durable marks on dead letters that have been dealt with, kept apart from the topic (records on
 * Kafka cannot be changed): the views hide or grey out what is marked. A mark is set once; a
 * later one for the same record keeps the first.
 */
export interface DeadLetterMarks {
  /** Sets the mark unless the record has one; answers the mark it has now. */
  mark(topic: string, mark: DeadLetterMark): Promise<DeadLetterMark>;
  /** The marks of these records of the topic that have one. */
  find(topic: string, ids: string[]): Promise<DeadLetterMark[]>;
  /** How many records of the topic are marked. */
  count(topic: string): Promise<number>;
  close(): Promise<void>;
}
