import { AssignerProtocol, Kafka, logLevel } from 'kafkajs';
import { waitUntil, type BenchProcess } from './processes.js';

/**
 * Waits until the consumer group is Stable with `members` members that each own partitions, so a
 * scale-out run measures workers sharing the topics rather than the rebalance that adds one.
 */
export async function waitForStableGroup(options: {
  brokers: string;
  groupId: string;
  members: number;
  watch: BenchProcess[];
  timeoutMs?: number;
}): Promise<void> {
  const admin = new Kafka({ clientId: `${options.groupId}-bench-admin`, brokers: options.brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await waitUntil(
      `consumer group ${options.groupId} stable with ${options.members} members owning partitions`,
      async () => {
        const [group] = (await admin.describeGroups([options.groupId])).groups;
        if (group?.state !== 'Stable' || group.members.length !== options.members) return undefined;
        const owning = group.members.filter((member) => {
          const assignment = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
          return Object.values(assignment?.assignment ?? {}).some((partitions) => partitions.length > 0);
        });
        return owning.length === options.members ? true : undefined;
      },
      { timeoutMs: options.timeoutMs ?? 90_000, intervalMs: 250, watch: options.watch },
    );
  } finally {
    await admin.disconnect();
  }
}
