import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Config } from '../config/index.js';
import { recordJobEnded, type ExecuteJobDeps } from '../core/domain/index.js';
import type { CallbackTargets, Logger } from '../core/ports/index.js';
import { CheckedCallbackTargets, createWebhookSender } from '../adapters/webhooks/index.js';
import type { WorkerMetrics } from '../telemetry/index.js';
import { WebhookDeliverer } from '../worker/webhook-deliverer.js';
import type { PortAdapters } from './create-adapters.js';

/** The callback rules of this deployment; undefined without WEBHOOK_SECRET, which refuses every callback_url. */
export function createCallbackTargets(config: Config): CallbackTargets | undefined {
  if (!config.WEBHOOK_SECRET) return undefined;
  return new CheckedCallbackTargets(config.CALLBACK_ALLOWED_HOSTS ? { allowedHosts: config.CALLBACK_ALLOWED_HOSTS } : {});
}

/**
 * The worker's webhook parts: the hook that records a finished job's delivery in the outbox
 * before its record is committed, and the deliverer loop that sends them (none without
 * WEBHOOK_SECRET: deliveries then wait in the outbox, pending, and the start-up log says why).
 */
export function createWorkerWebhooks(options: { config: Config; adapters: PortAdapters; metrics: WorkerMetrics; logger: Logger }): {
  onJobEnded: NonNullable<ExecuteJobDeps['onJobEnded']>;
  deliverer: WebhookDeliverer | undefined;
} {
  const { config, adapters, metrics } = options;
  const logger = options.logger.child({ component: 'webhooks' });
  const onJobEnded: NonNullable<ExecuteJobDeps['onJobEnded']> = (message, result) =>
    recordJobEnded({ outbox: adapters.webhooks, now: () => new Date(), logger }, message, result);
  metrics.webhooks.bindPending(() => adapters.webhooks.countPending());
  const targets = createCallbackTargets(config);
  // The start-up line says webhooks are off (describeAdapters); a line of its own here would
  // come before it and push it from its place as the first.
  if (!config.WEBHOOK_SECRET || !targets) return { onJobEnded, deliverer: undefined };
  const deliverer = new WebhookDeliverer({
    deliver: {
      outbox: adapters.webhooks,
      send: createWebhookSender({ secret: config.WEBHOOK_SECRET, targets, timeoutMs: config.WEBHOOK_TIMEOUT_MS }),
      retryScheduleMs: config.WEBHOOK_RETRY_SCHEDULE_MS,
      holder: `${hostname()}/${process.pid}/${randomUUID()}`,
      // Twice an attempt's deadline: the attempt and the write of its answer end well within it.
      leaseMs: 2 * config.WEBHOOK_TIMEOUT_MS,
      now: () => new Date(),
      random: Math.random,
      logger,
      events: {
        onAttempt: (outcome) => {
          metrics.webhooks.attempts.inc({ outcome });
          if (outcome !== 'retrying') metrics.webhooks.deliveries.inc({ outcome });
        },
        onLeaseLost: () => metrics.webhooks.leasesLost.inc(),
      },
    },
    pollMs: config.WEBHOOK_POLL_MS,
    onRoundFailed: () => metrics.webhooks.roundsFailed.inc(),
    logger,
  });
  return { onJobEnded, deliverer };
}
