import type { ConsumerOptions, DeliveredRecord, JobConsumer, PartitionLag } from '../../core/ports/index.js';
import { PartitionProgress } from '../shared/partition-progress.js';
import { settleRecord, type SettleContext } from '../shared/record-settlement.js';
import { RecordSlots } from '../shared/record-slots.js';
import { settlesWithin } from '../../core/time/index.js';
import { tpKey, type GroupMember, type PartitionedLog, type TopicPartition } from './group-coordination.js';

interface OwnedPartition {
  tp: TopicPartition;
  generation: number;
  /** Fires when the partition is revoked or the member closes: no more fetching or retrying. */
  stop: AbortController;
  progress: PartitionProgress;
}

/**
 * One member of a consumer group on the in-memory queue; see MemoryJobQueue. Like the Kafka
 * consumer: up to `concurrency` records in flight across its partitions (several of one
 * partition at once), each partition committed up to its first record without an outcome, in
 * batches (`commitIntervalMs`), before a rebalance and at close.
 */
export class MemoryConsumer implements JobConsumer, GroupMember {
  readonly groupId: string;
  readonly topics: string[];
  private readonly owned = new Map<string, OwnedPartition>();
  private readonly inFlightWork = new Set<Promise<void>>();
  private readonly slots: RecordSlots;
  private readonly abandon = new AbortController();
  private readonly settle: Omit<SettleContext, 'stop'>;
  /** Records taken from a partition and waiting for a slot. */
  private waiting = 0;
  private commitTimer: NodeJS.Timeout | undefined;
  private started = false;
  private closing = false;

  constructor(
    private readonly queue: PartitionedLog,
    private readonly options: ConsumerOptions,
  ) {
    this.groupId = options.groupId;
    this.topics = [...options.topics];
    this.slots = new RecordSlots(options.concurrency, options.lanes?.weights);
    this.settle = {
      options,
      backoff: queue.retryBackoff,
      maxRecordBytes: queue.maxRecordBytes,
      publish: (record) => queue.publish(record),
      abandon: this.abandon.signal,
    };
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.queue.ensureTopics(this.topics);
    this.queue.join(this);
  }

  ready(): boolean {
    return this.started && !this.closing;
  }

  inFlight(): number {
    return this.inFlightWork.size;
  }

  buffered(): number {
    return this.waiting;
  }

  /** Every partition of the subscribed topics, owned by this member or not, as the Kafka consumer reports them. */
  async lag(): Promise<PartitionLag[]> {
    const lags = await this.queue.readLag(this.groupId, this.topics);
    return lags.map((lag) => ({ ...lag, owned: this.owned.has(tpKey(lag)) }));
  }

  /** Called by the group before it reassigns partitions: commits what finished, in the generation that owns it. */
  beforeRebalance(): void {
    this.commitNow();
  }

  /** Called by the group on every rebalance with this member's new partitions. */
  assign(assignment: TopicPartition[], generation: number): void {
    const keep = new Set(assignment.map(tpKey));
    for (const [key, owned] of this.owned) {
      if (!keep.has(key)) {
        // Its records still running finish here, uncommitted; the next owner runs them again.
        owned.stop.abort();
        this.owned.delete(key);
      }
    }
    if (this.closing) return;
    for (const tp of assignment) {
      const key = tpKey(tp);
      const existing = this.owned.get(key);
      if (existing) {
        existing.generation = generation;
        continue;
      }
      const owned = { tp, generation, stop: new AbortController(), progress: new PartitionProgress(tp.topic, tp.partition) };
      this.owned.set(key, owned);
      void this.consume(owned);
    }
  }

  async close(options: { drainTimeoutMs?: number } = {}): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const owned of this.owned.values()) owned.stop.abort();
    await settlesWithin(Promise.allSettled([...this.inFlightWork]), options.drainTimeoutMs ?? 30_000);
    this.abandon.abort();
    this.commitNow();
    this.owned.clear();
    this.queue.leave(this);
  }

  /** Takes the partition's records in order and starts each once a slot is free. */
  private async consume(owned: OwnedPartition): Promise<void> {
    let offset = this.queue.committed(this.groupId, owned.tp);
    const stop = owned.stop.signal;
    while (!stop.aborted) {
      const record = await this.queue.next(owned.tp, offset, stop);
      if (!record || stop.aborted) return;
      this.waiting += 1;
      const release = await this.slots.acquire(stop, this.options.lanes?.of(owned.tp.topic));
      this.waiting -= 1;
      if (!release) return;
      offset += 1;
      this.dispatch(record, owned, release);
    }
  }

  private dispatch(record: DeliveredRecord, owned: OwnedPartition, release: () => void): void {
    const offset = BigInt(record.offset);
    owned.progress.start(offset);
    const work: Promise<void> = settleRecord(record, { ...this.settle, stop: owned.stop.signal })
      .then(
        (settled) => {
          if (settled !== 'settled') return;
          owned.progress.finish(offset);
          this.scheduleCommit();
        },
        () => undefined,
      )
      .finally(() => {
        // Out of the count before its slot frees, so in-flight never reads above concurrency.
        this.inFlightWork.delete(work);
        release();
      });
    this.inFlightWork.add(work);
  }

  private scheduleCommit(): void {
    this.commitTimer ??= setTimeout(() => {
      this.commitTimer = undefined;
      this.commitNow();
    }, this.queue.commitIntervalMs);
  }

  /** Commits each owned partition up to its first record without an outcome. */
  private commitNow(): void {
    clearTimeout(this.commitTimer);
    this.commitTimer = undefined;
    for (const owned of this.owned.values()) {
      const offset = owned.progress.toCommit();
      if (offset === undefined) continue;
      if (this.queue.commit(this.groupId, owned.generation, owned.tp, Number(offset))) owned.progress.committedAt(offset);
    }
  }
}
