/**
 * The job-queue conformance suite on the Kafka adapter, against the real broker the tests use
 * (KAFKA_BROKERS, Apache Kafka in KRaft mode from services:up). Every test has topics and groups
 * of its own, so runs sharing the broker never read each other's records.
 */
import { KafkaJobQueue } from '../../adapters/kafka/index.js';
import { deleteKafkaTopicsAndGroups, ownNames } from '../support/kafka-admin.js';
import { FAST_KAFKA_GROUP } from '../support/kafka-timings.js';
import { TEST_KAFKA_BROKERS } from '../support/services.js';
import { testLogger } from '../support/test-logger.js';
import { describeJobQueueConformance, type JobQueueFixture } from './job-queue.suite.js';

const PARTITIONS = 3;
/** Small fetches, so a backlog far larger than one fetch is quick to publish. */
const MAX_BYTES_PER_PARTITION = 16 * 1024;

/**
 * A fresh queue per test on the given brokers. Cleanup deletes the topics and groups the suite
 * made in this process (their names carry the pid), so a real broker is left as it was found.
 */
function kafkaFixture(brokers: string[]): () => Promise<JobQueueFixture> {
  return async () => {
    const queue = new KafkaJobQueue({
      brokers,
      clientId: 'dtq-conformance',
      partitions: PARTITIONS,
      logger: testLogger(),
      consumerTuning: { ...FAST_KAFKA_GROUP, maxBytesPerPartition: MAX_BYTES_PER_PARTITION },
      handlerRetryBackoff: { initialMs: 10, maxMs: 50 },
    });
    return {
      queue,
      partitions: PARTITIONS,
      // One fetch per partition: as many records as fit its bytes, and at least one.
      bufferBound: (recordBytes) => PARTITIONS * (Math.floor(MAX_BYTES_PER_PARTITION / recordBytes) + 1),
      cleanup: async () => {
        await queue.close();
        await deleteKafkaTopicsAndGroups(brokers, ownNames('jobs.test', 'jobs.dlq', 'group', 'dlq-watch'));
      },
    };
  };
}

describeJobQueueConformance(`kafka (broker ${TEST_KAFKA_BROKERS.join(',')})`, kafkaFixture(TEST_KAFKA_BROKERS));
