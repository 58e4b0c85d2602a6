import type { Config } from '../config/index.js';
import type { HealthCheck, JobQueue, Logger } from '../core/ports/index.js';
import { DefaultAzureCredential } from '@azure/identity';
import { KafkaJobQueue, entraOAuthBearerProvider, eventHubsKafkaScope } from '../adapters/kafka/index.js';
import { MemoryJobQueue } from '../adapters/memory/index.js';

export interface JobQueueChoice {
  queue: JobQueue;
  readiness: HealthCheck[];
  /** True when jobs travel in process memory, so API and worker must share this process. */
  inProcess: boolean;
}

/**
 * Kafka when KAFKA_BROKERS is set, process memory otherwise. Kafka topics are created with
 * KAFKA_TOPIC_PARTITIONS partitions when missing: by the worker at start-up, and by any process
 * before its first publish to a topic (so an API that starts before Kafka still serves reads).
 * The in-memory queue keeps its own partition count: that variable sizes Kafka topics only.
 */
export function createJobQueue(config: Config, logger: Logger): JobQueueChoice {
  if (!config.KAFKA_BROKERS) {
    return { queue: new MemoryJobQueue(), readiness: [], inProcess: true };
  }
  const queue = new KafkaJobQueue({
    ...kafkaConnection(config, config.KAFKA_BROKERS),
    partitions: config.KAFKA_TOPIC_PARTITIONS,
    // kafkajs heartbeats between fetches, so both stay well inside the session timeout.
    consumerTuning: {
      sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
      heartbeatIntervalMs: Math.min(3_000, Math.floor(config.KAFKA_SESSION_TIMEOUT_MS / 10)),
      maxWaitTimeMs: Math.min(1_000, Math.floor(config.KAFKA_SESSION_TIMEOUT_MS / 10)),
      commitIntervalMs: config.KAFKA_COMMIT_INTERVAL_MS,
      maxBytes: config.KAFKA_FETCH_MAX_BYTES,
      maxBytesPerPartition: config.KAFKA_FETCH_MAX_BYTES_PER_PARTITION,
    },
    logger,
  });
  return { queue, readiness: [queue.healthCheck()], inProcess: false };
}

/** Brokers, client id, TLS and SASL: how every Kafka client of this process connects. */
export function kafkaConnection(config: Config, brokers: string) {
  const { KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = config;
  const list = brokers.split(',');
  if (mechanism === 'oauthbearer') {
    // DefaultAzureCredential finds the Function App's managed identity (AZURE_CLIENT_ID) or the
    // pod's workload identity (the variables the AKS webhook injects).
    const oauthBearerProvider = entraOAuthBearerProvider({ credential: new DefaultAzureCredential(), scope: eventHubsKafkaScope(list) });
    return { brokers: list, clientId: config.KAFKA_CLIENT_ID, ssl: config.KAFKA_SSL, sasl: { mechanism, oauthBearerProvider } as const };
  }
  return {
    brokers: list,
    clientId: config.KAFKA_CLIENT_ID,
    ssl: config.KAFKA_SSL,
    // The config schema refuses a mechanism without both credentials.
    ...(mechanism && username && password ? { sasl: { mechanism, username, password } } : {}),
  };
}
