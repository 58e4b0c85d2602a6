import type { DeadLetterMarks, DeadLetters, HealthCheck, JobEvents, JobQueue, Logger, ProgressClient, ResultStore, StatusStore, WebhookOutbox } from '../core/ports/index.js';
import type { JobTypeFallbacks, StatsResponse } from '../contracts/index.js';
import type { BulkOperations, FleetDeps, ScheduleDeps, SubmitJobDeps } from '../core/domain/index.js';
import type { ApiMetrics } from '../telemetry/index.js';
import type { EventStreams } from './events/event-streams.js';

/** Everything the HTTP handlers need, as interfaces; a composition root fills it in. */
export interface ApiDeps {
  submit: SubmitJobDeps;
  schedules: ScheduleDeps;
  now: () => Date;
  statuses: StatusStore;
  /** GET /v1/stats's answer: validates the query, then one count at a time, kept STATS_CACHE_MS (sharedJobStats). */
  stats: (queryPairs: Iterable<[string, string]>) => Promise<StatsResponse>;
  /** How long statuses live (STATUS_TTL_SECONDS): the window the listing and the stats read live. */
  statusTtlSeconds: number;
  results: ResultStore;
  /** The dead-letter topic's reader, and the queue and topic template a replay publishes with. */
  deadLetters: { reader: DeadLetters; topic: string; queue: JobQueue; topicTemplate: string; marks: DeadLetterMarks };
  progress: ProgressClient;
  /** The workers' heartbeats and their group's lag, for GET /v1/fleet. */
  fleet: FleetDeps;
  /** Bulk cancel, retry and replay: started, described and resumed by the /v1/bulk routes; closed with the API. */
  bulk: BulkOperations;
  /** How long GET /v1/jobs/{id}/status waits for the progress RPC (PROGRESS_RPC_TIMEOUT_MS). */
  progressRpcTimeoutMs: number;
  /** Attempts and backoff of job types that declare none, for GET /v1/job-types. */
  jobTypeFallbacks: JobTypeFallbacks;
  readiness: HealthCheck[];
  /** False once shutdown began, so /readyz turns the instance out of rotation. */
  accepting: () => boolean;
  metrics: ApiMetrics;
  logger: Logger;
  /** Each job's status changes (its log and the live feed), for the event routes. */
  jobEvents: JobEvents;
  /** This instance's open event streams: their limit, heartbeats and shutdown. */
  eventStreams: EventStreams;
  /** The webhook outbox, read for the `webhook` of a job's status. */
  webhooks?: WebhookOutbox;
}
