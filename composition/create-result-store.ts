import type { Config } from '../config/index.js';
import type { HealthCheck, Logger, ResultStore } from '../core/ports/index.js';
import { MemoryResultStore } from '../adapters/memory/index.js';
import { MongoResultStore } from '../adapters/mongodb/index.js';

export interface ResultStoreChoice {
  results: ResultStore;
  readiness: HealthCheck[];
  /** Ensures the collection's indexes; idempotent. */
  init(): Promise<void>;
}

/** MongoDB when MONGODB_URI is set, process memory otherwise. */
export function createResultStore(config: Config, logger: Logger): ResultStoreChoice {
  if (!config.MONGODB_URI) {
    return { results: new MemoryResultStore(), readiness: [], init: async () => {} };
  }
  const store = new MongoResultStore({ client: config.MONGODB_URI, database: config.MONGODB_DATABASE, logger });
  return { results: store, readiness: [store.healthCheck], init: () => store.init() };
}
