import { Kafka, logLevel } from 'kafkajs';
import { waitFor } from './wait-for.js';

/**
 * Deletes the topics and consumer groups whose names match `own`, so a test leaves a shared
 * broker as it found it. Names carry the test process's pid (test/support/unique.ts), so a
 * pattern with the pid never touches another run's.
 */
export async function deleteKafkaTopicsAndGroups(brokers: string[], own: RegExp): Promise<void> {
  const admin = new Kafka({ clientId: 'dtq-test-cleanup', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => own.test(topic));
    if (topics.length > 0) await admin.deleteTopics({ topics });
    // A member that was killed stays in its group until its session times out, and the broker
    // refuses to delete a group with members (NON_EMPTY_GROUP): ask until it is empty.
    await waitFor(
      async () => {
        const { groups } = await admin.listGroups();
        const groupIds = groups.map((g) => g.groupId).filter((id) => own.test(id));
        if (groupIds.length > 0) await admin.deleteGroups(groupIds);
        return true;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: `the consumer groups matching ${own} to be deleted` },
    );
  } finally {
    await admin.disconnect();
  }
}

/** Matches names made by uniqueName(prefix) in this process, for the given prefixes. */
export function ownNames(...prefixes: string[]): RegExp {
  const escaped = prefixes.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^(${escaped.join('|')})-${process.pid}-`);
}
