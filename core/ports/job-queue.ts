import type { Lifecycle } from './lifecycle.js';

/** A record as it travels on the queue: bytes plus routing and headers. */
export interface QueueRecord {
  topic: string;
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
}

/** A record handed to a consumer, with where it came from. */
export interface DeliveredRecord extends QueueRecord {
  partition: number;
  offset: string;
}

/**
 * What the handler decided. `done`: the outcome is durable, commit. `dead-letter`: the record
 * can never be processed (it breaks the contract); publish it to the dead-letter topic with the
 * reason, then commit. A handler that rejects leaves the record uncommitted: it is redelivered.
 */
export type DeliveryOutcome = { kind: 'done' } | { kind: 'dead-letter'; reason: string };

export type DeliveryHandler = (
  record: DeliveredRecord,
  context: { signal: AbortSignal },
) => Promise<DeliveryOutcome>;

export interface ConsumerEvents {
  /** A handler rejected; the record will be delivered again after a backoff. */
  onHandlerError?(record: DeliveredRecord, error: unknown): void;
  /** A record went to the dead-letter topic. */
  onDeadLetter?(record: DeliveredRecord, reason: string): void;
  /** The member lost its connection to the group; `restarting` says whether it rejoins by itself. */
  onCrash?(error: unknown, restarting: boolean): void;
}

export interface ConsumerOptions {
  groupId: string;
  topics: string[];
  handler: DeliveryHandler;
  /** Partitions processed at once; records of one partition are processed in order. */
  concurrency: number;
  deadLetterTopic: string;
  events?: ConsumerEvents;
}

/** How far a group's committed offset trails the end of one partition. */
export interface PartitionLag {
  topic: string;
  partition: number;
  /** Records on the partition not yet committed by the group. */
  lag: number;
}

/** A group member. `close` stops fetching, waits for in-flight work up to `drainTimeoutMs`,
 *  commits only what finished and leaves the group. */
export interface JobConsumer extends Lifecycle {
  close(options?: { drainTimeoutMs?: number }): Promise<void>;
  /** Records handed to the handler and not yet settled. */
  inFlight(): number;
  /**
   * False once the consumer has stopped for good and only a restart of the process brings it
   * back (liveness, where `ready` is readiness). Optional: an adapter that cannot stop by itself
   * leaves it out.
   */
  alive?(): boolean;
  /**
   * Lag of the partitions this member owns now, read when metrics are scraped. Optional: an
   * adapter that cannot tell leaves it out and the lag metric stays empty.
   */
  lag?(): Promise<PartitionLag[]>;
}

/**
 * The job queue: at-least-once delivery to consumer groups, an offset committed only after its
 * record's outcome, uncommitted records redelivered to the group.
 */
export interface JobQueue {
  /** Resolves once the queue acknowledged the record durably. */
  publish(record: QueueRecord): Promise<void>;
  /** Creates topics that do not exist yet. */
  ensureTopics(topics: string[]): Promise<void>;
  createConsumer(options: ConsumerOptions): JobConsumer;
  close(): Promise<void>;
}
