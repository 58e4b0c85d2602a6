import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import {
  TEST_KAFKA_BROKERS,
  TEST_MONGODB_URI,
  TEST_RABBITMQ_URL,
  TEST_REDIS_URL,
  deleteRabbitQueues,
  deleteRedisKeys,
} from './services.js';
import { uniqueName } from './unique.js';

export interface ServicesMode {
  /** Every service variable, with topics, group, keys, queue and database of this test's own. */
  env: Record<string, string>;
  /** Removes what the test left on the shared servers. */
  cleanup(): Promise<void>;
}

/**
 * dtq on every real server at once (Kafka, Redis, RabbitMQ, the MongoDB-wire server), isolated
 * by names no other test uses, so suites share the servers without seeing each other's jobs.
 */
export function servicesMode(name: string): ServicesMode {
  const id = uniqueName(name);
  const env = {
    KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(','),
    KAFKA_TOPIC_TEMPLATE: `${id}.jobs.%s.v1`,
    KAFKA_CONSUMER_GROUP: `${id}-worker`,
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: `${id}:`,
    RABBITMQ_URL: TEST_RABBITMQ_URL,
    PROGRESS_REQUEST_QUEUE: `${id}.progress.check.request.v1`,
    MONGODB_URI: TEST_MONGODB_URI,
    MONGODB_DATABASE: id.replace(/-/g, '_'),
  };
  return {
    env,
    cleanup: async () => {
      await Promise.all([
        deleteRedisKeys(env.REDIS_KEY_PREFIX),
        deleteRabbitQueues([env.PROGRESS_REQUEST_QUEUE]),
        deleteKafkaTopicsAndGroup(`${id}.jobs.`, env.KAFKA_CONSUMER_GROUP),
        dropDatabase(env.MONGODB_DATABASE),
      ]);
    },
  };
}

async function deleteKafkaTopicsAndGroup(topicPrefix: string, groupId: string): Promise<void> {
  const admin = new Kafka({ clientId: 'dtq-test-cleanup', brokers: TEST_KAFKA_BROKERS, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.deleteGroups([groupId]).catch(() => undefined);
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(topicPrefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}

async function dropDatabase(database: string): Promise<void> {
  const client = new MongoClient(TEST_MONGODB_URI, { serverSelectionTimeoutMS: 5_000 });
  try {
    await client.connect();
    await client.db(database).dropDatabase();
  } finally {
    await client.close();
  }
}
