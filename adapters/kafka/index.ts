export { KafkaJobQueue, type KafkaJobQueueOptions } from './kafka-job-queue.js';
export type { KafkaConsumerTuning } from './kafka-consumer.js';
