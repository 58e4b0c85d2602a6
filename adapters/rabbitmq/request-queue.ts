import type { Channel } from 'amqplib';

/**
 * The progress request queue, declared the same way by both sides (a redeclaration with other
 * arguments would be refused by the broker): durable, so it outlives broker restarts. Requests
 * themselves are transient and carry a per-message expiration.
 */
export async function declareRequestQueue(channel: Channel, queue: string): Promise<void> {
  await channel.assertQueue(queue, { durable: true });
}
