import { Counter, Gauge, type Registry } from 'prom-client';

/** The webhook deliverer's metrics, on the worker's registry. */
export function createWebhookMetrics(registry: Registry) {
  let pendingSource: (() => Promise<number>) | undefined;
  return {
    /** Connects the pending gauge to the outbox, read at scrape time. */
    bindPending(source: () => Promise<number>): void {
      pendingSource = source;
    },
    deliveries: new Counter({
      name: 'dtq_worker_webhook_deliveries_total',
      help: 'Webhook deliveries that ended, by outcome (delivered: a 2xx answered; given_up: every attempt of the retry schedule failed)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    attempts: new Counter({
      name: 'dtq_worker_webhook_attempts_total',
      help: 'Webhook attempts this worker made, by outcome (delivered, retrying, given_up)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    pending: new Gauge({
      name: 'dtq_worker_webhook_deliveries_pending',
      help: 'Webhook deliveries waiting for their next attempt, in the whole outbox (all workers)',
      registers: [registry],
      async collect() {
        const pending = await pendingSource?.().catch(() => undefined);
        if (pending !== undefined) this.set(pending);
      },
    }),
    leasesLost: new Counter({
      name: 'dtq_worker_webhook_leases_lost_total',
      help: 'Webhook attempts whose answer was not kept because their lease lapsed and another deliverer took the delivery',
      registers: [registry],
    }),
    roundsFailed: new Counter({
      name: 'dtq_worker_webhook_rounds_failed_total',
      help: 'Rounds of the webhook deliverer that could not claim the due deliveries (the outbox failed); the next round tries again',
      registers: [registry],
    }),
  };
}
export type WebhookMetrics = ReturnType<typeof createWebhookMetrics>;
