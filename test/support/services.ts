import { Redis } from 'ioredis';
import amqp from 'amqplib';

/**
 * The servers tests use: those `npm run -s services:up` exports, or the addresses it starts them
 * on when the shell was not pointed at them.
 */
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const TEST_RABBITMQ_URL = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
export const TEST_KAFKA_BROKERS = splitList(process.env.KAFKA_BROKERS ?? '127.0.0.1:9092');
export const TEST_MONGODB_URI = process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017/';
export const TEST_REDIS_CLUSTER_NODES = splitList(process.env.REDIS_CLUSTER_NODES ?? '127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003');

function splitList(value: string): string[] {
  return value.split(',').map((item) => item.trim()).filter(Boolean);
}

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

/** A SCAN MATCH pattern's literal part: glob characters escaped. */
export function escapeGlob(value: string): string {
  return value.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
