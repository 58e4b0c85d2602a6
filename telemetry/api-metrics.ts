import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The API's metrics, on a registry of its own so /metrics shows only the API. */
export function createApiMetrics(options: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'dtq_api_' });
  return {
    registry,
    httpRequests: new Counter({
      name: 'dtq_api_http_requests_total',
      help: 'HTTP requests answered, by route, method and status code',
      labelNames: ['route', 'method', 'status'] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'dtq_api_http_request_duration_seconds',
      help: 'HTTP request duration in seconds, by route and method',
      labelNames: ['route', 'method'] as const,
      // Past the 5 s submit deadline too, so an answer that overran it shows by how much.
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    jobsSubmitted: new Counter({
      name: 'dtq_api_jobs_submitted_total',
      help: 'Jobs accepted by submit, by job type; idempotent replays are counted as replayed',
      labelNames: ['job_type', 'replayed'] as const,
      registers: [registry],
    }),
    enqueueUnconfirmed: new Counter({
      name: 'dtq_api_enqueue_unconfirmed_total',
      help: 'Submits answered 503 because the job queue did not confirm the job (it stays queued; a retry with its Idempotency-Key finishes it), by job type',
      labelNames: ['job_type'] as const,
      registers: [registry],
    }),
    jobsRepublished: new Counter({
      name: 'dtq_api_jobs_republished_total',
      help: 'Idempotent replays that found their job unconfirmed and published it again, by job type',
      labelNames: ['job_type'] as const,
      registers: [registry],
    }),
    jobCancels: new Counter({
      name: 'dtq_api_job_cancels_total',
      help: 'Cancel requests recorded, by job type and the state the job was in (queued: it ended at once; running: its worker ends it at the next milestone)',
      labelNames: ['job_type', 'previous_state'] as const,
      registers: [registry],
    }),
    jobRetries: new Counter({
      name: 'dtq_api_job_retries_total',
      help: 'Failed jobs submitted again as new jobs, by job type; idempotent repeats are counted as replayed',
      labelNames: ['job_type', 'replayed'] as const,
      registers: [registry],
    }),
    deadLetterReplays: new Counter({
      name: 'dtq_api_dead_letter_replays_total',
      help: 'Dead-letter replay requests by outcome: replayed (back on its topic), invalid (still breaks the contract), job_done (its job has a result), not_found',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    batchItems: new Counter({
      name: 'dtq_api_batch_items_total',
      help: 'Items of POST /v1/jobs/batch by outcome: accepted (submitted), rejected (answered with its error in place), replayed (an Idempotency-Key repeat)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    bulkOperations: new Counter({
      name: 'dtq_api_bulk_operations_total',
      help: 'Bulk operations by kind (cancel, retry, replay) and outcome: started, replayed (an Idempotency-Key repeat), resumed, finished, interrupted',
      labelNames: ['kind', 'outcome'] as const,
      registers: [registry],
    }),
    bulkJobs: new Counter({
      name: 'dtq_api_bulk_jobs_total',
      help: 'Jobs a bulk operation acted on, by kind and outcome (cancelled, already_cancelled, not_cancellable, retried, not_retryable, replayed, invalid, job_done, not_found)',
      labelNames: ['kind', 'outcome'] as const,
      registers: [registry],
    }),
    authFailures: new Counter({
      name: 'dtq_api_auth_failures_total',
      help: 'Requests refused by the API-key check, by route and reason (missing: 401, invalid: 403)',
      labelNames: ['route', 'reason'] as const,
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: 'dtq_api_rate_limited_total',
      help: 'Requests refused 429, by route and reason (requests: a caller over API_RATE_LIMIT_PER_MINUTE; auth_failures: an address over API_AUTH_FAILURES_PER_MINUTE)',
      labelNames: ['route', 'reason'] as const,
      registers: [registry],
    }),
    progressRpcCalls: new Counter({
      name: 'dtq_api_progress_rpc_total',
      help: 'Progress RPC calls by outcome: ok, not_found, timeout, unavailable',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    progressRpcConnection: new Counter({
      name: 'dtq_api_progress_rpc_connection_events_total',
      help: 'Progress RPC client connection changes: connected, reconnected, disconnected',
      labelNames: ['event'] as const,
      registers: [registry],
    }),
    progressRepliesDropped: new Counter({
      name: 'dtq_api_progress_rpc_replies_dropped_total',
      help: 'Progress replies dropped by the client: invalid (broke the contract), unmatched (no caller waiting)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    eventStreamsOpen: new Gauge({
      name: 'dtq_api_event_streams_open',
      help: 'Event streams (SSE) open on this instance, by stream (job: one job\'s, all: every job\'s)',
      labelNames: ['stream'] as const,
      registers: [registry],
    }),
    eventStreamsClosed: new Counter({
      name: 'dtq_api_event_streams_closed_total',
      help: 'Event streams ended, by stream and reason: final (the job finished), client (it went away), slow (its reader fell too far behind), shutdown, resync (the all-jobs stream after the live feed was interrupted), error',
      labelNames: ['stream', 'reason'] as const,
      registers: [registry],
    }),
    eventStreamsRefused: new Counter({
      name: 'dtq_api_event_streams_refused_total',
      help: 'Event streams refused 503 because EVENT_STREAMS_MAX were open',
      registers: [registry],
    }),
    eventsSent: new Counter({
      name: 'dtq_api_events_sent_total',
      help: 'Job events written to event streams, by stream',
      labelNames: ['stream'] as const,
      registers: [registry],
    }),
    eventsDropped: new Counter({
      name: 'dtq_api_events_dropped_total',
      help: 'Job events a slow reader of the all-jobs stream never got because a newer state of the same job replaced them',
      labelNames: ['stream'] as const,
      registers: [registry],
    }),
    eventDelay: new Histogram({
      name: 'dtq_api_event_delay_seconds',
      help: 'From a status change (its updated_at) to its event being handed to a stream, by stream',
      labelNames: ['stream'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}
export type ApiMetrics = ReturnType<typeof createApiMetrics>;
