export { KafkaJobQueue, type KafkaJobQueueOptions } from './kafka-job-queue.js';
export type { KafkaConsumerTuning } from './kafka-consumer.js';
export { KafkaDeadLetters, type KafkaDeadLettersOptions } from './kafka-dead-letters.js';
export { entraOAuthBearerProvider, eventHubsKafkaScope, type OAuthBearerProvider } from './entra-oauth-bearer.js';
