import type { Config } from '../config/index.js';
import type {
  HealthCheck,
  IdempotencyStore,
  JobQueue,
  Logger,
  ProgressClient,
  ProgressRequestHandler,
  ProgressResponder,
  ResultStore,
  StatusStore,
} from '../core/ports/index.js';
import {
  MemoryIdempotencyStore,
  MemoryJobQueue,
  MemoryProgressBus,
  MemoryResultStore,
  MemoryStatusStore,
} from '../adapters/memory/index.js';
import { KafkaJobQueue } from '../adapters/kafka/index.js';

/** The adapter behind each port for one process, chosen from the configuration. */
export interface PortAdapters {
  statuses: StatusStore;
  idempotency: IdempotencyStore;
  results: ResultStore;
  queue: JobQueue;
  createProgressClient(): ProgressClient;
  createProgressResponder(handler: ProgressRequestHandler): ProgressResponder;
  readiness: HealthCheck[];
  /** True when jobs travel in process memory, so API and worker must share this process. */
  inProcessQueue: boolean;
  close(): Promise<void>;
}

/** Picks each port's adapter: a service when its variable is set, in-memory otherwise. */
export function createAdapters(config: Config, logger: Logger): PortAdapters {
  const unsupported = (['REDIS_URL', 'RABBITMQ_URL', 'MONGODB_URI'] as const).filter((v) => config[v]);
  if (unsupported.length > 0) {
    throw new Error(`${unsupported.join(', ')}: this build has no adapter for these services yet; unset them to run embedded`);
  }
  const statuses = new MemoryStatusStore();
  const idempotency = new MemoryIdempotencyStore();
  const results = new MemoryResultStore();
  const kafka = config.KAFKA_BROKERS ? createKafkaJobQueue(config, config.KAFKA_BROKERS, logger) : undefined;
  const queue = kafka ?? new MemoryJobQueue({ partitions: config.KAFKA_TOPIC_PARTITIONS });
  const bus = new MemoryProgressBus();
  return {
    statuses,
    idempotency,
    results,
    queue,
    createProgressClient: () => bus.createClient({ timeoutMs: config.STATUS_RPC_TIMEOUT_MS }),
    createProgressResponder: (handler) => bus.createResponder({ handler, logger }),
    readiness: [
      ...(kafka ? [kafka.healthCheck()] : []),
    ],
    inProcessQueue: !kafka,
    async close() {
      await queue.close();
      await Promise.allSettled([statuses.close(), idempotency.close(), results.close()]);
    },
  };
}

/**
 * The job queue on Kafka. Topics are created with KAFKA_TOPIC_PARTITIONS partitions when missing:
 * by the worker at start-up, and by any process before its first publish to a topic.
 */
function createKafkaJobQueue(config: Config, brokers: string, logger: Logger): KafkaJobQueue {
  const { KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = config;
  return new KafkaJobQueue({
    brokers: brokers.split(','),
    clientId: config.KAFKA_CLIENT_ID,
    ssl: config.KAFKA_SSL,
    // The config schema refuses a mechanism without both credentials.
    ...(mechanism && username && password ? { sasl: { mechanism, username, password } } : {}),
    partitions: config.KAFKA_TOPIC_PARTITIONS,
    logger,
  });
}
