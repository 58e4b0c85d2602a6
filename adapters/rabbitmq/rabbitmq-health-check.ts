import type { HealthCheck } from '../../core/ports/index.js';

/**
 * Ready while every RabbitMQ connection of this process (progress client, responder) is up.
 * Takes a function so connections opened after the check was made are included.
 */
export function rabbitMqHealthCheck(connections: () => Iterable<{ ready(): boolean }>, name = 'rabbitmq'): HealthCheck {
  return {
    name,
    async check() {
      for (const connection of connections()) {
        if (!connection.ready()) throw new Error('not connected to RabbitMQ; reconnecting');
      }
    },
  };
}
