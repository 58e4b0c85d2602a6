import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DelayedJobStore, HeldJob } from '../../core/ports/index.js';
import { closeAfterEach } from '../support/closers.js';

export interface DelayedJobsFixture {
  delayed: DelayedJobStore;
  cleanup(): Promise<void>;
}

function heldJob(runAt: Date, jobId = randomUUID()): HeldJob {
  return {
    job_id: jobId,
    run_at: runAt.toISOString(),
    record: { topic: 'jobs.weather.v1', key: jobId, value: Buffer.from(JSON.stringify({ job_id: jobId, note: 'é ✓' })), headers: { 'content-type': 'application/json' } },
  };
}

const claimAt = (now: Date, holder = 'worker-a', limit = 100, leaseMs = 60_000) => ({ now, holder, leaseMs, limit });

/** The delayed-jobs port's guarantees; every adapter runs this suite. */
export function describeDelayedJobsConformance(adapter: string, create: () => Promise<DelayedJobsFixture>): void {
  describe(`delayed jobs conformance: ${adapter}`, () => {
    const onCleanup = closeAfterEach();
    async function store() {
      const fixture = await create();
      onCleanup(() => fixture.cleanup());
      return fixture.delayed;
    }

    it('keeps a job until it is due, then gives back its record byte for byte', async () => {
      const d = await store();
      const now = new Date();
      const job = heldJob(new Date(now.getTime() + 60_000));
      await d.hold(job);
      expect(await d.claimDue(claimAt(now))).toEqual([]);
      const claimed = await d.claimDue(claimAt(new Date(now.getTime() + 60_000)));
      expect(claimed).toHaveLength(1);
      expect(claimed[0]).toMatchObject({ job_id: job.job_id, run_at: job.run_at, record: { topic: job.record.topic, key: job.record.key, headers: job.record.headers } });
      expect(claimed[0]!.record.value.equals(job.record.value)).toBe(true);
    });

    it('holds a job id once however often it is held (a retried submit)', async () => {
      const d = await store();
      const job = heldJob(new Date(Date.now() - 1_000));
      await d.hold(job);
      await d.hold({ ...job, run_at: new Date(Date.now() + 60_000).toISOString() });
      expect(await d.count()).toBe(1);
      expect((await d.claimDue(claimAt(new Date()))).map((j) => j.run_at)).toEqual([job.run_at]);
    });

    it('counts the held jobs and names the earliest run_at, due or not', async () => {
      const d = await store();
      expect(await d.count()).toBe(0);
      expect(await d.earliestRunAt()).toBeUndefined();
      const base = Date.now();
      const jobs = [30, -5, 10].map((s) => heldJob(new Date(base + s * 1_000)));
      for (const job of jobs) await d.hold(job);
      expect(await d.count()).toBe(3);
      expect(await d.earliestRunAt()).toBe(jobs[1]!.run_at);
      await d.remove(jobs[1]!.job_id);
      expect(await d.earliestRunAt()).toBe(jobs[2]!.run_at);
    });

    it('claims due jobs earliest first, up to the limit', async () => {
      const d = await store();
      const base = Date.now() - 10_000;
      const jobs = [3, 1, 2].map((s) => heldJob(new Date(base + s * 1_000)));
      for (const job of jobs) await d.hold(job);
      const claimed = await d.claimDue(claimAt(new Date(), 'worker-a', 2));
      expect(claimed.map((j) => j.job_id)).toEqual([jobs[1]!.job_id, jobs[2]!.job_id]);
    });

    it('gives each due job to one of many racing hand-overs', async () => {
      const d = await store();
      const past = new Date(Date.now() - 1_000);
      const jobs = Array.from({ length: 30 }, () => heldJob(past));
      for (const job of jobs) await d.hold(job);
      const now = new Date();
      const claims = await Promise.all(Array.from({ length: 5 }, (_, i) => d.claimDue(claimAt(now, `worker-${i}`, 30))));
      const ids = claims.flat().map((j) => j.job_id);
      expect(ids.sort()).toEqual(jobs.map((j) => j.job_id).sort());
    });

    it('a claim not marked handed over lapses and the job is claimed again; a lapsed claim removes nothing', async () => {
      const d = await store();
      const now = new Date();
      const job = heldJob(new Date(now.getTime() - 1_000));
      await d.hold(job);
      const first = await d.claimDue(claimAt(now, 'dead-worker', 10, 5_000));
      expect(first).toHaveLength(1);
      expect(await d.claimDue(claimAt(new Date(now.getTime() + 4_000), 'live-worker'))).toEqual([]);
      // The lease runs from the claim's write, a moment after its `now`.
      const second = await d.claimDue(claimAt(new Date(now.getTime() + 6_000), 'live-worker'));
      expect(second.map((j) => j.job_id)).toEqual([job.job_id]);
      expect(second[0]!.claim).not.toBe(first[0]!.claim);
      await d.handedOver(first);
      expect(await d.count()).toBe(1);
      await d.handedOver(second);
      expect(await d.count()).toBe(0);
    });

    it('removes a waiting job so it is never claimed, giving it back; removing it again finds nothing', async () => {
      const d = await store();
      const job = heldJob(new Date(Date.now() + 1_000));
      await d.hold(job);
      const removed = await d.remove(job.job_id);
      expect(removed).toMatchObject({ job_id: job.job_id, run_at: job.run_at });
      expect(removed!.record.value.equals(job.record.value)).toBe(true);
      expect(await d.remove(job.job_id)).toBeUndefined();
      expect(await d.claimDue(claimAt(new Date(Date.now() + 2_000)))).toEqual([]);
    });
  });
}
