import type { QueueRecord } from '../../core/ports/index.js';

export interface PublishBatcherOptions {
  /** Sends one batch; its outcome is every record's outcome. */
  send: (records: QueueRecord[]) => Promise<void>;
  /**
   * Most value bytes in one batch. A produce request holds one record batch per partition, and
   * the broker refuses a record batch above `message.max.bytes`, so batches stay well below it;
   * a record larger than this goes alone, as it would unbatched.
   */
  maxBatchBytes: number;
  /** Most records in one batch. */
  maxBatchRecords: number;
}

interface Pending {
  record: QueueRecord;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Gathers the records published during one turn of the event loop and sends them together, so a
 * burst of submits costs one produce request (and one acks=all round trip) instead of one each;
 * what Kafka's Java producer does with `linger.ms`, which kafkajs does not offer. Nothing waits
 * longer than the current turn. Hand-written: no maintained library coalesces promises by turn
 * with a byte bound (DataLoader batches by turn, but as a cached key loader).
 */
export class PublishBatcher {
  private pending: Pending[] = [];
  private pendingBytes = 0;
  private scheduled = false;

  constructor(private readonly options: PublishBatcherOptions) {}

  publish(record: QueueRecord): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const bytes = record.value.length;
      if (this.pending.length > 0 && (this.pendingBytes + bytes > this.options.maxBatchBytes || this.pending.length >= this.options.maxBatchRecords)) {
        this.flush();
      }
      this.pending.push({ record, resolve, reject });
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
    let sending: Promise<void>;
    try {
      sending = this.options.send(batch.map((entry) => entry.record));
    } catch (error) {
      sending = Promise.reject(error);
    }
    sending.then(
      () => batch.forEach((entry) => entry.resolve()),
      (error: unknown) => batch.forEach((entry) => entry.reject(error)),
    );
  }
}
