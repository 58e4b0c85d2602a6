import type { Config } from '../config/index.js';
import { deadLetterTopicFor } from '../core/domain/index.js';
import type { DeadLetters, JobQueue, Logger } from '../core/ports/index.js';
import { KafkaDeadLetters } from '../adapters/kafka/index.js';
import { MemoryDeadLetters, MemoryJobQueue } from '../adapters/memory/index.js';
import { kafkaConnection } from './create-job-queue.js';

/** The dead-letter topic's reader (the topic KAFKA_TOPIC_TEMPLATE gives `dlq`): on Kafka when KAFKA_BROKERS is set, else the in-memory queue's. */
export function createDeadLetters(config: Config, queue: JobQueue, logger: Logger): DeadLetters {
  if (!config.KAFKA_BROKERS) {
    if (!(queue instanceof MemoryJobQueue)) throw new Error('without KAFKA_BROKERS the job queue is the in-memory one');
    return new MemoryDeadLetters(queue, deadLetterTopicFor(config.KAFKA_TOPIC_TEMPLATE));
  }
  return new KafkaDeadLetters({
    connection: kafkaConnection(config, config.KAFKA_BROKERS),
    topic: deadLetterTopicFor(config.KAFKA_TOPIC_TEMPLATE),
    logger,
  });
}
