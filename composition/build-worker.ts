import { jobTimeoutSettings, type Config } from '../config/index.js';
import { jobTopics } from '../core/domain/index.js';
import type { JobHandlerRegistry, Logger } from '../core/ports/index.js';
import { createWorkerMetrics } from '../telemetry/index.js';
import type { PortAdapters } from './create-adapters.js';
import { createJobHandlers } from './job-handlers.js';
import { countConnectionEvents } from './progress-rpc-events.js';
import { Worker } from '../worker/worker.js';

/** A worker over the given adapters, configured from the environment. */
export function buildWorker(options: {
  config: Config;
  adapters: PortAdapters;
  logger: Logger;
  healthPort?: number | null;
  /** Changes the job handlers before the worker gets them (tests put in a handler of their own). */
  wrapHandlers?: (handlers: JobHandlerRegistry) => JobHandlerRegistry;
}): Worker {
  const { config, adapters } = options;
  const metrics = createWorkerMetrics();
  const handlers = createJobHandlers({ config, metrics });
  return new Worker({
    queue: adapters.queue,
    statuses: adapters.statuses,
    results: adapters.results,
    leases: adapters.leases,
    handlers: options.wrapHandlers ? options.wrapHandlers(handlers) : handlers,
    timeouts: jobTimeoutSettings(config),
    createProgressResponder: (handler) =>
      adapters.createProgressResponder(handler, {
        ...countConnectionEvents(metrics.progressRpcConnection),
        onRequestDropped: (reason) => metrics.progressRequestsDropped.inc({ reason }),
      }),
    topics: jobTopics(config.KAFKA_TOPIC_TEMPLATE),
    topicTemplate: config.KAFKA_TOPIC_TEMPLATE,
    groupId: config.KAFKA_CONSUMER_GROUP,
    concurrency: config.WORKER_CONCURRENCY,
    handlerAttempts: config.WORKER_HANDLER_ATTEMPTS,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    healthPort: options.healthPort === undefined ? config.WORKER_METRICS_PORT : options.healthPort,
    readiness: adapters.readiness,
    metrics,
    logger: options.logger.child({ component: 'worker' }),
  });
}
