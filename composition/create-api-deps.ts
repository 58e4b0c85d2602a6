import { randomUUID } from 'node:crypto';
import { BulkOperations, deadLetterTopicFor, jobTopics, sharedJobStats } from '../core/domain/index.js';
import { jobTimeoutSettings, type Config } from '../config/index.js';
import { loadJobLimits } from '../config/job-limits.js';
import type { Logger, ProgressClient } from '../core/ports/index.js';
import type { ApiMetrics } from '../telemetry/index.js';
import type { PortAdapters } from './create-adapters.js';
import { createSubmitDeps } from './create-submit-deps.js';
import type { ApiDeps } from '../api/api-deps.js';
import { EventStreams } from '../api/events/event-streams.js';

/** Fills the handlers' dependencies from the chosen adapters. */
export function createApiDeps(options: {
  config: Config;
  adapters: PortAdapters;
  progress: ProgressClient;
  metrics: ApiMetrics;
  logger: Logger;
  accepting: () => boolean;
}): ApiDeps {
  const { config, adapters, logger } = options;
  const submit = createSubmitDeps({
    config,
    adapters,
    logger,
    events: {
      onEnqueueUnconfirmed: (jobType) => options.metrics.enqueueUnconfirmed.inc({ job_type: jobType }),
      onRepublished: (jobType) => options.metrics.jobsRepublished.inc({ job_type: jobType }),
    },
  });
  const deadLetters = {
    reader: adapters.deadLetters,
    topic: deadLetterTopicFor(config.KAFKA_TOPIC_TEMPLATE),
    queue: adapters.queue,
    topicTemplate: config.KAFKA_TOPIC_TEMPLATE,
    marks: adapters.deadLetterMarks,
  };
  return {
    submit,
    schedules: { schedules: adapters.schedules, now: () => new Date(), newId: randomUUID, logger },
    now: () => new Date(),
    statuses: adapters.statuses,
    stats: sharedJobStats(adapters.statuses, { now: () => new Date(), cacheMs: config.STATS_CACHE_MS, statusTtlSeconds: config.STATUS_TTL_SECONDS }),
    statusTtlSeconds: config.STATUS_TTL_SECONDS,
    results: adapters.results,
    fleet: {
      heartbeats: adapters.heartbeats,
      queue: adapters.queue,
      groupId: config.KAFKA_CONSUMER_GROUP,
      topics: jobTopics(config.KAFKA_TOPIC_TEMPLATE),
      delayed: adapters.delayed,
      keyLimits: { limits: loadJobLimits(), slots: adapters.keyLimits.slots, parked: adapters.keyLimits.delayed, topicTemplate: config.KAFKA_TOPIC_TEMPLATE },
      now: () => new Date(),
      logger,
    },
    deadLetters,
    progress: options.progress,
    bulk: new BulkOperations({
      operations: adapters.bulkOperations,
      statuses: adapters.statuses,
      results: adapters.results,
      submit,
      deadLetters,
      now: () => new Date(),
      newId: randomUUID,
      logger,
      staleAfterMs: config.BULK_OPERATION_STALE_MS,
      events: {
        onOperation: (kind, outcome) => options.metrics.bulkOperations.inc({ kind, outcome }),
        onJob: (kind, outcome) => options.metrics.bulkJobs.inc({ kind, outcome }),
      },
    }),
    progressRpcTimeoutMs: config.PROGRESS_RPC_TIMEOUT_MS,
    jobTypeFallbacks: {
      attempts: config.PROVIDER_MAX_ATTEMPTS,
      backoff: { initial_ms: config.PROVIDER_RETRY_INITIAL_MS, max_ms: config.PROVIDER_RETRY_MAX_MS },
      timeouts: jobTimeoutSettings(config),
      limits: loadJobLimits(),
      priorities: config.JOB_PRIORITY_OVERRIDES,
    },
    readiness: [
      ...adapters.readiness,
      {
        name: 'progress_rpc',
        check: async () => {
          if (!options.progress.ready()) throw new Error('progress RPC client is not connected');
        },
      },
    ],
    accepting: options.accepting,
    metrics: options.metrics,
    logger,
    jobEvents: adapters.jobEvents,
    eventStreams: new EventStreams({
      events: adapters.jobEvents,
      maxStreams: config.EVENT_STREAMS_MAX,
      heartbeatMs: config.EVENT_STREAM_HEARTBEAT_MS,
      metrics: options.metrics,
      logger: logger.child({ component: 'event-streams' }),
    }),
    webhooks: adapters.webhooks,
  };
}
