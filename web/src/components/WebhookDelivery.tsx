import type { WebhookDeliveryView } from '../../../contracts/webhooks.js';
import { Facts, type FactRow } from './Facts.js';
import { formatTime } from './format.js';

const STATE_WORDS: Record<WebhookDeliveryView['state'], string> = {
  pending: 'waiting for its next attempt',
  delivered: 'delivered',
  given_up: 'given up: every attempt failed',
};

/** The job's webhook delivery: where it goes, how far it got, what the receiver last answered. */
export function WebhookDelivery({ webhook }: { webhook: WebhookDeliveryView }) {
  const lastAnswer = webhook.last_status_code !== undefined ? `HTTP ${webhook.last_status_code}` : (webhook.last_error ?? '—');
  const rows: FactRow[] = [
    ['Callback URL', <code key="url">{webhook.callback_url}</code>],
    ['Delivery', STATE_WORDS[webhook.state]],
    ['Attempts', String(webhook.attempts)],
    ['Last answer', lastAnswer],
    ['Last attempt', formatTime(webhook.last_attempt_at)],
    ...(webhook.next_attempt_at ? [['Next attempt', formatTime(webhook.next_attempt_at)] satisfies FactRow] : []),
    ...(webhook.delivered_at ? [['Delivered', formatTime(webhook.delivered_at)] satisfies FactRow] : []),
    ...(webhook.given_up_at ? [['Given up', formatTime(webhook.given_up_at)] satisfies FactRow] : []),
    ['Webhook id', <code key="id">{webhook.webhook_id}</code>],
  ];
  return (
    <section className="card" aria-labelledby="webhook-heading">
      <h3 id="webhook-heading">Webhook</h3>
      <Facts rows={rows} />
    </section>
  );
}
