import { deliverDueWebhooks, type DeliverWebhooksDeps } from '../core/domain/index.js';
import type { Logger } from '../core/ports/index.js';
import { PollingLoop } from './polling-loop.js';

/** How often the deliverer looks for due deliveries: an attempt starts at most this late. */
export const DEFAULT_WEBHOOK_POLL_MS = 1_000;
/** Deliveries one round sends at most, at once; a round that claimed this many looks again at once. */
const DEFAULT_BATCH = 20;

export interface WebhookDelivererOptions {
  deliver: DeliverWebhooksDeps;
  pollMs?: number;
  batch?: number;
  /** Counts a round that could not read or claim the due deliveries. */
  onRoundFailed?(): void;
  logger: Logger;
}

/**
 * Sends the outbox's due webhooks, in every worker, beside the job consumer and never in a job's
 * slot: the job's record was committed once its delivery was in the outbox. Deliveries are
 * claimed under a lease, so workers share them, and one claimed by a worker that died is taken
 * up by another once its lease lapses. Closing lets the round in progress finish (each attempt
 * has its deadline), so its answers are recorded.
 */
export class WebhookDeliverer extends PollingLoop {
  constructor(options: WebhookDelivererOptions) {
    super({
      name: 'webhook deliverer',
      round: (batch) => deliverDueWebhooks(options.deliver, batch),
      pollMs: options.pollMs ?? DEFAULT_WEBHOOK_POLL_MS,
      batch: options.batch ?? DEFAULT_BATCH,
      roundFailedMessage: 'could not claim the due webhook deliveries; the next round tries again',
      ...(options.onRoundFailed ? { onRoundFailed: options.onRoundFailed } : {}),
      startFields: { lease_ms: options.deliver.leaseMs },
      logger: options.logger,
    });
  }
}
