/**
 * The job-queue conformance suite on the Kafka adapter: against the Kafka emulator (a test
 * fixture, scripts/emulators/kafka) always, and against a real broker when KAFKA_BROKERS_REAL
 * names one (host:port[,host:port]).
 */
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { KafkaJobQueue } from '../../adapters/kafka/index.js';
import { startKafkaEmulator, type KafkaEmulator } from '../../scripts/emulators/kafka/index.js';
import { FAST_KAFKA_GROUP } from '../support/kafka-timings.js';
import { testLogger } from '../support/test-logger.js';
import { describeJobQueueConformance, type JobQueueFixture } from './job-queue.suite.js';

const PARTITIONS = 3;

/**
 * A fresh queue per test on the given brokers. Cleanup deletes the topics and groups the suite
 * made in this process (their names carry the pid), so a real broker is left as it was found.
 */
function kafkaFixture(brokers: () => string[]): () => Promise<JobQueueFixture> {
  return async () => {
    const queue = new KafkaJobQueue({
      brokers: brokers(),
      clientId: 'dtq-conformance',
      partitions: PARTITIONS,
      logger: testLogger(),
      consumerTuning: FAST_KAFKA_GROUP,
      handlerRetryBackoff: { initialMs: 10, maxMs: 50 },
    });
    return {
      queue,
      partitions: PARTITIONS,
      cleanup: async () => {
        await queue.close();
        await deleteOwnTopicsAndGroups(brokers());
      },
    };
  };
}

async function deleteOwnTopicsAndGroups(brokers: string[]): Promise<void> {
  const admin = new Kafka({ clientId: 'dtq-conformance-cleanup', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const own = new RegExp(`^(jobs\\.test|jobs\\.dlq|group|dlq-watch)-${process.pid}-`);
    const { groups } = await admin.listGroups();
    const groupIds = groups.map((g) => g.groupId).filter((id) => own.test(id));
    if (groupIds.length > 0) await admin.deleteGroups(groupIds);
    const topics = (await admin.listTopics()).filter((topic) => own.test(topic));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}

describe('Kafka adapter on the emulator', () => {
  let emulator: KafkaEmulator;
  beforeAll(async () => {
    emulator = await startKafkaEmulator({ port: 0 });
  });
  afterAll(async () => {
    await emulator?.close();
  });
  describeJobQueueConformance('kafka (emulator)', kafkaFixture(() => [emulator.brokers]));
});

const realBrokers = process.env.KAFKA_BROKERS_REAL?.split(',').map((b) => b.trim()).filter(Boolean);
if (realBrokers && realBrokers.length > 0) {
  describeJobQueueConformance(`kafka (real broker ${realBrokers.join(',')})`, kafkaFixture(() => realBrokers));
} else {
  const reason = 'KAFKA_BROKERS_REAL is not set (host:port of a real Kafka broker), so the suite runs on the emulator only';
  console.warn(`[kafka conformance] real-broker run skipped: ${reason}`);
  describe('job queue conformance: kafka (real broker)', () => {
    it.skip(`skipped: ${reason}`, () => {});
  });
}
