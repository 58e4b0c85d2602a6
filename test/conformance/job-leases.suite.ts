import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { JobLeases } from '../../core/ports/index.js';
import { closeAfterEach } from '../support/closers.js';
import { waitFor } from '../support/wait-for.js';

export interface JobLeasesFixture {
  leases: JobLeases;
  cleanup(): Promise<void>;
}

/** The job-leases port's guarantees; every adapter runs this suite. */
export function describeJobLeasesConformance(adapter: string, create: () => Promise<JobLeasesFixture>): void {
  describe(`job leases conformance: ${adapter}`, () => {
    const onCleanup = closeAfterEach();
    async function leases() {
      const fixture = await create();
      onCleanup(() => fixture.cleanup());
      return fixture.leases;
    }

    it('gives a job to one holder at a time; the holder may take it again; release frees it', async () => {
      const l = await leases();
      const job = randomUUID();
      expect(await l.acquire(job, 'worker-a', 60_000)).toBe(true);
      expect(await l.acquire(job, 'worker-b', 60_000)).toBe(false);
      expect(await l.acquire(job, 'worker-a', 60_000)).toBe(true);
      // Another holder cannot free it.
      await l.release(job, 'worker-b');
      expect(await l.acquire(job, 'worker-b', 60_000)).toBe(false);
      await l.release(job, 'worker-a');
      expect(await l.acquire(job, 'worker-b', 60_000)).toBe(true);
    });

    it('grants exactly one of many racing holders', async () => {
      const l = await leases();
      const job = randomUUID();
      const granted = await Promise.all(Array.from({ length: 10 }, (_, i) => l.acquire(job, `worker-${i}`, 60_000)));
      expect(granted.filter(Boolean)).toHaveLength(1);
    });

    it('frees a lease nobody renews once its time is up (a dead holder), and the lapsed holder cannot renew it', async () => {
      const l = await leases();
      const job = randomUUID();
      expect(await l.acquire(job, 'dead-worker', 300)).toBe(true);
      await waitFor(async () => ((await l.acquire(job, 'live-worker', 60_000)) ? true : undefined), { what: 'the lease to expire', timeoutMs: 5_000 });
      expect(await l.renew(job, 'dead-worker', 60_000)).toBe(false);
      await l.release(job, 'dead-worker');
      expect(await l.acquire(job, 'another-worker', 60_000)).toBe(false);
    });

    it('keeps a renewed lease past its first time', async () => {
      const l = await leases();
      const job = randomUUID();
      expect(await l.acquire(job, 'worker-a', 400)).toBe(true);
      expect(await l.renew(job, 'worker-a', 60_000)).toBe(true);
      // Once the first 400 ms have surely passed, the renewed lease still holds.
      const taken = Date.now();
      await waitFor(() => (Date.now() - taken > 800 ? true : undefined), { what: 'the first term to pass', timeoutMs: 5_000 });
      expect(await l.acquire(job, 'worker-b', 60_000)).toBe(false);
      expect(await l.renew(job, 'worker-a', 60_000)).toBe(true);
    });
  });
}
