export { RabbitProgressClient, DIRECT_REPLY_TO, type RabbitProgressClientOptions } from './rabbit-progress-client.js';
export { RabbitProgressResponder, type RabbitProgressResponderOptions } from './rabbit-progress-responder.js';
export { rabbitMqHealthCheck } from './rabbitmq-health-check.js';
export type { AmqpConnectionOptions } from './amqp-session.js';
