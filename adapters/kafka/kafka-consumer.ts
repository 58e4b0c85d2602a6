import { setMaxListeners } from 'node:events';
import type { Consumer, ConsumerRunConfig, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import type { ConsumerOptions, DeliveredRecord, JobConsumer, Logger, PartitionLag, QueueRecord } from '../../core/ports/index.js';
import { backoffDelay } from '../shared/backoff.js';
import { PartitionProgress } from '../shared/partition-progress.js';
import { DEFAULT_MAX_RECORD_BYTES, settleRecord, type SettleContext } from '../shared/record-settlement.js';
import { RecordSlots } from '../shared/record-slots.js';
import { settlesWithin } from '../../core/time/index.js';
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
  /** Bytes one fetch takes in all, whatever the partitions owned (default 1 MiB); see DEFAULT_MAX_BYTES. */
  maxBytes?: number;
  /**
   * How long start() waits for the first join while kafkajs restarts the member after retriable
   * errors (default 60 s); see DEFAULT_JOIN_TIMEOUT_MS.
   */
  joinTimeoutMs?: number;
  /** How long finished records wait before their offsets are committed, together (default 1 s). */
  commitIntervalMs?: number;
  /**
   * How old the member's cluster metadata may grow before kafkajs reads it again (default 10 s);
   * see DEFAULT_METADATA_MAX_AGE_MS.
   */
  metadataMaxAgeMs?: number;
}

/**
 * kafkajs fetches up to 1 MiB per partition and keeps the decoded batch until the next fetch:
 * a worker facing a backlog held about that much of it in memory, as objects several times the
 * size of the records. Jobs are a few hundred bytes, so 128 KiB is still hundreds per fetch.
 */
export const DEFAULT_MAX_BYTES_PER_PARTITION = 128 * 1024;

/**
 * kafkajs takes up to 10 MiB in one fetch across the partitions a member owns. With a topic per
 * job type and priority that is dozens of partitions, so the per-partition limit alone does not
 * bound what a backlog puts in memory: this does.
 */
export const DEFAULT_MAX_BYTES = 1024 * 1024;

/** Offsets of finished records are committed at most this often (and at a rebalance and at close). */
export const DEFAULT_COMMIT_INTERVAL_MS = 1_000;

/**
 * kafkajs learns that partitions were added to a topic only when it reads the cluster's metadata
 * again, by default every 5 minutes: until then the new partitions belong to no member and their
 * jobs wait. Each member reads them this often instead (one small metadata request); the group's
 * leader then sees the new partitions, rejoins, and the group shares them out.
 */
export const DEFAULT_METADATA_MAX_AGE_MS = 10_000;

