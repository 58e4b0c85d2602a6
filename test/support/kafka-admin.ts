import { Kafka, logLevel } from 'kafkajs';

/**
 * Deletes the topics and consumer groups whose names match `own`, so a test leaves a shared
 * broker as it found it. Names carry the test process's pid (test/support/unique.ts), so a
 * pattern with the pid never touches another run's.
 */
export async function deleteKafkaTopicsAndGroups(brokers: string[], own: RegExp): Promise<void> {
  const admin = new Kafka({ clientId: 'dtq-test-cleanup', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const { groups } = await admin.listGroups();
    const groupIds = groups.map((g) => g.groupId).filter((id) => own.test(id));
    if (groupIds.length > 0) await admin.deleteGroups(groupIds);
    const topics = (await admin.listTopics()).filter((topic) => own.test(topic));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}

/** Matches names made by uniqueName(prefix) in this process, for the given prefixes. */
export function ownNames(...prefixes: string[]): RegExp {
  const escaped = prefixes.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^(${escaped.join('|')})-${process.pid}-`);
}
