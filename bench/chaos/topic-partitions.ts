import { Kafka, logLevel } from 'kafkajs';

/**
 * The run's own job topics on the shared broker, whose partitions the `partitions` fault raises
 * while jobs flow, as an operator scaling a topic out does. Partitions cannot be removed, so the
 * fault has nothing to undo: the topics keep the new ones, and the fault's recovery is the group
 * taking them (jobs keyed onto them get their results). Only the run's own topics are touched.
 */
export class TopicPartitionGrowth {
  constructor(
    private readonly brokers: string[],
    private readonly topics: string[],
  ) {}

  /** Doubles every topic's partitions; answers what changed, for the log. */
  async double(): Promise<string> {
    const admin = new Kafka({ clientId: 'dtq-chaos-admin', brokers: this.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: this.topics });
      const counts = topics.map(({ name, partitions }) => ({ topic: name, from: partitions.length, count: partitions.length * 2 }));
      await admin.createPartitions({ topicPartitions: counts.map(({ topic, count }) => ({ topic, count })) });
      const sizes = [...new Set(counts.map(({ from, count }) => `${from} → ${count}`))];
      return `${counts.length} job topics: ${sizes.join(', ')} partitions`;
    } finally {
      await admin.disconnect();
    }
  }
}
