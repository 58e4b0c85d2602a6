import { randomUUID } from 'node:crypto';
import { jobTimeoutSettings, type Config } from '../config/index.js';
import type { SubmitEvents, SubmitJobDeps } from '../core/domain/index.js';
import type { Logger } from '../core/ports/index.js';
import type { PortAdapters } from './create-adapters.js';
import { createCallbackTargets } from './create-webhooks.js';

/** The submit path's dependencies, one for POST /v1/jobs and the schedule ticks alike. */
export function createSubmitDeps(options: { config: Config; adapters: PortAdapters; logger: Logger; events?: SubmitEvents }): SubmitJobDeps {
  const { config, adapters } = options;
  const callbackTargets = createCallbackTargets(config);
  return {
    statuses: adapters.statuses,
    queue: adapters.queue,
    delayed: adapters.delayed,
    idempotency: adapters.idempotency,
    topicTemplate: config.KAFKA_TOPIC_TEMPLATE,
    now: () => new Date(),
    newId: randomUUID,
    logger: options.logger,
    statusTtlSeconds: config.STATUS_TTL_SECONDS,
    timeouts: jobTimeoutSettings(config),
    priorities: config.JOB_PRIORITY_OVERRIDES,
    ...(options.events ? { events: options.events } : {}),
    ...(callbackTargets ? { callbackTargets } : {}),
  };
}
