import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { TIMEOUT_ERROR_CODE, type JobTimeoutSettings } from '../contracts/index.js';
import { CANCELLED_ERROR_CODE, answerProgress, deadLetterTopicFor, executeJobRecord, failJobRecord, recordLogFields, type ExecuteJobDeps } from '../core/domain/index.js';
import type {
  ConsumerLanes,
  DeliveryHandler,
  HealthCheck,
  JobConsumer,
  JobLeases,
  JobQueue,
  Logger,
  ProgressRequestHandler,
  ProgressResponder,
  JobHandlerRegistry,
  Lifecycle,
  ResultStore,
  StatusStore,
} from '../core/ports/index.js';
import type { WorkerMetrics } from '../telemetry/index.js';
import { SharedResult, withinDeadline } from '../core/time/index.js';
import { HealthServer } from './health-server.js';
import { JobRunGate } from './job-run-gate.js';
import type { KeyLimitGate } from './key-limit-gate.js';
import { inJobSpan } from './job-span.js';
import { waitingByPriority } from './priority-lanes.js';

/**
 * How long a consumer-lag read serves scrapes. A read is a round trip to the cluster's admin
 * API (committed offsets and end offsets); scrapes come every 15 s or so, and a flood of them
 * must not become a flood of admin requests: within this time they share one read.
 */
export const CONSUMER_LAG_CACHE_MS = 5_000;

/** A dependency that has not answered the readiness probe by then counts as down. */
const READINESS_CHECK_DEADLINE_MS = 1_000;

export interface WorkerOptions {
  queue: JobQueue;
  statuses: StatusStore;
  results: ResultStore;
  /** Leases on running jobs shared by every worker, so two workers do not run one job at once. */
  leases?: JobLeases;
  handlers: JobHandlerRegistry;
  /** Timeouts of jobs whose message carries none (JOB_TIMEOUT_*; default: their defaults). */
  timeouts?: JobTimeoutSettings;
  createProgressResponder: (handler: ProgressRequestHandler) => ProgressResponder;
  topics: string[];
  /** The template the topics were made from, so a record on the wrong topic is refused. */
  topicTemplate: string;
  groupId: string;
  concurrency: number;
  /** Turns between the job priorities' topics (priorityLanes); unset: first come, first served. */
  lanes?: ConsumerLanes;
  /** Tries of a job record whose handler fails before the job fails and the record is dead-lettered. */
  handlerAttempts?: number;
  shutdownTimeoutMs: number;
  /** Port for /healthz, /readyz and /metrics; null serves none (the caller exposes them). */
  healthPort: number | null;
  readiness: HealthCheck[];
  metrics: WorkerMetrics;
  logger: Logger;
  now?: () => Date;
  /** Loops that run beside the consumer in this process (the schedule ticker): started after it, stopped before it drains. */
  loops?: Lifecycle[];
  /** Per-key concurrency and rate limits in front of the job handler; its hand-back loop starts after the consumer and stops after the drain. */
  keyLimits?: KeyLimitGate;
  /** Called when a job ends, before its record is committed (the webhook outbox). */
  onJobEnded?: ExecuteJobDeps['onJobEnded'];
}

/**
 * The worker: a consumer group member executing jobs, the progress responder, and its health
 * port. `close` stops taking work, lets in-flight jobs finish within the shutdown timeout and
 * leaves the rest uncommitted, to be redelivered.
 */
export class Worker {
  private readonly consumer: JobConsumer;
  private readonly responder: ProgressResponder;
  private readonly health: HealthServer | undefined;
  private closing = false;
  private shuttingDown = false;
  healthPort: number | undefined;

