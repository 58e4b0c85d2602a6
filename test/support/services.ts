import { Redis } from 'ioredis';
import amqp from 'amqplib';

/** The servers tests use: the machine's own Redis and RabbitMQ unless the environment names others. */
export const TEST_REDIS_URL = process.env.DTQ_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const TEST_RABBITMQ_URL = process.env.DTQ_TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** Deletes every key under a test's prefix (SCAN, not KEYS, so a busy server is not blocked). */
export async function deleteRedisKeys(prefix: string, url = TEST_REDIS_URL): Promise<number> {
  const redis = new Redis(url, { lazyConnect: true });
  await redis.connect();
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/** Deletes test queues; a queue that is already gone is fine. */
export async function deleteRabbitQueues(queues: string[], url = TEST_RABBITMQ_URL): Promise<void> {
  const connection = await amqp.connect(url);
  try {
    for (const queue of queues) {
      const channel = await connection.createChannel();
      channel.on('error', () => {});
      await channel.deleteQueue(queue).catch(() => {});
      await channel.close().catch(() => {});
    }
  } finally {
    await connection.close();
  }
}

function escapeGlob(value: string): string {
  return value.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
