import { MongoClient } from 'mongodb';
import { deleteKafkaTopicsAndGroups } from './kafka-admin.js';
import { TEST_KAFKA_BROKERS, TEST_MONGODB_URI, TEST_RABBITMQ_URL, TEST_REDIS_URL, deleteRabbitQueues, deleteRedisKeys } from './services.js';
import { uniqueName } from './unique.js';

export interface ServicesModeOptions {
  /** Another broker than the shared one (a test's private broker). */
  brokers?: string[];
  /**
   * Keep the contract's topic names (`jobs.{type}.v1`), for a test that reads them on a broker
   * of its own; otherwise the run's topics carry its name.
   */
  contractTopics?: boolean;
  /** Servers the run leaves out (their ports stay in process memory), for a test that reads none of them. */
  without?: Array<'mongodb' | 'rabbitmq'>;
}

export interface ServicesMode {
  /** The name every resource of the run starts with. */
  readonly id: string;
  /** Every service variable, with topics, group, keys, queue and database of this run's own. */
  readonly env: Record<string, string>;
  /**
   * Removes what the run left on the servers; `kafka: false` when its broker is already gone,
   * `mongodb: false` when the run's processes were not given the MongoDB variables.
   */
  cleanup(options?: { kafka?: boolean; mongodb?: boolean }): Promise<void>;
}

/**
 * dtq on every real server at once (Kafka, Redis, RabbitMQ, the MongoDB-wire server), isolated
 * by names no other test uses, so suites share the servers without seeing each other's jobs.
 */
export function servicesMode(name: string, options: ServicesModeOptions = {}): ServicesMode {
  const id = uniqueName(name).replace(/-/g, '_');
  const brokers = options.brokers ?? TEST_KAFKA_BROKERS;
  const env: Record<string, string> = {
    KAFKA_BROKERS: brokers.join(','),
    ...(options.contractTopics ? {} : { KAFKA_TOPIC_TEMPLATE: `${id}.jobs.%s.v1` }),
    KAFKA_CONSUMER_GROUP: `${id}.worker`,
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: `${id}:`,
    ...(options.without?.includes('rabbitmq') ? {} : { RABBITMQ_URL: TEST_RABBITMQ_URL, PROGRESS_REQUEST_QUEUE: `${id}.progress.check.request.v1` }),
    ...(options.without?.includes('mongodb') ? {} : { MONGODB_URI: TEST_MONGODB_URI, MONGODB_DATABASE: id }),
  };
  return {
    id,
    env,
    cleanup: async ({ kafka = true, mongodb = true } = {}) => {
      const results = await Promise.allSettled([
        deleteRedisKeys(env.REDIS_KEY_PREFIX!),
        env.PROGRESS_REQUEST_QUEUE ? deleteRabbitQueues([env.PROGRESS_REQUEST_QUEUE]) : Promise.resolve(),
        kafka ? deleteKafkaTopicsAndGroups(brokers, new RegExp(`^${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.`)) : Promise.resolve(),
        mongodb && env.MONGODB_URI ? dropDatabase(id) : Promise.resolve(),
      ]);
      const failed = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
      if (failed.length > 0) throw new AggregateError(failed, `cleaning up after ${id} failed`);
    },
  };
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
