import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { KAFKA_BROKERS, MONGODB_URI, RABBITMQ_URL, REDIS_URL } from './dtq-stack.js';

/**
 * Removes what one run left on the shared servers, given the names its isolation variables chose:
 * every Redis key under its prefix, its RabbitMQ queue, its Kafka topics and group, its database.
 */
export async function cleanUpRun(isolation: Record<string, string>): Promise<void> {
  await Promise.all([
    deleteRedisKeys(isolation.REDIS_KEY_PREFIX ?? ''),
    deleteQueues(isolation.PROGRESS_REQUEST_QUEUE ? [isolation.PROGRESS_REQUEST_QUEUE] : []),
    deleteKafkaTopicsAndGroup(isolation.KAFKA_TOPIC_TEMPLATE, isolation.KAFKA_CONSUMER_GROUP),
    isolation.MONGODB_DATABASE ? dropDatabase(isolation.MONGODB_DATABASE) : Promise.resolve(),
  ]);
}

async function deleteRedisKeys(prefix: string): Promise<void> {
  if (prefix.length === 0) return;
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}

async function deleteQueues(queues: string[]): Promise<void> {
  if (queues.length === 0) return;
  const connection = await amqp.connect(RABBITMQ_URL);
  try {
    const channel = await connection.createChannel();
    for (const queue of queues) await channel.deleteQueue(queue);
    await channel.close();
  } finally {
    await connection.close();
  }
}

async function deleteKafkaTopicsAndGroup(topicTemplate: string | undefined, groupId: string | undefined): Promise<void> {
  if (!topicTemplate && !groupId) return;
  const admin = new Kafka({ clientId: 'dtq-bench-cleanup', brokers: KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    if (groupId) await admin.deleteGroups([groupId]).catch(() => undefined);
    if (topicTemplate) {
      const [before, after] = topicTemplate.split('%s') as [string, string];
      const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(before) && topic.endsWith(after));
      if (topics.length > 0) await admin.deleteTopics({ topics });
    }
  } finally {
    await admin.disconnect();
  }
}

async function dropDatabase(database: string): Promise<void> {
  const client = new MongoClient(MONGODB_URI, { serverSelectionTimeoutMS: 5_000 });
  try {
    await client.connect();
    await client.db(database).dropDatabase();
  } finally {
    await client.close();
  }
}
