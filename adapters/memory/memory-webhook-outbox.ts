import type { StoredWebhookDelivery, WebhookAttemptRecord, WebhookOutbox } from '../../core/ports/index.js';

/** Webhook deliveries in process memory, for a single process; every operation is atomic because none awaits. */
export class MemoryWebhookOutbox implements WebhookOutbox {
  private readonly deliveries = new Map<string, StoredWebhookDelivery>();

  async add(delivery: StoredWebhookDelivery): Promise<boolean> {
    if (this.deliveries.has(delivery.job_id)) return false;
    this.deliveries.set(delivery.job_id, { ...delivery });
    return true;
  }

  async get(jobId: string): Promise<StoredWebhookDelivery | undefined> {
    const found = this.deliveries.get(jobId);
    return found ? { ...found } : undefined;
  }

  async claimDue(now: Date, holder: string, leaseUntil: Date, limit: number): Promise<StoredWebhookDelivery[]> {
    const at = now.toISOString();
    const due = [...this.deliveries.values()]
      .filter((d) => d.state === 'pending' && (d.next_attempt_at ?? '') <= at && (d.lease_until === undefined || d.lease_until <= at))
      .sort((a, b) => (a.next_attempt_at ?? '').localeCompare(b.next_attempt_at ?? ''))
      .slice(0, limit);
    for (const delivery of due) Object.assign(delivery, { lease_holder: holder, lease_until: leaseUntil.toISOString() });
    return due.map((d) => ({ ...d }));
  }

  async recordAttempt(jobId: string, holder: string, attempt: WebhookAttemptRecord): Promise<boolean> {
    const found = this.deliveries.get(jobId);
    if (!found || found.lease_holder !== holder) return false;
    // What the last attempt left goes; this attempt's record says everything that holds now.
    const { job_id, webhook_id, callback_url, body, created_at } = found;
    this.deliveries.set(jobId, { job_id, webhook_id, callback_url, body, created_at, ...definedFields(attempt) });
    return true;
  }

  async countPending(): Promise<number> {
    return [...this.deliveries.values()].filter((d) => d.state === 'pending').length;
  }

  async close(): Promise<void> {}
}

function definedFields<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
