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
 * reason, then commit. A handler that rejects is called again after a backoff, up to
 * `handlerAttempts` times (a DependencyUnavailableError does not use up an attempt: the record
 * waits for its dependency); after the last, `onAttemptsExhausted` records the failure and the
 * record is dead-lettered and committed.
 */
export type DeliveryOutcome = { kind: 'done' } | { kind: 'dead-letter'; reason: string };

export type DeliveryHandler = (
  record: DeliveredRecord,
  context: { signal: AbortSignal },
) => Promise<DeliveryOutcome>;

/** Why a record's handler was given up on. */
export interface HandlerFailure {
  /** The dead-letter reason, in dtq's words (the errors themselves are logged, never shown). */
  reason: string;
  attempts: number;
  error: unknown;
}

export interface ConsumerEvents {
  /** A handler rejected (attempt `attempt`, from 1); the record is tried again after a backoff unless it was the last. */
  onHandlerError?(record: DeliveredRecord, error: unknown, attempt: number): void;
  /** A record went to the dead-letter topic. */
  onDeadLetter?(record: DeliveredRecord, reason: string): void;
  /** The member lost its connection to the group; `restarting` says whether it rejoins by itself. */
  onCrash?(error: unknown, restarting: boolean): void;
}

/**
 * Turns between topics while records wait for slots: each topic is in a lane (the job
 * priorities), lanes take turns by weight, records of one lane first come, first served.
 */
export interface ConsumerLanes {
  of(topic: string): string;
  weights: Readonly<Record<string, number>>;
}

export interface ConsumerOptions {
  groupId: string;
  topics: string[];
  handler: DeliveryHandler;
  /**
   * Records handled at once, however many partitions the member owns (records of one partition
   * run side by side too: order within a partition is not kept). A partition's offset is
   * committed up to its first record without an outcome, in batches.
   */
  concurrency: number;
  deadLetterTopic: string;
  /** Calls of the handler for one record before it is given up on (default 5). */
  handlerAttempts?: number;
  /**
   * Awaited when a record's handler failed `handlerAttempts` times, before the record is
   * dead-lettered and committed: the place to record the job's failure durably. Rejecting with
   * a DependencyUnavailableError makes it wait and try again; any other rejection is logged
   * and the record is dead-lettered anyway.
   */
  onAttemptsExhausted?(record: DeliveredRecord, failure: HandlerFailure): Promise<void>;
  events?: ConsumerEvents;
  /** Unset: one lane, first come, first served. */
  lanes?: ConsumerLanes;
}

/** How far a group's committed offset trails the end of one partition. */
export interface PartitionLag {
  topic: string;
  partition: number;
  /** Records on the partition not yet committed by the group. */
  lag: number;
  /** Whether the member that read it owns the partition now (false: another member, or none). */
  owned: boolean;
}

/** A group member. `close` stops fetching, waits for in-flight work up to `drainTimeoutMs`,
 *  commits only what finished and leaves the group. */
export interface JobConsumer extends Lifecycle {
  close(options?: { drainTimeoutMs?: number }): Promise<void>;
  /** Records handed to the handler and not yet settled (at most `concurrency`). */
  inFlight(): number;
  /**
   * Records fetched and waiting for a free slot. Bounded whatever the backlog: a partition with
   * `concurrency` records waiting is not fetched until they start. Optional, for metrics and tests.
   */
  buffered?(): number;
  /**
   * False once the consumer has stopped for good and only a restart of the process brings it
   * back (liveness, where `ready` is readiness). Optional: an adapter that cannot stop by itself
   * leaves it out.
   */
  alive?(): boolean;
  /**
   * Lag of every partition of the subscribed topics for the member's group, owned by this member,
   * by another or by none (a partition nobody consumes shows its backlog too), read when metrics
   * are scraped. Optional: an adapter that cannot tell leaves it out and the lag metric stays empty.
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
  /**
   * Publishes many records in as few requests as the queue allows (Kafka: one produce request
   * while they fit in its size bound), resolving once all are acknowledged durably; rejects when
   * any is not. Optional: without it, callers publish one by one.
   */
  publishMany?(records: QueueRecord[]): Promise<void>;
  /** Creates topics that do not exist yet. */
  ensureTopics(topics: string[]): Promise<void>;
  createConsumer(options: ConsumerOptions): JobConsumer;
  /**
   * How far a group trails each partition of the topics, read without being a member (the
   * operator's view of the fleet, also while no worker runs). Optional, as a consumer's `lag`.
   */
  readLag?(groupId: string, topics: string[]): Promise<GroupPartitionLag[]>;
  close(): Promise<void>;
}

/** A partition's lag for a group, read from outside the group. */
export type GroupPartitionLag = Omit<PartitionLag, 'owned'>;
