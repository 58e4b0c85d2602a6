import type { ConsumerOptions, DeliveredRecord, JobConsumer, PartitionLag } from '../../core/ports/index.js';
import { backoffDelay, delay } from '../shared/backoff.js';
import { deadLetterRecord } from '../shared/dead-letter-record.js';
import { Semaphore } from '../shared/semaphore.js';
import { settlesWithin } from '../shared/settles-within.js';
import { tpKey, type GroupMember, type PartitionedLog, type TopicPartition } from './group-coordination.js';

interface OwnedPartition {
  tp: TopicPartition;
  generation: number;
  revoked: AbortController;
}

/** One member of a consumer group on the in-memory queue; see MemoryJobQueue. */
export class MemoryConsumer implements JobConsumer, GroupMember {
  readonly groupId: string;
  readonly topics: string[];
  private readonly owned = new Map<string, OwnedPartition>();
  private readonly inFlightWork = new Set<Promise<void>>();
  private readonly slots: Semaphore;
  private readonly abandon = new AbortController();
  private started = false;
  private closing = false;

  constructor(
    private readonly queue: PartitionedLog,
    private readonly options: ConsumerOptions,
  ) {
    this.groupId = options.groupId;
    this.topics = [...options.topics];
    this.slots = new Semaphore(options.concurrency);
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

  async lag(): Promise<PartitionLag[]> {
    return [...this.owned.values()].map(({ tp }) => ({
      topic: tp.topic,
      partition: tp.partition,
      lag: Math.max(0, this.queue.endOffset(tp) - this.queue.committed(this.groupId, tp)),
    }));
  }

  /** Called by the group on every rebalance with this member's new partitions. */
  assign(assignment: TopicPartition[], generation: number): void {
    const keep = new Set(assignment.map(tpKey));
    for (const [key, owned] of this.owned) {
      if (!keep.has(key)) {
        owned.revoked.abort();
        this.owned.delete(key);
      }
    }
    for (const tp of assignment) {
      const key = tpKey(tp);
      const existing = this.owned.get(key);
      if (existing) {
        existing.generation = generation;
        continue;
      }
      const owned = { tp, generation, revoked: new AbortController() };
      this.owned.set(key, owned);
      void this.consume(owned);
    }
  }

  async close(options: { drainTimeoutMs?: number } = {}): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const owned of this.owned.values()) owned.revoked.abort();
    await settlesWithin(Promise.allSettled([...this.inFlightWork]), options.drainTimeoutMs ?? 30_000);
    this.abandon.abort();
    this.owned.clear();
    this.queue.leave(this);
  }

  private async consume(owned: OwnedPartition): Promise<void> {
    let offset = this.queue.committed(this.groupId, owned.tp);
    let attempt = 0;
    while (!owned.revoked.signal.aborted) {
      const record = await this.queue.next(owned.tp, offset, owned.revoked.signal);
      if (!record || owned.revoked.signal.aborted) return;
      const release = await this.slots.acquire();
      if (owned.revoked.signal.aborted) return release();
      const next = offset + 1;
      // The commit is part of the tracked work, so a drain at close covers it.
      const work = this.handle(record, owned).then(() => {
        this.queue.commit(this.groupId, owned.generation, owned.tp, next);
      });
      const tracked = work.then(() => undefined, () => undefined);
      this.inFlightWork.add(tracked);
      try {
        await work;
        offset = next;
        attempt = 0;
      } catch (error) {
        this.options.events?.onHandlerError?.(record, error);
        await delay(backoffDelay(attempt++, this.queue.retryBackoff), owned.revoked.signal);
      } finally {
        this.inFlightWork.delete(tracked);
        release();
      }
    }
  }

  private async handle(record: DeliveredRecord, owned: OwnedPartition): Promise<void> {
    const outcome = await this.options.handler(record, { signal: this.abandon.signal });
    if (owned.revoked.signal.aborted && this.abandon.signal.aborted) throw new Error('abandoned at shutdown');
    if (outcome.kind === 'dead-letter') {
      await this.queue.publish(deadLetterRecord(record, { topic: this.options.deadLetterTopic, reason: outcome.reason }));
      this.options.events?.onDeadLetter?.(record, outcome.reason);
    }
  }
}
