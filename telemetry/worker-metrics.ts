import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { PartitionLag } from '../core/ports/index.js';
import { createWebhookMetrics } from './webhook-metrics.js';

/** What the worker's scrape-time gauges read; the worker binds them once it exists. */
export interface WorkerMetricSources {
  /** Consuming jobs and answering progress requests now. */
  ready(): boolean;
  /** Lag of every partition of the worker's topics for its group, when the queue adapter can tell. */
  consumerLag?(): Promise<PartitionLag[]>;
  /** Delayed jobs held, due or not (all workers share one holding place, so each reports the same). */
  delayedJobsWaiting?(): Promise<number>;
  /** Records waiting on the job topics, per priority (from the consumer lag). */
  waitingByPriority?(): Promise<ReadonlyMap<string, number>>;
}

/** The worker's metrics, served on its own port. */
export function createWorkerMetrics(options: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'dtq_worker_' });
  let sources: WorkerMetricSources | undefined;
  return {
    registry,
    /** Connects the scrape-time gauges (readiness, consumer lag, delayed jobs) to what reads them; later calls add to earlier ones. */
    bindSources(bound: Partial<WorkerMetricSources>): void {
      sources = { ready: () => false, ...sources, ...bound };
    },
    jobsProcessed: new Counter({
      name: 'dtq_worker_jobs_processed_total',
      help: 'Job records handled, by job type and outcome (completed, failed, already_done)',
      labelNames: ['job_type', 'outcome'] as const,
      registers: [registry],
    }),
    scheduleTicks: new Counter({
      name: 'dtq_worker_schedule_ticks_total',
      help: 'Schedule ticks this worker handled, by job type and outcome (submitted: it made the job; replayed: another handling of the tick had made it; failed: tried again next round)',
      labelNames: ['job_type', 'outcome'] as const,
      registers: [registry],
    }),
    heartbeatsFailed: new Counter({
      name: 'dtq_worker_heartbeats_failed_total',
      help: 'Heartbeats the worker could not write (the heartbeat store failed); it drops out of the fleet view if they keep failing',
      registers: [registry],
    }),
    scheduleRoundsFailed: new Counter({
      name: 'dtq_worker_schedule_rounds_failed_total',
      help: 'Rounds of the schedule ticker that could not read the due schedules (the schedule store failed); the next round tries again',
      registers: [registry],
    }),
    jobsCancelled: new Counter({
      name: 'dtq_worker_jobs_cancelled_total',
      help: 'Jobs the worker ended failed with CANCELLED because a cancel was requested, by job type',
      labelNames: ['job_type'] as const,
      registers: [registry],
    }),
    jobsTimedOut: new Counter({
      name: 'dtq_worker_jobs_timed_out_total',
      help: 'Jobs the worker ended failed with TIMEOUT because their handler ran longer than the job\'s timeout, by job type',
      labelNames: ['job_type'] as const,
      registers: [registry],
    }),
    abandonedHandlers: new Gauge({
      name: 'dtq_worker_abandoned_handlers',
      help: 'Handlers of timed-out jobs that ignored their signal and still run, by job type: their slots are free, but they still use memory and sockets',
      labelNames: ['job_type'] as const,
      registers: [registry],
    }),
    jobDuration: new Histogram({
      name: 'dtq_worker_job_duration_seconds',
      help: 'Time from start to durable outcome of executed jobs, by job type',
      labelNames: ['job_type'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    jobsInFlight: new Gauge({
      name: 'dtq_worker_jobs_in_flight',
      help: 'Job records being processed now',
      registers: [registry],
    }),
    duplicatesWaiting: new Gauge({
      name: 'dtq_worker_duplicates_waiting',
      help: 'Records held because their job is already running, in this worker or in another (running_in: this_worker, other_worker), until that run ends; they then find its result',
      labelNames: ['running_in'] as const,
      registers: [registry],
    }),
    jobLeasesLost: new Counter({
      name: 'dtq_worker_job_leases_lost_total',
      help: 'Running jobs whose lease lapsed before they ended (not renewed in time): another worker may have run them too',
      registers: [registry],
    }),
    handlerErrors: new Counter({
      name: 'dtq_worker_handler_errors_total',
      help: 'Job records left uncommitted because a store failed; they are redelivered',
      registers: [registry],
    }),
    providerRetries: new Counter({
      name: 'dtq_worker_provider_retries_total',
      help: 'Retries of transient provider errors, by provider',
      labelNames: ['provider'] as const,
      registers: [registry],
    }),
    providerBreakerState: new Gauge({
      name: 'dtq_worker_provider_circuit_state',
      help: 'Circuit breaker state per provider: 0 closed, 1 open, 2 half-open, 3 isolated',
      labelNames: ['provider', 'job_type'] as const,
      registers: [registry],
    }),
    deadLettered: new Counter({
      name: 'dtq_worker_dead_lettered_total',
      help: 'Records published to the dead-letter topic, by source topic',
      labelNames: ['topic'] as const,
      registers: [registry],
    }),
    consumerCrashes: new Counter({
      name: 'dtq_worker_consumer_crashes_total',
      help: 'Times the job consumer lost its consumer group, by whether it rejoins by itself (restarting) or stays out',
      labelNames: ['restarting'] as const,
      registers: [registry],
    }),
    ready: new Gauge({
      name: 'dtq_worker_ready',
      help: '1 while the worker consumes jobs and answers progress requests, 0 otherwise (e.g. shutting down)',
      registers: [registry],
      collect() {
        this.set(sources?.ready() ? 1 : 0);
      },
    }),
    consumerLag: new Gauge({
      name: 'dtq_worker_consumer_lag',
      help: 'Records not yet committed by the consumer group, per partition of its topics, whoever owns it (read when scraped, kept 5 s; every worker reports every partition)',
      labelNames: ['topic', 'partition'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        const lags = (await sources?.consumerLag?.().catch(() => [])) ?? [];
        for (const { topic, partition, lag } of lags) this.set({ topic, partition: String(partition) }, lag);
      },
    }),
    delayedJobsWaiting: new Gauge({
      name: 'dtq_worker_delayed_jobs_waiting',
      help: 'Delayed jobs held until their run_at, due or not, in the holding place all workers share (read when scraped)',
      registers: [registry],
      async collect() {
        const waiting = await sources?.delayedJobsWaiting?.().catch(() => undefined);
        if (waiting !== undefined) this.set(waiting);
      },
    }),
    delayedJobsHandedOver: new Counter({
      name: 'dtq_worker_delayed_jobs_handed_over_total',
      help: 'Delayed jobs this worker handed over to the queue once due',
      registers: [registry],
    }),
    delayedHandoverLateness: new Histogram({
      name: 'dtq_worker_delayed_handover_lateness_seconds',
      help: 'Time from a delayed job\'s run_at until the queue acknowledged it',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
      registers: [registry],
    }),
    delayedHandoverErrors: new Counter({
      name: 'dtq_worker_delayed_handover_errors_total',
      help: 'Failed steps of the delayed-job hand-over (claim, publish, mark); the jobs are claimed again once their claim lapses',
      labelNames: ['step'] as const,
      registers: [registry],
    }),
    jobsWaitingByPriority: new Gauge({
      name: 'dtq_worker_jobs_waiting_by_priority',
      help: 'Jobs on the job topics not yet done by the consumer group, per priority (high, normal, low): the consumer lag summed over each priority\'s topics (read when scraped, kept 5 s)',
      labelNames: ['priority'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        const waiting = (await sources?.waitingByPriority?.().catch(() => undefined)) ?? new Map<string, number>();
        for (const [priority, count] of waiting) this.set({ priority }, count);
      },
    }),
    shutdownDuration: new Gauge({
      name: 'dtq_worker_shutdown_duration_seconds',
      help: 'How long the last graceful shutdown took to drain in-flight jobs, set when it finishes',
      registers: [registry],
    }),
    progressAnswered: new Counter({
      name: 'dtq_worker_progress_requests_total',
      help: 'Progress requests answered, by outcome (ok, not_found, invalid, unavailable)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    progressRpcConnection: new Counter({
      name: 'dtq_worker_progress_rpc_connection_events_total',
      help: 'Progress responder connection changes: connected, reconnected, disconnected',
      labelNames: ['event'] as const,
      registers: [registry],
    }),
    progressRequestsDropped: new Counter({
      name: 'dtq_worker_progress_requests_dropped_total',
      help: 'Progress requests not answered with a status: malformed, no_reply_address, handler_error, invalid_reply',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    webhooks: createWebhookMetrics(registry),
  };
}
export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;