export interface KafkaConsumerDeps {
  kafka: Kafka;
  tuning: KafkaConsumerTuning;
  handlerRetryBackoff: { initialMs: number; maxMs: number };
  /** The largest record the brokers accept (message.max.bytes); dead-letter copies are cut to fit. */
  maxRecordBytes?: number;
  ensureTopics(topics: string[]): Promise<void>;
  publish(record: QueueRecord): Promise<void>;
  /** Committed offsets against partition ends, for the given group and every partition of the topics. */
  readLag(groupId: string, topics: string[]): Promise<Omit<PartitionLag, 'owned'>[]>;
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

/**
 * kafkajs hands batches to this many workers at once. Each waits in eachBatch for free slots,
 * so it bounds nothing but how many partitions' batches are seen (and counted) at once.
 */
const MIN_BATCH_WORKERS = 32;

/** Broker answers meaning the member's generation is over: it must rejoin (kafkajs does, on these). */
const GROUP_CHANGED = new Set(['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'NOT_COORDINATOR_FOR_GROUP']);

/** A partition as this member owns it: its records in hand, and a signal for when it moves. */
interface OwnedPartition {
  progress: PartitionProgress;
  /** Fires when the partition is revoked, or at close: records stop waiting for slots and retries. */
  stop: AbortController;
  /** Its records fetched and waiting for a slot. */
  queued: number;
  /** Whether this member paused its fetching because enough of its records wait (see onBatch). */
  paused: boolean;
}

/** Backoff between restarts of a member kafkajs gave up on. */
const RESTART_BACKOFF = { initialMs: 500, maxMs: 10_000 };

/**
 * One member of a Kafka consumer group (kafkajs), with the port's semantics.
 *
 * Up to `concurrency` records are in flight at once, whatever the number of partitions owned:
 * kafkajs hands each fetched batch to eachBatch, which puts its records in line for slots
 * (several of one partition run side by side; the lines of `lanes`, the job priorities, take
 * weighted turns) and returns, so kafkajs fetches again. A partition with `concurrency` records
 * in line is paused until they start: what a backlog puts in memory is one fetch
 * (maxBytesPerPartition per partition, maxBytes in all) plus that line, plus the records in flight. Meanwhile the
 * member heartbeats on a timer, and a heartbeat that says the group is rebalancing makes kafkajs
 * rejoin at its next batch.
 *
 * Offsets: each partition is committed up to its first record without an outcome (never past
 * it), every commitIntervalMs when something finished, as a rebalance begins (before the
 * partitions are revoked) and at close. Records finished past that point come again after a
 * crash; the one-result-per-job rule absorbs them. A record whose partition moves to another
 * member at a rebalance finishes here uncommitted and runs again there.
 */
export class KafkaConsumer implements JobConsumer {
  private readonly consumer: Consumer;
  private readonly log: Logger;
  private readonly inFlightWork = new Set<Promise<void>>();
  private readonly slots: RecordSlots;
  private readonly settle: Omit<SettleContext, 'stop'>;
  /** Partitions owned now, by `topic/partition`, with the records in hand. */
  private readonly owned = new Map<string, OwnedPartition>();
  /** Partitions of each topic this member owns, as of its last join. */
  private assignment = new Map<string, number[]>();
  /** Fires at close, once the drain time is over: handlers still running are abandoned. */
  private readonly abandon = new AbortController();
  /** Fires as close begins: no record starts, and records waiting for a retry stay uncommitted. */
  private readonly stopTaking = new AbortController();
  /** Fires when a heartbeat or commit says the generation is over; replaced at each join. */
  private generation = new AbortController();
  /** The member id of the last join: a new one means the old membership (and what it held) is gone. */
  private memberId: string | undefined;
  /** kafkajs' heartbeat, from the latest batch; the timer calls it while records wait or run. */
  private heartbeat: (() => Promise<void>) | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private commitTimer: NodeJS.Timeout | undefined;
  private committing: Promise<void> | undefined;
  private commitAgain = false;
  /** Records of fetched batches not yet started. */
  private waiting = 0;
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
    this.slots = new RecordSlots(options.concurrency, options.lanes?.weights);
    this.settle = {
      options,
      backoff: deps.handlerRetryBackoff,
      maxRecordBytes: deps.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES,
      publish: (record) => deps.publish(record),
      abandon: this.abandon.signal,
    };
    this.consumer = deps.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: deps.tuning.sessionTimeoutMs,
      heartbeatInterval: deps.tuning.heartbeatIntervalMs,
      rebalanceTimeout: deps.tuning.rebalanceTimeoutMs,
      maxWaitTimeInMs: deps.tuning.maxWaitTimeMs,
      maxBytesPerPartition: deps.tuning.maxBytesPerPartition ?? DEFAULT_MAX_BYTES_PER_PARTITION,
      maxBytes: deps.tuning.maxBytes ?? DEFAULT_MAX_BYTES,
      metadataMaxAge: deps.tuning.metadataMaxAgeMs ?? DEFAULT_METADATA_MAX_AGE_MS,
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

  buffered(): number {
    return this.waiting;
  }

  /**
   * Lag of every partition of the subscribed topics: records the group has not committed, on the
   * partitions this member owns and on those it does not (another member's, or nobody's yet, as
   * partitions just added to a topic are until the group shares them out).
   */
  async lag(): Promise<PartitionLag[]> {
    const lags = await this.deps.readLag(this.options.groupId, this.options.topics);
    return lags.map((lag) => ({ ...lag, owned: this.assignment.get(lag.topic)?.includes(lag.partition) ?? false }));
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
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: Math.max(this.options.concurrency, MIN_BATCH_WORKERS),
        eachBatch: (payload) => this.onBatch(payload),
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
    const { GROUP_JOIN, CRASH, STOP, DISCONNECT, REBALANCING } = this.consumer.events;
    this.consumer.on(GROUP_JOIN, ({ payload }) => {
      this.inGroup = true;
      this.restarts = 0;
      this.assignment = new Map(Object.entries(payload.memberAssignment));
      this.takeOwnership(payload.memberId);
      this.log.info({ member_id: payload.memberId, assignment: payload.memberAssignment }, 'joined the consumer group');
      this.joinWaiter?.resolve();
    });
    // kafkajs emits this just before it rejoins: commit what finished while the partitions are ours.
    this.consumer.on(REBALANCING, () => void this.commit());
    // kafkajs has already given up on its own retries here; it restarts the member by itself when
    // the error is retriable. Nothing rejects: the crash is logged, counted and waited out.
    this.consumer.on(CRASH, ({ payload }) => {
      this.inGroup = false;
      this.stopHeartbeats();
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
      this.stopHeartbeats();
    };
    this.consumer.on(STOP, left);
    this.consumer.on(DISCONNECT, left);
  }

  /**
   * After a join: partitions kept keep their records in hand (kafkajs fetches them again from the
   * committed offset; what is in hand is skipped); partitions gone stop, and what of theirs still
   * runs finishes uncommitted. A new member id means the old membership expired (the group may
   * have moved on meanwhile): nothing carries over.
   */
  private takeOwnership(memberId: string): void {
    const sameMember = memberId === this.memberId;
    this.memberId = memberId;
    this.generation = new AbortController();
    const assigned = new Set([...this.assignment].flatMap(([topic, partitions]) => partitions.map((p) => `${topic}/${p}`)));
    for (const [key, owned] of this.owned) {
      if (sameMember && assigned.has(key)) continue;
      owned.stop.abort();
      this.owned.delete(key);
    }
    this.startHeartbeats();
  }

  /** kafkajs heartbeats only between batches; records waiting for slots or running need these. */
  private startHeartbeats(): void {
    if (this.heartbeatTimer) return;
    this.heartbeatTimer = setInterval(() => {
      const heartbeat = this.heartbeat;
      if (!heartbeat || !this.inGroup) return;
      const generation = this.generation;
      heartbeat().catch((error: unknown) => this.noticeGroupChange(error, generation));
    }, this.deps.tuning.heartbeatIntervalMs);
    this.heartbeatTimer.unref();
  }

  private stopHeartbeats(): void {
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }

  /**
   * A heartbeat or commit sent in `generation` said it is over: commit what finished, and end
   * the waits in eachBatch so kafkajs rejoins. An answer about a generation already left behind
   * (sent before the last join) says nothing about the current one.
   */
  private noticeGroupChange(error: unknown, generation: AbortController): void {
    const changed = brokerError(error);
    if (!GROUP_CHANGED.has((changed as { type?: string }).type ?? '') || generation !== this.generation || generation.signal.aborted) return;
    void this.commit();
    generation.abort(changed);
  }

  /**
   * One partition's fetched records: each waits for a slot in its lane (its job priority) and
   * starts when the lanes' turns give it one; this returns at once, so kafkajs fetches again and
   * a high job published behind a normal backlog is in hand within one fetch. A partition with
   * `concurrency` records already waiting is paused instead, its batch left unresolved (kafkajs
   * fetches it again once resumed): what a backlog puts in memory stays one fetch plus
   * `concurrency` records per partition, plus the records in flight.
   */
  private async onBatch({ batch, resolveOffset, heartbeat }: EachBatchPayload): Promise<void> {
    // The latest runner's: after a crash kafkajs runs the member anew, with a new group session.
    this.heartbeat = heartbeat;
    if (this.closing) return;
    const generation = this.generation.signal;
    const owned = this.own(batch.topic, batch.partition);
    if (owned.queued >= this.options.concurrency) {
      this.pausePartition(owned);
      return;
    }
    const lane = this.options.lanes?.of(batch.topic);
    const stop = AbortSignal.any([this.stopTaking.signal, owned.stop.signal]);
    // Every record of the batch in line listens to it: as many as `concurrency` plus one fetch.
    setMaxListeners(0, stop);
    for (const message of batch.messages) {
      if (!owned.progress.taken(BigInt(message.offset))) this.enqueue(toDeliveredRecord(batch.topic, batch.partition, message), owned, lane, stop);
      resolveOffset(message.offset);
    }
    owned.progress.skipTo(BigInt(batch.lastOffset()) + 1n);
    // The group is rebalancing (or forgot the member): throwing the broker's error makes kafkajs rejoin now.
    if (generation.aborted && !this.closing) throw generation.reason;
  }

  /** Puts a fetched record in line for a slot; a record in line holds its partition's commit back like one running. */
  private enqueue(record: DeliveredRecord, owned: OwnedPartition, lane: string | undefined, stop: AbortSignal): void {
    owned.progress.start(BigInt(record.offset));
    owned.queued += 1;
    this.waiting += 1;
    void this.slots.acquire(stop, lane).then((release) => {
      owned.queued -= 1;
      this.waiting -= 1;
      if (owned.paused && owned.queued < this.options.concurrency) this.resumePartition(owned);
      // No slot: the partition moved or the member closes; the record stays uncommitted.
      if (release) this.dispatch(record, owned, release);
    });
  }

  private pausePartition(owned: OwnedPartition): void {
    owned.paused = true;
    this.consumer.pause([{ topic: owned.progress.topic, partitions: [owned.progress.partition] }]);
  }

  /** Also for a revoked partition: kafkajs would keep it paused should it come back. Not at close, which pauses every topic. */
  private resumePartition(owned: OwnedPartition): void {
    owned.paused = false;
    if (this.closing) return;
    this.consumer.resume([{ topic: owned.progress.topic, partitions: [owned.progress.partition] }]);
  }

  private own(topic: string, partition: number): OwnedPartition {
    const key = `${topic}/${partition}`;
    let owned = this.owned.get(key);
    if (!owned) {
      owned = { progress: new PartitionProgress(topic, partition), stop: new AbortController(), queued: 0, paused: false };
      this.owned.set(key, owned);
    }
    return owned;
  }

  private dispatch(record: DeliveredRecord, owned: OwnedPartition, release: () => void): void {
    const offset = BigInt(record.offset);
    owned.progress.start(offset);
    const work: Promise<void> = settleRecord(record, { ...this.settle, stop: AbortSignal.any([this.stopTaking.signal, owned.stop.signal]) })
      .then(
        (settled) => {
          if (settled !== 'settled') return;
          owned.progress.finish(offset);
          this.scheduleCommit();
        },
        (error: unknown) => this.log.error({ err: error, topic: record.topic, partition: record.partition, offset: record.offset }, 'record handling failed'),
      )
      .finally(() => {
        // Out of the count before its slot frees, so in-flight never reads above concurrency.
        this.inFlightWork.delete(work);
        release();
      });
    this.inFlightWork.add(work);
  }

  private scheduleCommit(): void {
    if (this.commitTimer) return;
    this.commitTimer = setTimeout(() => {
      this.commitTimer = undefined;
      void this.commit();
    }, this.deps.tuning.commitIntervalMs ?? DEFAULT_COMMIT_INTERVAL_MS);
  }

  /** Commits every owned partition up to its first record without an outcome; one commit at a time. */
  private commit(): Promise<void> {
    if (this.committing) {
      this.commitAgain = true;
      return this.committing;
    }
    this.committing = (async () => {
      do {
        this.commitAgain = false;
        await this.commitOnce();
      } while (this.commitAgain);
    })().finally(() => {
      this.committing = undefined;
    });
    return this.committing;
  }

  /**
   * A failed commit (the group rebalanced, the coordinator moved, the session expired) is logged;
   * the records stay uncommitted until a later commit, or come again to whoever owns them next.
   * A commit kafkajs retries may land after a rebalance moved the partition: it then carries a
   * point this member had truly finished, so at worst the next owner repeats records.
   */
  private async commitOnce(): Promise<void> {
    clearTimeout(this.commitTimer);
    this.commitTimer = undefined;
    const due = [...this.owned.values()].flatMap(({ progress }) => {
      const offset = progress.toCommit();
      return offset === undefined ? [] : [{ progress, offset }];
    });
    if (due.length === 0) return;
    const generation = this.generation;
    try {
      await this.consumer.commitOffsets(due.map(({ progress, offset }) => ({ topic: progress.topic, partition: progress.partition, offset: offset.toString() })));
      for (const { progress, offset } of due) progress.committedAt(offset);
    } catch (error) {
      this.log.warn(
        { err: error, offsets: due.map(({ progress, offset }) => `${progress.topic}/${progress.partition}@${offset}`) },
        'offset commit failed; the records after the last commit will be delivered again unless a later commit succeeds',
      );
      this.noticeGroupChange(error, generation);
    }
  }

  private async shutdown(drainTimeoutMs: number): Promise<void> {
    this.closing = true;
    clearTimeout(this.restartTimer);
    this.stopTaking.abort();
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
    // What finished is committed before the member leaves; abandoned records hold their partitions' offsets back.
    if (this.inGroup) await this.commit();
    clearTimeout(this.commitTimer);
    this.stopHeartbeats();
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
 * The broker's own error inside what kafkajs threw. Its retrier wraps an error it will not retry
 * (the coordinator no longer knows the member after its session expired, the generation is stale
 * after a rebalance) in a KafkaJSNonRetriableError; kafkajs' runner rejoins the group only when
 * it sees the broker's error type itself, and treats the wrapper as final: the member stopped
 * consuming for good while the process looked alive.
 */
function brokerError(error: unknown): unknown {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (typeof (e as { type?: unknown }).type === 'string') return e;
  }
  return error;
}

function toDeliveredRecord(topic: string, partition: number, message: KafkaMessage): DeliveredRecord {
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
