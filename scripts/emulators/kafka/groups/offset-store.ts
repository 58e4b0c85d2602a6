/** Committed consumer offsets, per group / topic / partition. */

export interface CommittedOffset {
  offset: number;
  leaderEpoch: number;
  metadata: string | null;
}

export class OffsetStore {
  private readonly byGroup = new Map<string, Map<string, Map<number, CommittedOffset>>>();

  commit(group: string, topic: string, partition: number, value: CommittedOffset): void {
    let topics = this.byGroup.get(group);
    if (!topics) this.byGroup.set(group, (topics = new Map()));
    let partitions = topics.get(topic);
    if (!partitions) topics.set(topic, (partitions = new Map()));
    partitions.set(partition, value);
  }

  get(group: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.byGroup.get(group)?.get(topic)?.get(partition);
  }

  /** Every committed (topic, partitions) of a group, for OffsetFetch with a null topic list. */
  all(group: string): Array<{ topic: string; partitions: number[] }> {
    const topics = this.byGroup.get(group);
    if (!topics) return [];
    return [...topics].map(([topic, partitions]) => ({ topic, partitions: [...partitions.keys()].sort((a, b) => a - b) }));
  }

  hasGroup(group: string): boolean {
    return this.byGroup.has(group);
  }

  groups(): string[] {
    return [...this.byGroup.keys()];
  }

  dropGroup(group: string): void {
    this.byGroup.delete(group);
  }

  dropTopic(topic: string): void {
    for (const topics of this.byGroup.values()) topics.delete(topic);
  }
}
