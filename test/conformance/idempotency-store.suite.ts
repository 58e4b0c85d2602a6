import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { closeAfterEach } from '../support/closers.js';
import type { IdempotencyRecord, IdempotencyStore } from '../../core/ports/index.js';
import { uniqueName } from '../support/unique.js';
import { waitFor } from '../support/wait-for.js';

export interface IdempotencyStoreFixture {
  store: IdempotencyStore;
  cleanup(): Promise<void>;
}

const record = (fingerprint = 'abc'): IdempotencyRecord => ({
  job_id: randomUUID(),
  fingerprint,
  trace_id: randomUUID(),
  submitted_at: '2026-01-01T00:00:00.000Z',
});

/** The idempotency-store port's guarantees; every adapter runs this suite. */
export function describeIdempotencyStoreConformance(adapter: string, create: () => Promise<IdempotencyStoreFixture>): void {
  describe(`idempotency store conformance: ${adapter}`, () => {
    const onCleanup = closeAfterEach();
    async function store() {
      const fixture = await create();
      onCleanup(() => fixture.cleanup());
      return fixture.store;
    }

    it('lets the first claim win and shows later claims the original record', async () => {
      const s = await store();
      const key = uniqueName('key');
      const first = record('one');
      expect(await s.claim(key, first, 60)).toEqual({ claimed: true });
      expect(await s.claim(key, record('two'), 60)).toEqual({ claimed: false, existing: { ...first, enqueued: false } });
    });

    it('grants exactly one of many racing claims', async () => {
      const s = await store();
      const key = uniqueName('key');
      const results = await Promise.all(Array.from({ length: 25 }, () => s.claim(key, record(), 60)));
      const winners = results.filter((r) => r.claimed);
      expect(winners).toHaveLength(1);
      const jobIds = new Set(results.flatMap((r) => (r.claimed ? [] : [r.existing.job_id])));
      expect(jobIds.size).toBe(1);
    });

    it('settles racing claims on many keys at once, one winner per key', async () => {
      // Many keys, so on a cluster they live on every node and in many slots.
      const s = await store();
      const keys = Array.from({ length: 20 }, () => uniqueName('key'));
      const results = await Promise.all(keys.map((key) => Promise.all([s.claim(key, record(), 60), s.claim(key, record(), 60), s.claim(key, record(), 60)])));
      expect(results.map((racers) => racers.filter((r) => r.claimed).length)).toEqual(keys.map(() => 1));
    });

    it('marks a key enqueued only for the job that holds it, and never releases it', async () => {
      const s = await store();
      const key = uniqueName('key');
      const holder = record();
      await s.claim(key, holder, 60);
      expect(await s.get(key)).toEqual({ ...holder, enqueued: false });
      expect(await s.markEnqueued(key, randomUUID())).toBe(false);
      expect(await s.get(key)).toEqual({ ...holder, enqueued: false });
      expect(await s.markEnqueued(key, holder.job_id)).toBe(true);
      expect(await s.markEnqueued(key, holder.job_id)).toBe(true);
      expect(await s.get(key)).toEqual({ ...holder, enqueued: true });
      expect(await s.claim(key, record(), 60)).toEqual({ claimed: false, existing: { ...holder, enqueued: true } });
    });

    it('knows nothing of a key never claimed, and marks none', async () => {
      const s = await store();
      const key = uniqueName('key');
      expect(await s.get(key)).toBeUndefined();
      expect(await s.markEnqueued(key, randomUUID())).toBe(false);
      expect(await s.get(key)).toBeUndefined();
      expect((await s.claim(key, record(), 60)).claimed).toBe(true);
    });

    it('shows every racing marker and reader the one record, marked once', async () => {
      const s = await store();
      const key = uniqueName('key');
      const holder = record();
      await s.claim(key, holder, 60);
      const marks = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? s.markEnqueued(key, holder.job_id) : s.get(key))));
      expect(marks.filter((m) => m === true)).toHaveLength(5);
      for (const read of marks.filter((m) => typeof m === 'object')) expect(read).toMatchObject({ ...holder });
      expect(await s.get(key)).toEqual({ ...holder, enqueued: true });
    });

    it('forgets a key after its TTL', async () => {
      const s = await store();
      const key = uniqueName('key');
      await s.claim(key, record(), 1);
      await waitFor(async () => ((await s.claim(key, record(), 1)).claimed ? true : undefined), { timeoutMs: 5_000, what: 'expiry' });
    });

    it('keeps the TTL when marking a key enqueued', async () => {
      const s = await store();
      const key = uniqueName('key');
      const holder = record();
      await s.claim(key, holder, 1);
      expect(await s.markEnqueued(key, holder.job_id)).toBe(true);
      await waitFor(async () => ((await s.get(key)) === undefined ? true : undefined), { timeoutMs: 5_000, what: 'expiry of the marked key' });
      expect(await s.markEnqueued(key, holder.job_id)).toBe(false);
    });
  });
}
