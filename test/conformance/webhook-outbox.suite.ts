import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { StoredWebhookDelivery, WebhookOutbox } from '../../core/ports/index.js';
import { closeAfterEach } from '../support/closers.js';

export interface WebhookOutboxFixture {
  outbox: WebhookOutbox;
  cleanup(): Promise<void>;
}

const T0 = new Date('2026-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

const delivery = (overrides: Partial<StoredWebhookDelivery> = {}): StoredWebhookDelivery => {
  const jobId = randomUUID();
  return {
    job_id: jobId,
    webhook_id: `msg_${jobId}`,
    callback_url: 'https://hooks.example.com/dtq',
    state: 'pending',
    attempts: 0,
    next_attempt_at: T0.toISOString(),
    body: '{"type":"job.completed"}',
    created_at: T0.toISOString(),
    ...overrides,
  };
};

/** The webhook-outbox port's guarantees; every adapter runs this suite. */
export function describeWebhookOutboxConformance(adapter: string, create: () => Promise<WebhookOutboxFixture>): void {
  describe(`webhook outbox conformance: ${adapter}`, () => {
    const onCleanup = closeAfterEach();
    async function outbox() {
      const fixture = await create();
      onCleanup(() => fixture.cleanup());
      return fixture.outbox;
    }

    it('keeps the first delivery of a job as it was added; a second add changes nothing', async () => {
      const o = await outbox();
      const first = delivery();
      expect(await o.add(first)).toBe(true);
      expect(await o.add({ ...first, body: '{"other":true}', callback_url: 'https://elsewhere.example.com/' })).toBe(false);
      expect(await o.get(first.job_id)).toEqual(first);
      expect(await o.get(randomUUID())).toBeUndefined();
    });

    it('claims due pending deliveries, earliest first, within the limit, and none twice while the lease holds', async () => {
      const o = await outbox();
      const later = delivery({ next_attempt_at: at(2_000).toISOString() });
      const earlier = delivery({ next_attempt_at: at(1_000).toISOString() });
      const notYet = delivery({ next_attempt_at: at(60_000).toISOString() });
      const done = delivery({ state: 'delivered', next_attempt_at: at(0).toISOString() });
      for (const each of [later, earlier, notYet, done]) await o.add(each);

      const first = await o.claimDue(at(5_000), 'a', at(15_000), 1);
      expect(first.map((d) => d.job_id)).toEqual([earlier.job_id]);
      const rest = await o.claimDue(at(5_000), 'b', at(15_000), 10);
      expect(rest.map((d) => d.job_id)).toEqual([later.job_id]);
      expect(rest[0]).toMatchObject({ lease_holder: 'b', lease_until: at(15_000).toISOString() });
      expect(await o.claimDue(at(10_000), 'c', at(20_000), 10)).toEqual([]);
    });

    it('lets another holder claim a delivery whose lease lapsed, and then refuses the old holder\'s attempt', async () => {
      const o = await outbox();
      const d = delivery();
      await o.add(d);
      expect(await o.claimDue(at(0), 'dead', at(10_000), 10)).toHaveLength(1);
      const retaken = await o.claimDue(at(10_000), 'alive', at(20_000), 10);
      expect(retaken.map((x) => x.job_id)).toEqual([d.job_id]);
      expect(await o.recordAttempt(d.job_id, 'dead', { attempts: 1, state: 'delivered', last_attempt_at: at(10_500).toISOString(), last_status_code: 200 })).toBe(false);
      expect(await o.recordAttempt(d.job_id, 'alive', { attempts: 1, state: 'delivered', last_attempt_at: at(11_000).toISOString(), last_status_code: 204, delivered_at: at(11_000).toISOString() })).toBe(true);
      const stored = await o.get(d.job_id);
      expect(stored).toMatchObject({ state: 'delivered', attempts: 1, last_status_code: 204, delivered_at: at(11_000).toISOString() });
      expect(stored?.lease_holder).toBeUndefined();
      expect(stored?.next_attempt_at).toBeUndefined();
    });

    it('records a failed attempt with its next time, replacing the last answer, and counts the pending ones', async () => {
      const o = await outbox();
      const d = delivery();
      await o.add(d);
      const pendingBefore = await o.countPending();
      await o.claimDue(at(0), 'a', at(10_000), 10);
      expect(await o.recordAttempt(d.job_id, 'a', { attempts: 1, state: 'pending', last_attempt_at: at(100).toISOString(), last_error: 'ECONNREFUSED', next_attempt_at: at(30_000).toISOString() })).toBe(true);
      expect(await o.get(d.job_id)).toMatchObject({ attempts: 1, state: 'pending', last_error: 'ECONNREFUSED', next_attempt_at: at(30_000).toISOString() });
      // Released: due again at its next time, not before.
      expect(await o.claimDue(at(20_000), 'b', at(40_000), 10)).toEqual([]);
      expect((await o.claimDue(at(30_000), 'b', at(40_000), 10)).map((x) => x.job_id)).toEqual([d.job_id]);
      expect(await o.recordAttempt(d.job_id, 'b', { attempts: 2, state: 'given_up', last_attempt_at: at(30_100).toISOString(), last_status_code: 503, given_up_at: at(30_100).toISOString() })).toBe(true);
      const stored = await o.get(d.job_id);
      expect(stored).toMatchObject({ attempts: 2, state: 'given_up', last_status_code: 503 });
      expect(stored?.last_error).toBeUndefined();
      expect(await o.countPending()).toBe(pendingBefore - 1);
    });

    it('gives each due delivery to one of many racing holders', async () => {
      const o = await outbox();
      const many = Array.from({ length: 5 }, () => delivery());
      for (const each of many) await o.add(each);
      const claims = await Promise.all(Array.from({ length: 4 }, (_, i) => o.claimDue(at(0), `worker-${i}`, at(10_000), 10)));
      const claimed = claims.flat().map((d) => d.job_id).filter((id) => many.some((m) => m.job_id === id));
      expect(new Set(claimed)).toEqual(new Set(many.map((m) => m.job_id)));
    });
  });
}
