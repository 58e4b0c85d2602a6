/**
 * The group coordinator: owns every consumer group and the committed offsets,
 * and runs one periodic sweep that evicts members whose session timed out and
 * ends rebalance phases that ran past their deadline.
 */
import { ErrorCode } from '../protocol/errors.js';
import { Group } from './group.js';
import { OffsetStore } from './offset-store.js';

export class GroupCoordinator {
  readonly offsets = new OffsetStore();
  private readonly groups = new Map<string, Group>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    checkIntervalMs: number,
    private readonly log: (line: string) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.sweeper = setInterval(() => this.sweep(), checkIntervalMs);
    this.sweeper.unref();
  }

  get(groupId: string): Group | undefined {
    return this.groups.get(groupId);
  }

  getOrCreate(groupId: string): Group {
    let group = this.groups.get(groupId);
    if (!group) {
      group = new Group(groupId, this.now, this.log);
      this.groups.set(groupId, group);
    }
    return group;
  }

  /** Deletes an empty group and its committed offsets; returns a Kafka error code. */
  delete(groupId: string): number {
    const group = this.groups.get(groupId);
    if (!group && !this.offsets.hasGroup(groupId)) return ErrorCode.GROUP_ID_NOT_FOUND;
    if (group && group.state !== 'Empty') return ErrorCode.NON_EMPTY_GROUP;
    this.groups.delete(groupId);
    this.offsets.dropGroup(groupId);
    this.log(`group ${groupId}: deleted`);
    return ErrorCode.NONE;
  }

  /** Group ids known from membership or from committed offsets. */
  groupIds(): string[] {
    return [...new Set([...this.groups.keys(), ...this.offsets.groups()])];
  }

  sweep(): void {
    for (const group of this.groups.values()) {
      try {
        group.tick();
      } catch (err) {
        // A bug in one group must not take the whole test process down with it.
        this.log(`group ${group.groupId}: sweep failed: ${(err as Error).stack ?? String(err)}`);
      }
    }
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const group of this.groups.values()) group.shutdown();
  }
}
