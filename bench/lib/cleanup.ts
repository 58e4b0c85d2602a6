import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { RABBITMQ_URL, REDIS_URL } from './dtq-stack.js';

/** Removes what one run left in Redis (every key under its prefix) and its RabbitMQ queue. */
export async function cleanUpRun(options: { redisKeyPrefix: string; queues: string[] }): Promise<void> {
  if (options.redisKeyPrefix.length > 0) {
    const redis = new Redis(REDIS_URL);
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${options.redisKeyPrefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await redis.unlink(...keys);
      } while (cursor !== '0');
    } finally {
      await redis.quit();
    }
  }
  if (options.queues.length > 0) {
    const connection = await amqp.connect(RABBITMQ_URL);
    try {
      const channel = await connection.createChannel();
      for (const queue of options.queues) await channel.deleteQueue(queue);
      await channel.close();
    } finally {
      await connection.close();
    }
  }
}
