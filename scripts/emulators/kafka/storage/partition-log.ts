/** An in-memory, append-only partition log made of whole record batches. */
import { stampBatch, type IncomingBatch } from './record-batch.js';

interface StoredBatch {
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  bytes: Buffer;
}

export const LEADER_EPOCH = 0;

export class PartitionLog {
  private readonly batches: StoredBatch[] = [];
  readonly logStartOffset = 0;
  private next = 0;

  /** The offset the next record will get; also the high watermark (single replica). */
  get highWatermark(): number {
    return this.next;
  }

  /** Appends batches, assigning consecutive offsets; returns the base offset of the first. */
  append(batches: readonly IncomingBatch[]): number {
    const first = this.next;
    for (const b of batches) {
      const baseOffset = this.next;
      stampBatch(b.bytes, baseOffset, LEADER_EPOCH);
      const lastOffset = baseOffset + b.lastOffsetDelta;
      this.batches.push({ baseOffset, lastOffset, maxTimestamp: b.maxTimestamp, bytes: b.bytes });
      this.next = lastOffset + 1;
    }
    return first;
  }

  /**
   * Whole batches starting with the one that holds `offset`, up to `maxBytes`.
   * The first batch is returned even when larger than maxBytes when `mustReturnOne`
   * is set (KIP-74), so a consumer can always make progress.
   */
  read(offset: number, maxBytes: number, mustReturnOne: boolean): Buffer[] {
    const out: Buffer[] = [];
    let size = 0;
    for (let i = this.indexOfBatchHolding(offset); i < this.batches.length; i++) {
      const b = this.batches[i]!;
      if (size + b.bytes.length > maxBytes && !(mustReturnOne && out.length === 0)) break;
      out.push(b.bytes);
      size += b.bytes.length;
    }
    return out;
  }

  /** First offset of the first batch whose max timestamp is >= ts (batch granularity), or -1. */
  offsetForTimestamp(ts: number): { offset: number; timestamp: number } {
    for (const b of this.batches) {
      if (b.maxTimestamp >= ts) return { offset: b.baseOffset, timestamp: b.maxTimestamp };
    }
    return { offset: -1, timestamp: -1 };
  }

  private indexOfBatchHolding(offset: number): number {
    let lo = 0;
    let hi = this.batches.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.batches[mid]!.lastOffset < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
