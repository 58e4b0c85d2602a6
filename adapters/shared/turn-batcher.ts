export interface TurnBatcherOptions<T, R> {
  /** Sends one batch; answers each item's outcome, in order. A rejection fails every item. */
  send: (items: T[]) => Promise<PromiseSettledResult<R>[]>;
  /** Most items in one batch. */
  maxBatchItems: number;
  /** Most bytes in one batch (by `sizeOf`); an item larger than this goes alone. */
  maxBatchBytes?: number;
  sizeOf?: (item: T) => number;
}

interface Pending<T, R> {
  item: T;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Gathers the items added during one turn of the event loop and sends them as one request: a
 * burst of concurrent jobs then costs one produce request or one insert command instead of one
 * each, as Kafka's Java producer does with `linger.ms`. Nothing waits longer than the current
 * turn. Hand-written: kafkajs and the MongoDB driver offer nothing like it, and no maintained
 * library coalesces promises by turn with a byte bound (DataLoader batches by turn, but as a
 * cached key loader).
 */
export class TurnBatcher<T, R> {
  private pending: Pending<T, R>[] = [];
  private pendingBytes = 0;
  private scheduled = false;

  constructor(private readonly options: TurnBatcherOptions<T, R>) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const bytes = this.options.sizeOf?.(item) ?? 0;
      const full =
        this.pending.length >= this.options.maxBatchItems ||
        (this.options.maxBatchBytes !== undefined && this.pendingBytes + bytes > this.options.maxBatchBytes);
      if (this.pending.length > 0 && full) this.flush();
      this.pending.push({ item, resolve, reject });
      this.pendingBytes += bytes;
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    this.scheduled = false;
    if (batch.length === 0) return;
    let sending: Promise<PromiseSettledResult<R>[]>;
    try {
      sending = this.options.send(batch.map((entry) => entry.item));
    } catch (error) {
      sending = Promise.reject(error);
    }
    sending.then(
      (outcomes) =>
        batch.forEach((entry, i) => {
          const outcome = outcomes[i];
          if (outcome?.status === 'fulfilled') entry.resolve(outcome.value);
          else entry.reject(outcome ? outcome.reason : new Error('the batch answered fewer outcomes than it had items'));
        }),
      (error: unknown) => batch.forEach((entry) => entry.reject(error)),
    );
  }
}

/** The outcomes of a batch whose every item succeeded with `value`. */
export function allFulfilled<R>(count: number, value: R): PromiseSettledResult<R>[] {
  return Array.from({ length: count }, () => ({ status: 'fulfilled', value }));
}