  constructor(private readonly options: WorkerOptions) {
    const now = options.now ?? (() => new Date());
    const { metrics, logger } = options;
    const jobDeps: ExecuteJobDeps = {
      topicTemplate: options.topicTemplate,
      statuses: options.statuses,
      results: options.results,
      handlers: options.handlers,
      now,
      logger,
      ...(options.timeouts ? { timeouts: options.timeouts } : {}),
      ...(options.onJobEnded ? { onJobEnded: options.onJobEnded } : {}),
      events: {
        onHandlerAbandoned: (jobType) => metrics.abandonedHandlers.inc({ job_type: jobType }),
        onAbandonedHandlerSettled: (jobType) => metrics.abandonedHandlers.dec({ job_type: jobType }),
      },
    };
    // Copies of one job delivered together, to this worker or to several, run one after the
    // other: the later ones find its result.
    const gate = new JobRunGate({
      ...(options.leases ? { leases: options.leases } : {}),
      holder: `${hostname()}/${process.pid}/${randomUUID()}`,
      events: {
        onWaiting: (runningIn, waiting) => metrics.duplicatesWaiting.inc({ running_in: runningIn }, waiting ? 1 : -1),
        onLeaseLost: (jobId) => {
          metrics.jobLeasesLost.inc();
          logger.warn({ job_id: jobId }, 'job lease lapsed while the job ran; another worker may run it too (its result is kept once)');
        },
        onLeaseError: (jobId, error) => logger.warn({ err: error, job_id: jobId }, 'job lease not renewed or released; it expires by itself'),
      },
    });
    // The record key is the job id (the contract's), known before the record is decoded.
    const handler: DeliveryHandler = (record, { signal }) => gate.run(record.key, signal, () => inJobSpan(record, async () => {
      metrics.jobsInFlight.inc();
      try {
        const { delivery, outcome } = await executeJobRecord(jobDeps, record, signal);
        if (outcome.kind === 'completed' || outcome.kind === 'failed') {
          metrics.jobsProcessed.inc({ job_type: outcome.message.job_type, outcome: outcome.kind });
          metrics.jobDuration.observe({ job_type: outcome.message.job_type }, outcome.durationMs / 1000);
          if (outcome.error?.code === CANCELLED_ERROR_CODE) metrics.jobsCancelled.inc({ job_type: outcome.message.job_type });
          if (outcome.error?.code === TIMEOUT_ERROR_CODE) metrics.jobsTimedOut.inc({ job_type: outcome.message.job_type });
        } else if (outcome.kind === 'already-done') {
          metrics.jobsProcessed.inc({ job_type: outcome.message.job_type, outcome: 'already_done' });
        }
        return delivery;
      } finally {
        metrics.jobsInFlight.dec();
      }
    }));
    this.consumer = options.queue.createConsumer({
      groupId: options.groupId,
      topics: options.topics,
      handler: options.keyLimits ? options.keyLimits.wrap(handler) : handler,
      concurrency: options.concurrency,
      ...(options.lanes ? { lanes: options.lanes } : {}),
      ...(options.handlerAttempts !== undefined ? { handlerAttempts: options.handlerAttempts } : {}),
      deadLetterTopic: deadLetterTopicFor(options.topicTemplate),
      // The handler failed every attempt: the job ends failed (PROCESSING_FAILED) before its record is dead-lettered.
      onAttemptsExhausted: (record, failure) => failJobRecord(jobDeps, record, failure),
      events: {
        onHandlerError: (record, error, attempt) => {
          metrics.handlerErrors.inc();
          logger.error(
            { err: error, attempt, ...recordLogFields(record), topic: record.topic, partition: record.partition, offset: record.offset },
            'job handler failed; the record is tried again unless that was its last attempt',
          );
        },
        onDeadLetter: (record) => metrics.deadLettered.inc({ topic: record.topic }),
        onCrash: (_error, restarting) => metrics.consumerCrashes.inc({ restarting: String(restarting) }),
      },
    });
    const consumer = this.consumer;
    const lag = consumer.lag ? new SharedResult(() => consumer.lag!(), CONSUMER_LAG_CACHE_MS) : undefined;
    metrics.bindSources({
      ready: () => this.ready(),
      ...(lag ? { consumerLag: () => lag.get() } : {}),
      ...(lag && options.lanes ? { waitingByPriority: async () => waitingByPriority(await lag.get(), options.lanes!) } : {}),
    });
    this.responder = options.createProgressResponder(async (request) => {
      const reply = await answerProgress(options.statuses, request, now);
      const outcome = 'error' in reply ? ({ JOB_NOT_FOUND: 'not_found', INVALID_REQUEST: 'invalid', STATUS_UNAVAILABLE: 'unavailable' } as const)[reply.error.code] : 'ok';
      metrics.progressAnswered.inc({ outcome });
      return reply;
    });
    if (options.healthPort !== null) {
      this.health = new HealthServer({
        port: options.healthPort,
        registry: metrics.registry,
        notReady: () => this.notReady(),
        notAlive: () => this.notAlive(),
      });
    }
  }

