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
import { MongoResultStore } from '../adapters/mongodb/index.js';

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
  /**
   * Prepares what the adapters need before serving (the result store's indexes). Hosts await it
   * at start-up, so a service that cannot be reached stops the start with its name; idempotent.
   */
  init(): Promise<void>;
  close(): Promise<void>;
}

/** Picks each port's adapter: a service when its variable is set, in-memory otherwise. */
export function createAdapters(config: Config, logger: Logger): PortAdapters {
  const unsupported = (['KAFKA_BROKERS', 'REDIS_URL', 'RABBITMQ_URL'] as const).filter((v) => config[v]);
  if (unsupported.length > 0) {
    throw new Error(`${unsupported.join(', ')}: this build has no adapter for these services yet; unset them to run embedded`);
  }
  const statuses = new MemoryStatusStore();
  const idempotency = new MemoryIdempotencyStore();
  const mongoResults = config.MONGODB_URI
    ? new MongoResultStore({ client: config.MONGODB_URI, database: config.MONGODB_DATABASE, logger })
    : undefined;
  const results = mongoResults ?? new MemoryResultStore();
  const queue = new MemoryJobQueue({ partitions: config.KAFKA_TOPIC_PARTITIONS });
  const bus = new MemoryProgressBus();
  return {
    statuses,
    idempotency,
    results,
    queue,
    createProgressClient: () => bus.createClient({ timeoutMs: config.STATUS_RPC_TIMEOUT_MS }),
    createProgressResponder: (handler) => bus.createResponder({ handler, logger }),
    readiness: mongoResults ? [mongoResults.healthCheck] : [],
    inProcessQueue: true,
    async init() {
      await mongoResults?.init();
    },
    async close() {
      await queue.close();
      await Promise.allSettled([statuses.close(), idempotency.close(), results.close()]);
    },
  };
}
