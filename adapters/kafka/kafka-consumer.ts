import type { Consumer, ConsumerRunConfig, EachMessagePayload, IHeaders, Kafka } from 'kafkajs';
import type { ConsumerOptions, DeliveredRecord, JobConsumer, Logger, PartitionLag, QueueRecord } from '../../core/ports/index.js';
import { backoffDelay, delay } from '../shared/backoff.js';
import { deadLetterRecord } from '../shared/dead-letter-record.js';
import { settlesWithin } from '../shared/settles-within.js';
import { asUnavailable, isTransient } from './kafka-errors.js';

/** Group timings; the defaults suit production, tests shorten them for quick rebalances. */
export interface KafkaConsumerTuning {
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  rebalanceTimeoutMs: number;
  /** How long one fetch long-polls. kafkajs heartbeats only between fetches, so keep it short. */
  maxWaitTimeMs: number;
  /** Bytes one fetch takes from each partition (default 128 KiB); see DEFAULT_MAX_BYTES_PER_PARTITION. */
  maxBytesPerPartition?: number;
  /**
   * How long start() waits for the first join while kafkajs restarts the member after retriable
   * errors (default 60 s); see DEFAULT_JOIN_TIMEOUT_MS.
   */
  joinTimeoutMs?: number;
}

/**
 * kafkajs fetches up to 1 MiB per partition and keeps the decoded batch until the next fetch:
 * a worker facing a backlog held about that much of it in memory, as objects several times the
 * size of the records. Jobs are a few hundred bytes, so 128 KiB is still hundreds per fetch.
 */
export const DEFAULT_MAX_BYTES_PER_PARTITION = 128 * 1024;

export interface KafkaConsumerDeps {
  kafka: Kafka;
  tuning: KafkaConsumerTuning;
  handlerRetryBackoff: { initialMs: number; maxMs: number };
  ensureTopics(topics: string[]): Promise<void>;
  publish(record: QueueRecord): Promise<void>;
  /** Committed offsets against partition ends, for the given group and partitions. */
  readLag(groupId: string, partitions: Map<string, number[]>): Promise<PartitionLag[]>;
  logger: Logger;
  onClosed(consumer: KafkaConsumer): void;
}

const DEFAULT_DRAIN_TIMEOUT_MS = 30_000;

/**
 * A real broker answers the first group requests after its start with retriable errors for a
 * while ("The coordinator is loading and hence can't process requests for this group"), until the
 * group's partition of __consumer_offsets is loaded; kafkajs then gives up on its retries, crashes
 * and restarts the member by itself. start() waits for that restart up to this long.
 */
export const DEFAULT_JOIN_TIMEOUT_MS = 60_000;

/** Backoff between restarts of a member kafkajs gave up on. */
const RESTART_BACKOFF = { initialMs: 500, maxMs: 10_000 };

/**
 * One member of a Kafka consumer group (kafkajs), with the port's semantics: each record's offset
 * is committed only after its handler's outcome; a rejected handler retries the same record in
 * place with backoff; a dead-letter outcome is published to the dead-letter topic and then
 * committed. Partitions are processed concurrently, one record at a time each. While a record is
 * retried its partition waits; the other partitions finish the batches already fetched and then
 * wait too, because kafkajs fetches the next round only when the current one is done.
 */
export class KafkaConsumer implements JobConsumer {
  private readonly consumer: Consumer;
  private readonly log: Logger;
  private readonly inFlightWork = new Set<Promise<void>>();
  /** Partitions of each topic this member owns, as of its last join. */
  private assignment = new Map<string, number[]>();
  /** Fires at close, once the drain time is over: handlers still running are abandoned. */
  private readonly abandon = new AbortController();
  /** Fires as close begins: records waiting for a retry stay uncommitted instead. */
  private readonly stopRetrying = new AbortController();
  private joinWaiter: { resolve(): void; reject(error: unknown): void } | undefined;
  private starting: Promise<void> | undefined;
  private closed: Promise<void> | undefined;
  private inGroup = false;
  private closing = false;
  /** Set when kafkajs crashed and will not restart the member: it never consumes again. */
  private stoppedForGood = false;
  /** The error of the last crash kafkajs restarted from, named if the first join times out. */
  private lastCrash: unknown;
  /** What consumer.run() was given, to run it again after a crash kafkajs does not restart from. */
  private runConfig: ConsumerRunConfig | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  /** Restarts since the member was last in the group, for the backoff. */
  private restarts = 0;

