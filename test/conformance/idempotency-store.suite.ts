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
  job_type: 'weather',
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
      expect(await s.claim(key, record('two'), 60)).toEqual({ claimed: false, existing: first });
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

    it('releases a key only for the job that holds it', async () => {
      const s = await store();
      const key = uniqueName('key');
      const holder = record();
      await s.claim(key, holder, 60);
      await s.release(key, randomUUID());
      expect((await s.claim(key, record(), 60)).claimed).toBe(false);
      await s.release(key, holder.job_id);
      expect((await s.claim(key, record(), 60)).claimed).toBe(true);
    });

    it('forgets a key after its TTL', async () => {
      const s = await store();
      const key = uniqueName('key');
      await s.claim(key, record(), 1);
      await waitFor(async () => ((await s.claim(key, record(), 1)).claimed ? true : undefined), { timeoutMs: 5_000, what: 'expiry' });
    });
  });
}
