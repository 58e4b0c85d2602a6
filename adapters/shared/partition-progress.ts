/**
 * Which records of one partition a member has in hand, and how far its offset may be committed.
 * Records run side by side and finish in any order; the commit offset is the first record
 * without an outcome (or, with none pending, one past the last record taken), so a commit never
 * passes a record that has not reached its outcome. Offsets need not be contiguous.
 */
export class PartitionProgress {
  private readonly pending = new Set<bigint>();
  /** One past the highest offset taken in this ownership of the partition. */
  private next: bigint | undefined;
  private committed: bigint | undefined;

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {}

  /** Whether the record was already taken in this ownership: a refetch of work in hand or done. */
  taken(offset: bigint): boolean {
    return this.next !== undefined && offset < this.next;
  }

  start(offset: bigint): void {
    this.pending.add(offset);
    this.skipTo(offset + 1n);
  }

  finish(offset: bigint): void {
    this.pending.delete(offset);
  }

  /** Offsets below `next` hold nothing to process (a batch's trailing control records). */
  skipTo(next: bigint): void {
    if (this.next === undefined || next > this.next) this.next = next;
  }

  /** The offset to commit now, when it moved past the last one committed. */
  toCommit(): bigint | undefined {
    if (this.next === undefined) return undefined;
    let watermark = this.next;
    for (const offset of this.pending) if (offset < watermark) watermark = offset;
    return this.committed === undefined || watermark > this.committed ? watermark : undefined;
  }

  committedAt(offset: bigint): void {
    if (this.committed === undefined || offset > this.committed) this.committed = offset;
  }
}