  constructor(
    private readonly options: ConsumerOptions,
    private readonly deps: KafkaConsumerDeps,
  ) {
    this.log = deps.logger.child({ component: 'kafka-consumer', group: options.groupId });
    this.consumer = deps.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: deps.tuning.sessionTimeoutMs,
      heartbeatInterval: deps.tuning.heartbeatIntervalMs,
      rebalanceTimeout: deps.tuning.rebalanceTimeoutMs,
      maxWaitTimeInMs: deps.tuning.maxWaitTimeMs,
      maxBytesPerPartition: deps.tuning.maxBytesPerPartition ?? DEFAULT_MAX_BYTES_PER_PARTITION,
      allowAutoTopicCreation: false,
    });
    this.watchGroupEvents();
  }

  /** Resolves once the member has joined the group and fetches; rejects if it cannot join. */
  start(): Promise<void> {
    if (this.closing && !this.starting) {
      return Promise.reject(asUnavailable(new Error('the consumer is closed'), `consumer group ${this.options.groupId}`));
    }
    this.starting ??= this.join();
    return this.starting;
  }

  ready(): boolean {
    return this.inGroup && !this.closing;
  }

  alive(): boolean {
    return !this.stoppedForGood;
  }

  inFlight(): number {
    return this.inFlightWork.size;
  }

  /** Lag of the partitions this member owns: records not yet committed by the group. */
  async lag(): Promise<PartitionLag[]> {
    if (!this.ready() || this.assignment.size === 0) return [];
    return this.deps.readLag(this.options.groupId, this.assignment);
  }

  /** Stops fetching, lets in-flight records finish (and commit) within the drain time, leaves. */
  close(options: { drainTimeoutMs?: number } = {}): Promise<void> {
    this.closed ??= this.shutdown(options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS);
    return this.closed;
  }

  private async join(): Promise<void> {
    const joined = new Promise<void>((resolve, reject) => (this.joinWaiter = { resolve, reject }));
    joined.catch(() => undefined);
    const joinTimeoutMs = this.deps.tuning.joinTimeoutMs ?? DEFAULT_JOIN_TIMEOUT_MS;
    const deadline = setTimeout(() => {
      const reason = this.lastCrash instanceof Error ? `; last error: ${this.lastCrash.message}` : '';
      this.joinWaiter?.reject(new Error(`not joined within ${joinTimeoutMs} ms${reason}`, { cause: this.lastCrash }));
    }, joinTimeoutMs);
    try {
      await this.deps.ensureTopics(this.options.topics);
      await this.consumer.connect();
      // A new group starts at the beginning: jobs published before any worker existed are work too.
      await this.consumer.subscribe({ topics: this.options.topics, fromBeginning: true });
      this.runConfig = {
        autoCommit: false,
        partitionsConsumedConcurrently: this.options.concurrency,
        eachMessage: (payload) => this.onMessage(payload),
      };
      await this.consumer.run(this.runConfig);
      await joined;
    } catch (error) {
      await this.consumer.disconnect().catch(() => undefined);
      throw asUnavailable(error, `consumer group ${this.options.groupId} could not join`);
    } finally {
      clearTimeout(deadline);
      this.joinWaiter = undefined;
    }
  }

  /**
   * kafkajs restarts a crashed member only when the innermost cause of the error is retriable.
   * When a real broker goes away the member ends with "Failed to find group coordinator"
   * (KafkaJSGroupCoordinatorNotFound, which kafkajs calls final) and would never consume again.
   * Such crashes, and those with a retriable error anywhere in their chain, are restarted here,
   * with backoff, until close. Returns whether a restart is scheduled.
   */
  private restartAfterCrash(error: unknown): boolean {
    const run = this.runConfig;
    if (this.closing || !run || !isTransient(error)) return false;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.closing) return;
      this.consumer.run(run).catch((failure: unknown) => this.log.error({ err: failure }, 'consumer restart failed'));
    }, backoffDelay(this.restarts++, RESTART_BACKOFF));
    return true;
  }

  private watchGroupEvents(): void {
    const { GROUP_JOIN, CRASH, STOP, DISCONNECT } = this.consumer.events;
    this.consumer.on(GROUP_JOIN, ({ payload }) => {
      this.inGroup = true;
      this.restarts = 0;
      this.assignment = new Map(Object.entries(payload.memberAssignment));
      this.log.info({ member_id: payload.memberId, assignment: payload.memberAssignment }, 'joined the consumer group');
      this.joinWaiter?.resolve();
    });
    // kafkajs has already given up on its own retries here; it restarts the member by itself when
    // the error is retriable. Nothing rejects: the crash is logged, counted and waited out.
    this.consumer.on(CRASH, ({ payload }) => {
      this.inGroup = false;
      const restarting = payload.restart || this.restartAfterCrash(payload.error);
      this.log.error(
        { err: payload.error, restarting, restarted_by: payload.restart ? 'kafkajs' : restarting ? 'dtq' : undefined },
        restarting ? 'consumer crashed; restarting it' : 'consumer crashed and will not restart',
      );
      this.options.events?.onCrash?.(payload.error, restarting);
      if (!restarting && !this.closing) this.stoppedForGood = true;
      // Before the first join a restarting member is still joining (start() waits up to its deadline).
      this.lastCrash = payload.error;
      if (!restarting) this.joinWaiter?.reject(payload.error);
    });
    const left = () => {
      this.inGroup = false;
      this.assignment = new Map();
    };
    this.consumer.on(STOP, left);
    this.consumer.on(DISCONNECT, left);
  }

  /** kafkajs hands each partition's records here one at a time, in order. */
  private async onMessage(payload: EachMessagePayload): Promise<void> {
    // Fetched before close paused the partitions: leave it uncommitted for the next member.
    if (this.closing) return;
    const record = toDeliveredRecord(payload);
    const work = this.process(record, payload.heartbeat);
    const tracked = work.then(
      () => undefined,
      () => undefined,
    );
    this.inFlightWork.add(tracked);
    try {
      // An abandoned record returns without a commit; its handler may still be running.
      await settledOrAborted(work, this.abandon.signal);
    } finally {
      this.inFlightWork.delete(tracked);
    }
  }

  private async process(record: DeliveredRecord, heartbeat: () => Promise<void>): Promise<void> {
    const keepAlive = keepMemberAlive({ heartbeat, intervalMs: this.deps.tuning.heartbeatIntervalMs, until: this.abandon.signal });
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          await this.settle(record);
          break;
        } catch (error) {
          if (this.abandon.signal.aborted) return;
          this.options.events?.onHandlerError?.(record, error);
          if (this.closing) return;
          await delay(backoffDelay(attempt, this.deps.handlerRetryBackoff), this.stopRetrying.signal);
          if (this.closing) return;
          // The group is rebalancing: give the partition back (uncommitted) instead of retrying.
          keepAlive.throwIfGroupChanged();
        }
      }
      if (this.abandon.signal.aborted) return;
      await this.commit(record);
    } finally {
      keepAlive.stop();
    }
  }

  /**
   * Commits the offset after this record. A failure (the group rebalanced, the coordinator moved,
   * the session expired) propagates to kafkajs, which rejoins or retries; the record is then
   * delivered again.
   */
  private async commit(record: DeliveredRecord): Promise<void> {
    try {
      await this.consumer.commitOffsets([{ topic: record.topic, partition: record.partition, offset: (BigInt(record.offset) + 1n).toString() }]);
    } catch (error) {
      this.log.warn(
        { err: error, job_id: record.key, topic: record.topic, partition: record.partition, offset: record.offset },
        'offset commit failed; the record will be delivered again',
      );
      throw brokerError(error);
    }
  }

  /** Runs the handler to a durable outcome; rejects when the record must come again. */
  private async settle(record: DeliveredRecord): Promise<void> {
    const outcome = await this.options.handler(record, { signal: this.abandon.signal });
    if (this.abandon.signal.aborted) throw new Error('abandoned at shutdown');
    if (outcome.kind === 'dead-letter') {
      await this.deps.publish(deadLetterRecord(record, { topic: this.options.deadLetterTopic, reason: outcome.reason }));
      this.options.events?.onDeadLetter?.(record, outcome.reason);
    }
  }

  private async shutdown(drainTimeoutMs: number): Promise<void> {
    this.closing = true;
    clearTimeout(this.restartTimer);
    this.stopRetrying.abort();
    this.joinWaiter?.reject(new Error('closed before joining the group'));
    await this.starting?.catch(() => undefined);
    try {
      this.consumer.pause(this.options.topics.map((topic) => ({ topic })));
    } catch {
      // Not running (never started, or crashed): there is nothing to pause.
    }
    const inFlight = this.inFlightWork.size;
    const drained = await settlesWithin(Promise.allSettled([...this.inFlightWork]), drainTimeoutMs);
    if (!drained) this.log.warn({ in_flight: this.inFlightWork.size, drain_timeout_ms: drainTimeoutMs }, 'abandoning unfinished records; they stay uncommitted');
    this.abandon.abort();
    try {
      // Leaves the group at once, so the partitions move to the other members now.
      await this.consumer.disconnect();
    } catch (error) {
      this.log.warn({ err: error }, 'consumer did not disconnect cleanly');
    }
    this.inGroup = false;
    this.deps.onClosed(this);
    this.log.info({ drained_in_flight: drained ? inFlight : inFlight - this.inFlightWork.size }, 'left the consumer group');
  }
}

