import { jobTimeoutSettings, type Config } from '../config/index.js';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { HEARTBEAT_INTERVAL_MS, HEARTBEAT_TTL_MS, jobTopics } from '../core/domain/index.js';
import type { JobHandlerRegistry, Logger } from '../core/ports/index.js';
import { createWorkerMetrics } from '../telemetry/index.js';
import type { PortAdapters } from './create-adapters.js';
import { createJobHandlers } from './job-handlers.js';
import { countConnectionEvents } from './progress-rpc-events.js';
import { ScheduleTicker } from '../worker/schedule-ticker.js';
import { DelayedHandover } from '../worker/delayed-handover.js';
import { HeartbeatLoop } from '../worker/heartbeat-loop.js';
import { dtqVersion } from './dtq-version.js';
import { Worker } from '../worker/worker.js';
import { priorityLanes } from '../worker/priority-lanes.js';
import { createSubmitDeps } from './create-submit-deps.js';
import { createKeyLimitGate } from './create-key-limits.js';
import { createWorkerWebhooks } from './create-webhooks.js';

/**
 * A worker over the given adapters, configured from the environment, with the schedule ticker
 * beside it: every worker turns due ticks into jobs, so ticks go on while any worker runs.
 */
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
  const tickerLogger = options.logger.child({ component: 'schedule-ticker' });
  const ticker = new ScheduleTicker({
    tick: {
      schedules: adapters.schedules,
      submit: createSubmitDeps({ config, adapters, logger: tickerLogger }),
      now: () => new Date(),
      logger: tickerLogger,
      onTick: (jobType, outcome) => metrics.scheduleTicks.inc({ job_type: jobType, outcome }),
    },
    pollMs: config.SCHEDULE_POLL_MS,
    onRoundFailed: () => metrics.scheduleRoundsFailed.inc(),
    logger: tickerLogger,
  });
  // Every worker runs one: claims make each due job one hand-over's, however many workers run.
  const handover = new DelayedHandover({
    delayed: adapters.delayed,
    queue: adapters.queue,
    pollMs: config.DELAYED_POLL_MS,
    logger: options.logger.child({ component: 'delayed-handover' }),
    events: {
      onHandedOver: (latenessMs) => {
        metrics.delayedJobsHandedOver.inc(latenessMs.length);
        for (const ms of latenessMs) metrics.delayedHandoverLateness.observe(ms / 1000);
      },
      onError: (step) => metrics.delayedHandoverErrors.inc({ step }),
    },
  });
  metrics.bindSources({ delayedJobsWaiting: () => adapters.delayed.count() });
  const keyLimits = createKeyLimitGate({ config, stores: adapters.keyLimits, queue: adapters.queue, statuses: adapters.statuses, metrics, logger: options.logger.child({ component: 'key-limits' }) });
  const webhooks = createWorkerWebhooks({ config, adapters, metrics, logger: options.logger });
  // The heartbeat reads the load of the worker it belongs to, at each beat (after the worker exists).
  const heartbeat = new HeartbeatLoop({
    heartbeats: adapters.heartbeats,
    instance: `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`,
    version: dtqVersion(),
    concurrency: config.WORKER_CONCURRENCY,
    inFlight: () => worker.inFlight(),
    intervalMs: HEARTBEAT_INTERVAL_MS,
    ttlMs: HEARTBEAT_TTL_MS,
    onBeatFailed: () => metrics.heartbeatsFailed.inc(),
    logger: options.logger.child({ component: 'heartbeat' }),
  });
  const worker: Worker = new Worker({
    loops: [ticker, heartbeat, handover, ...(webhooks.deliverer ? [webhooks.deliverer] : [])],
    keyLimits,
    onJobEnded: webhooks.onJobEnded,
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
    lanes: priorityLanes(config.KAFKA_TOPIC_TEMPLATE),
    handlerAttempts: config.WORKER_HANDLER_ATTEMPTS,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    healthPort: options.healthPort === undefined ? config.WORKER_METRICS_PORT : options.healthPort,
    readiness: adapters.readiness,
    metrics,
    logger: options.logger.child({ component: 'worker' }),
  });
  return worker;
}
