import type { Config } from '../config/index.js';
import type {
  DeadLetterMarks,
  BulkOperationStore,
  DeadLetters,
  DelayedJobStore,
  HealthCheck,
  IdempotencyStore,
  JobEvents,
  JobLeases,
  JobQueue,
  Logger,
  ProgressClient,
  ProgressClientEvents,
  ProgressRequestHandler,
  ProgressResponder,
  ProgressResponderEvents,
  ResultStore,
  ScheduleStore,
  StatusStore,
  WebhookOutbox,
  WorkerHeartbeats,
} from '../core/ports/index.js';
import { createDeadLetters } from './create-dead-letters.js';
import { createJobQueue } from './create-job-queue.js';
import { createProgressRpc } from './create-progress-rpc.js';
import { createResultStore } from './create-result-store.js';
import { createStatusStores } from './create-status-stores.js';
import { createKeyLimitStores, type KeyLimitStores } from './create-key-limit-stores.js';
import { recordingJobEvents } from '../core/domain/index.js';

/** The adapter behind each port for one process, chosen from the configuration. */
export interface PortAdapters {
  statuses: StatusStore;
  idempotency: IdempotencyStore;
  /** Workers' leases on the jobs they run, so two workers do not run one job at once. */
  leases: JobLeases;
  /** Each job's status changes (log and live feed); every applied write to `statuses` appends to it. */
  jobEvents: JobEvents;
  /** Where workers say they are alive (instance, version, load), for GET /v1/fleet. */
  heartbeats: WorkerHeartbeats;
  results: ResultStore;
  /** Schedules: what each tick submits and where the ticks have got to. */
  schedules: ScheduleStore;
  /** Jobs submitted with a delay, until they are due: durable (MongoDB) when there is a durable store. */
  delayed: DelayedJobStore;
  /** The webhook outbox: deliveries of ended jobs with a callback_url, and how far each has got. */
  webhooks: WebhookOutbox;
  /** Bulk cancel, retry and replay operations with their targets, kept before any job is acted on. */
  bulkOperations: BulkOperationStore;
  queue: JobQueue;
  /** Reads the dead-letter topic (`jobs.dlq.v1`) for the operator views. */
  deadLetters: DeadLetters;
  /** Which dead letters were dealt with, kept durably when MongoDB is configured. */
  deadLetterMarks: DeadLetterMarks;
  /** `events` let the caller count connection changes and dropped messages. */
  createProgressClient(events?: ProgressClientEvents): ProgressClient;
  createProgressResponder(handler: ProgressRequestHandler, events?: ProgressResponderEvents): ProgressResponder;
  readiness: HealthCheck[];
  /** Where the key-limit gate parks jobs: the worker's gate writes them, the fleet view reads them. */
  keyLimits: KeyLimitStores;
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
  const stores = createStatusStores(config, logger);
  const rpc = createProgressRpc(config, logger);
  const resultStore = createResultStore(config, logger);
  const results = resultStore.results;
  const jobQueue = createJobQueue(config, logger);
  const queue = jobQueue.queue;
  const deadLetters = createDeadLetters(config, queue, logger);
  const keyLimits = createKeyLimitStores(config, logger.child({ component: 'key-limits' }));
  return {
    statuses: recordingJobEvents(stores.statuses, {
      events: stores.events,
      logger: logger.child({ component: 'job-events' }),
    }),
    jobEvents: stores.events,
    // Durable keys (MongoDB) when there is a durable store: Redis may lose its data.
    idempotency: resultStore.idempotency ?? stores.idempotency,
    leases: stores.leases,
    heartbeats: stores.heartbeats,
    results,
    schedules: resultStore.schedules,
    delayed: resultStore.delayed,
    webhooks: resultStore.webhooks,
    bulkOperations: resultStore.bulkOperations,
    queue,
    deadLetters,
    deadLetterMarks: resultStore.deadLetterMarks,
    createProgressClient: (events) => rpc.createClient(events),
    createProgressResponder: (handler, events) => rpc.createResponder(handler, events),
    readiness: [...jobQueue.readiness, ...stores.readiness, ...rpc.readiness, ...resultStore.readiness],
    inProcessQueue: jobQueue.inProcess,
    keyLimits,
    async init() {
      await resultStore.init();
    },
    async close() {
      await queue.close();
      await rpc.close();
      await Promise.allSettled([stores.close(), resultStore.close(), deadLetters.close(), keyLimits.onClose?.()]);
    },
  };
}