/**
 * Settles with `work`, or resolves when `signal` aborts first. Unlike Promise.race with one
 * long-lived promise, it leaves nothing behind per call: every race against a promise that never
 * settles added a reaction to it that lived as long as the consumer, so a worker draining a
 * backlog kept every record it had handled.
 */
function settledOrAborted(work: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => resolve();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * kafkajs heartbeats only between records, so a long handler (or a long retry) would let the
 * session expire. This heartbeats on a timer meanwhile, until the record settles or is abandoned,
 * and remembers whether the group has moved on.
 */
function keepMemberAlive(options: { heartbeat: () => Promise<void>; intervalMs: number; until: AbortSignal }) {
  let groupChanged: unknown;
  const timer = setInterval(() => {
    options.heartbeat().catch((error: unknown) => {
      groupChanged = error;
    });
  }, options.intervalMs);
  const stop = () => clearInterval(timer);
  options.until.addEventListener('abort', stop, { once: true });
  return {
    stop: () => {
      stop();
      options.until.removeEventListener('abort', stop);
    },
    throwIfGroupChanged: () => {
      if (groupChanged !== undefined) throw groupChanged;
    },
  };
}

/**
 * The broker's own error inside what kafkajs' commit threw. Its retrier wraps an error it will not
 * retry (the coordinator no longer knows the member after its session expired, the generation is
 * stale after a rebalance) in a KafkaJSNonRetriableError; kafkajs' runner rejoins the group only
 * when it sees the broker's error type itself, and treats the wrapper as final: the member stopped
 * consuming for good while the process looked alive.
 */
function brokerError(error: unknown): unknown {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (typeof (e as { type?: unknown }).type === 'string') return e;
  }
  return error;
}

function toDeliveredRecord({ topic, partition, message }: EachMessagePayload): DeliveredRecord {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key ? message.key.toString('utf8') : null,
    value: message.value ?? Buffer.alloc(0),
    headers: decodeHeaders(message.headers),
  };
}

/** Header values arrive as bytes; a header repeated on the wire keeps its last value. */
function decodeHeaders(headers: IHeaders | undefined): Record<string, string> {
  const decoded: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const value = Array.isArray(raw) ? raw.at(-1) : raw;
    if (value !== undefined) decoded[name] = Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  }
  return decoded;
}