  async start(): Promise<void> {
    if (this.health) this.healthPort = await this.health.start();
    await this.options.queue.ensureTopics(this.options.topics);
    await this.responder.start();
    await this.consumer.start();
    await this.options.keyLimits?.start();
    for (const loop of this.options.loops ?? []) await loop.start();
    this.options.logger.info(
      { topics: this.options.topics, group: this.options.groupId, concurrency: this.options.concurrency, health_port: this.healthPort },
      'worker started',
    );
  }

  /** The worker's metrics (also served on its health port). */
  get metrics(): WorkerMetrics {
    return this.options.metrics;
  }

  ready(): boolean {
    return !this.shuttingDown && this.consumer.ready() && this.responder.ready();
  }

  /**
   * Turns /readyz to 503 at once, before `close` drains: a process that stops other parts
   * first (the API host drains its requests) is out of rotation for the whole shutdown.
   */
  beginShutdown(): void {
    this.shuttingDown = true;
  }

  inFlight(): number {
    return this.consumer.inFlight();
  }

  /** Names of what has stopped for good (the consumer crashed beyond restarting); empty when alive. */
  notAlive(): string[] {
    return this.consumer.alive?.() === false ? ['job consumer stopped for good'] : [];
  }

  async notReady(): Promise<string[]> {
    const problems: string[] = [];
    if (this.shuttingDown) problems.push('shutting down');
    if (!this.consumer.ready()) problems.push('job consumer');
    if (!this.responder.ready()) problems.push('progress responder');
    // Every check at once, each bounded: a frozen store must not hold the probe past its timeout.
    const failed = await Promise.all(
      this.options.readiness.map((check) =>
        withinDeadline(Promise.resolve().then(() => check.check()), READINESS_CHECK_DEADLINE_MS, () => new Error(`no answer within ${READINESS_CHECK_DEADLINE_MS} ms`)).then(
          () => undefined,
          () => check.name,
        ),
      ),
    );
    problems.push(...failed.filter((name): name is string => name !== undefined));
    return problems;
  }

  /** Drains the consumer within the shutdown timeout, then stops the responder and the port. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.shuttingDown = true;
    const log = this.options.logger;
    const started = performance.now();
    const inFlight = this.consumer.inFlight();
    log.info({ in_flight: inFlight, timeout_ms: this.options.shutdownTimeoutMs }, 'worker stopping: draining in-flight jobs');
    await Promise.all((this.options.loops ?? []).map((loop) => loop.close()));
    await this.consumer.close({ drainTimeoutMs: this.options.shutdownTimeoutMs });
    // After the drain: jobs still running release their key slots through it.
    await this.options.keyLimits?.close();
    const drainedMs = performance.now() - started;
    this.options.metrics.shutdownDuration.set(drainedMs / 1000);
    log.info({ duration_ms: Math.round(drainedMs) }, 'worker drained');
    await this.responder.close();
    await this.health?.close();
    log.info({ duration_ms: Math.round(performance.now() - started) }, 'worker stopped');
  }
}
