import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { closeAfterEach } from '../support/closers.js';
import { JobStatusSchema } from '../../contracts/index.js';
import type { StatusStore, StatusWrite } from '../../core/ports/index.js';
import { waitFor } from '../support/wait-for.js';

export interface StatusStoreFixture {
  store: StatusStore;
  cleanup(): Promise<void>;
}

const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();

function queued(jobId: string, second: number, overrides: Partial<StatusWrite> = {}): StatusWrite {
  return {
    job_id: jobId,
    state: 'queued',
    progress_percent: 0,
    message: 'queued',
    updated_at: at(second),
    submitted_at: at(second),
    trace_id: randomUUID(),
    job_type: 'weather',
    label: 'Zürich, CH',
    ...overrides,
  };
}

/** The status-store port's guarantees; every adapter runs this suite. */
export function describeStatusStoreConformance(
  adapter: string,
  create: (options: { ttlSeconds?: number }) => Promise<StatusStoreFixture>,
): void {
  describe(`status store conformance: ${adapter}`, () => {
    const onCleanup = closeAfterEach();
    async function store(options: { ttlSeconds?: number } = {}) {
      const fixture = await create(options);
      onCleanup(() => fixture.cleanup());
      return fixture.store;
    }

    it('round-trips every contract field', async () => {
      const s = await store();
      const jobId = randomUUID();
      const write = queued(jobId, 1);
      expect(await s.write(write)).toEqual({ applied: true, cancelRequested: false });
      const read = await s.get(jobId);
      expect(JobStatusSchema.parse(read)).toEqual({ ...write });
      expect(await s.get(randomUUID())).toBeNull();
    });

    it('keeps job fields (the label too) across later writes and records error fields', async () => {
      const s = await store();
      const jobId = randomUUID();
      const first = queued(jobId, 1);
      await s.write(first);
      await s.write({ job_id: jobId, state: 'running', progress_percent: 50, message: 'calling provider', updated_at: at(2) });
      await s.write({ job_id: jobId, state: 'failed', progress_percent: 50, message: 'failed', updated_at: at(3), error_code: 'CITY_NOT_FOUND', error_message: 'no such city' });
      expect(await s.get(jobId)).toEqual({
        ...first,
        state: 'failed',
        progress_percent: 50,
        message: 'failed',
        updated_at: at(3),
        error_code: 'CITY_NOT_FOUND',
        error_message: 'no such city',
      });
    });

    it('records each milestone\'s time beside the others, and not from a refused write', async () => {
      const s = await store();
      const jobId = randomUUID();
      await s.write(queued(jobId, 1, { milestones: { '0': at(1) } }));
      await s.write({ job_id: jobId, state: 'running', progress_percent: 20, message: 'started', updated_at: at(2), milestones: { '20': at(2) } });
      await s.write({ job_id: jobId, state: 'running', progress_percent: 50, message: 'calling', updated_at: at(3), milestones: { '50': at(3) } });
      // A late write of an earlier milestone is refused, its time with it.
      expect(await s.write({ job_id: jobId, state: 'running', progress_percent: 20, message: 'late', updated_at: at(4), milestones: { '20': at(4) } })).toEqual({ applied: false, cancelRequested: false });
      await s.write({ job_id: jobId, state: 'completed', progress_percent: 100, message: 'completed', updated_at: at(5), milestones: { '100': at(5) } });
      const read = JobStatusSchema.parse(await s.get(jobId));
      expect(read.milestones).toEqual({ '0': at(1), '20': at(2), '50': at(3), '100': at(5) });
      // What a read answers is a copy: changing it changes nothing stored.
      read.milestones!['80'] = at(9);
      expect((await s.get(jobId))?.milestones?.['80']).toBeUndefined();
    });

    it('never moves progress or state backwards, and keeps terminal states final', async () => {
      const s = await store();
      const jobId = randomUUID();
      await s.write(queued(jobId, 1));
      await s.write({ job_id: jobId, state: 'running', progress_percent: 80, message: 'storing', updated_at: at(3) });
      expect(await s.write({ job_id: jobId, state: 'running', progress_percent: 50, message: 'late', updated_at: at(4) })).toEqual({ applied: false, cancelRequested: false });
      expect(await s.write({ job_id: jobId, state: 'queued', progress_percent: 80, message: 'back', updated_at: at(4) })).toEqual({ applied: false, cancelRequested: false });
      expect((await s.get(jobId))?.progress_percent).toBe(80);
      await s.write({ job_id: jobId, state: 'completed', progress_percent: 100, message: 'completed', updated_at: at(5) });
      expect(await s.write({ job_id: jobId, state: 'failed', progress_percent: 100, message: 'x', updated_at: at(6) })).toEqual({ applied: false, cancelRequested: false });
      expect(await s.get(jobId)).toMatchObject({ state: 'completed', progress_percent: 100, message: 'completed' });
    });

    it('settles concurrent writes on the furthest progress', async () => {
      const s = await store();
      const jobId = randomUUID();
      await s.write(queued(jobId, 1));
      const order = [50, 20, 80, 20, 50, 80, 20];
      await Promise.all(order.map((p, i) => s.write({ job_id: jobId, state: 'running', progress_percent: p, message: `p${p}`, updated_at: at(10 + i) })));
      expect((await s.get(jobId))?.progress_percent).toBe(80);
    });

    it('hands an applied write\'s stored status to onApplied, before the write resolves, and nothing for a refused one', async () => {
      const s = await store();
      const jobId = randomUUID();
      const seen: Array<Record<string, unknown>> = [];
      const onApplied = async (stored: Record<string, unknown>) => void seen.push(stored);
      const scheduleId = randomUUID();
      const first = queued(jobId, 1, { milestones: { '0': at(1) }, schedule_id: scheduleId });
      expect(await s.write(first, { onApplied })).toEqual({ applied: true, cancelRequested: false });
      const event = { job_id: jobId, state: 'queued', progress_percent: 0, message: 'queued', updated_at: at(1), job_type: 'weather', schedule_id: scheduleId };
      expect(seen).toEqual([event]);
      // A milestone write: the stored status carries what only the queued write set (type, schedule).
      const started = { job_id: jobId, state: 'running' as const, progress_percent: 20, message: 'started', updated_at: at(2), milestones: { '20': at(2) } };
      await s.write(started, { onApplied });
      expect(seen[1]).toEqual({ ...event, state: 'running', progress_percent: 20, message: 'started', updated_at: at(2) });
      expect(await s.write({ ...started, progress_percent: 10, message: 'late' }, { onApplied })).toEqual({ applied: false, cancelRequested: false });
      expect(seen).toHaveLength(2);
      await s.write({ ...started, state: 'failed', progress_percent: 50, message: 'failed', error_code: 'CITY_NOT_FOUND', error_message: 'no such city' }, { onApplied });
      expect(seen[2]).toEqual({ ...event, state: 'failed', progress_percent: 50, message: 'failed', updated_at: at(2), error_code: 'CITY_NOT_FOUND', error_message: 'no such city' });
      // What onApplied got is a copy: changing it changes nothing stored.
      seen[2]!.message = 'changed';
      expect((await s.get(jobId))?.message).toBe('failed');
      // Its rejection is the write's; the status is written all the same.
      const other = randomUUID();
      await s.write(queued(other, 1));
      await expect(s.write({ ...started, job_id: other, progress_percent: 50, message: 'calling' }, { onApplied: async () => Promise.reject(new Error('append down')) })).rejects.toThrow('append down');
      expect((await s.get(other))?.progress_percent).toBe(50);
    });

    it('hands concurrent writes\' stored statuses to onApplied exactly for those applied, each as that write left it', async () => {
      const s = await store();
      const jobId = randomUUID();
      await s.write(queued(jobId, 1));
      const reported: number[] = [];
      const order = [50, 20, 80, 20, 50, 80, 20, 60];
      const outcomes = await Promise.all(
        order.map((p, i) =>
          s.write({ job_id: jobId, state: 'running', progress_percent: p, message: `p${p}`, updated_at: at(10 + i) }, {
            onApplied: async (stored) => {
              expect(stored).toMatchObject({ job_id: jobId, job_type: 'weather', progress_percent: p, message: `p${p}` });
              reported.push(p);
            },
          }),
        ),
      );
      expect(reported.sort((a, b) => a - b)).toEqual(order.filter((_, i) => outcomes[i]!.applied).sort((a, b) => a - b));
      expect(reported.length).toBeGreaterThan(0);
    });

    it('keeps each job on its own furthest progress when many jobs are written at once', async () => {
      // Many jobs, so on a cluster their hashes live on every node and in many slots.
      const s = await store();
      const ids = Array.from({ length: 24 }, () => randomUUID());
      await Promise.all(ids.map((id) => s.write(queued(id, 1))));
      const order = [20, 80, 50, 20];
      await Promise.all(
        ids.flatMap((id, j) => order.map((p, i) => s.write({ job_id: id, state: 'running', progress_percent: (p + j) % 100, message: `p${p}`, updated_at: at(10 + i) }))),
      );
      const read = await Promise.all(ids.map((id) => s.get(id)));
      expect(read.map((status) => status?.progress_percent)).toEqual(ids.map((_, j) => Math.max(...order.map((p) => (p + j) % 100))));
    });

    it('forgets a status after its TTL', async () => {
      const s = await store({ ttlSeconds: 1 });
      const jobId = randomUUID();
      await s.write(queued(jobId, 1));
      expect(await s.get(jobId)).not.toBeNull();
      await waitFor(async () => ((await s.get(jobId)) === null ? true : undefined), { timeoutMs: 5_000, what: 'expiry' });
    });

    const whenQueued = { message: 'cancelled', error_code: 'CANCELLED', error_message: 'cancelled before it started' };

    it('ends a queued job at once on a cancel, and keeps the first request time', async () => {
      const s = await store();
      const jobId = randomUUID();
      const first = queued(jobId, 1);
      await s.write(first);
      expect(await s.requestCancel(jobId, { requested_at: at(2), whenQueued, tooLateAtPercent: 80 })).toEqual({ previous: 'queued' });
      expect(await s.get(jobId)).toEqual({ ...first, state: 'failed', updated_at: at(2), cancel_requested_at: at(2), ...whenQueued });
      expect(await s.requestCancel(jobId, { requested_at: at(3), whenQueued, tooLateAtPercent: 80 })).toEqual({ previous: 'failed' });
      expect(await s.write({ job_id: jobId, state: 'running', progress_percent: 20, message: 'started', updated_at: at(4) })).toEqual({ applied: false, cancelRequested: true });
      expect((await s.get(jobId))?.cancel_requested_at).toBe(at(2));
    });

    /** A store with one queued job, and a worker's milestone write for it (refused while a cancel is pending). */
    async function queuedJob() {
      const s = await store();
      const jobId = randomUUID();
      await s.write(queued(jobId, 1));
      const milestone = (percent: number, second: number) =>
        s.write({ job_id: jobId, state: 'running', progress_percent: percent, message: `at ${percent}`, updated_at: at(second), unlessCancelRequested: true });
      return { s, jobId, milestone };
    }

    it('refuses a milestone while a cancel is pending and says so, and still takes the final write', async () => {
      const { s, jobId, milestone } = await queuedJob();
      expect(await milestone(20, 2)).toEqual({ applied: true, cancelRequested: false });
      await s.requestCancel(jobId, { requested_at: at(3), whenQueued, tooLateAtPercent: 80 });
      expect(await milestone(50, 4)).toEqual({ applied: false, cancelRequested: true });
      expect(await s.get(jobId)).toMatchObject({ state: 'running', progress_percent: 20, cancel_requested_at: at(3) });
      expect((await s.get(jobId)) as Record<string, unknown>).not.toHaveProperty('unlessCancelRequested');
      expect(await s.write({ job_id: jobId, state: 'failed', progress_percent: 20, message: 'cancelled', updated_at: at(5), error_code: 'CANCELLED' })).toEqual({
        applied: true,
        cancelRequested: true,
      });
    });

    it('answers a job\'s state, progress and pending cancel as the worker reads them, null for an unknown job', async () => {
      const { s, jobId, milestone } = await queuedJob();
      expect(await s.getProgress(randomUUID())).toBeNull();
      expect(await s.getProgress(jobId)).toEqual({ state: 'queued', progress_percent: 0 });
      await milestone(20, 2);
      expect(await s.getProgress(jobId)).toEqual({ state: 'running', progress_percent: 20 });
      await s.requestCancel(jobId, { requested_at: at(3), whenQueued, tooLateAtPercent: 80 });
      expect(await s.getProgress(jobId)).toEqual({ state: 'running', progress_percent: 20, cancel_requested_at: at(3) });
    });

    it('records no cancel on a running job that reached the too-late progress, and then takes its 80 and 100', async () => {
      const { s, jobId, milestone } = await queuedJob();
      await milestone(50, 2);
      // Just below the line a cancel is still recorded; at it, it is too late.
      const before = randomUUID();
      await s.write(queued(before, 1));
      await s.write({ job_id: before, state: 'running', progress_percent: 50, message: 'at 50', updated_at: at(2) });
      expect(await s.requestCancel(before, { requested_at: at(3), whenQueued, tooLateAtPercent: 80 })).toEqual({ previous: 'running' });
      expect(await milestone(80, 3)).toEqual({ applied: true, cancelRequested: false });
      expect(await s.requestCancel(jobId, { requested_at: at(4), whenQueued, tooLateAtPercent: 80 })).toEqual({ previous: 'running', tooLate: true });
      expect((await s.get(jobId))?.cancel_requested_at).toBeUndefined();
      expect(await s.write({ job_id: jobId, state: 'completed', progress_percent: 100, message: 'completed', updated_at: at(5) })).toEqual({
        applied: true,
        cancelRequested: false,
      });
      expect(await s.get(jobId)).toMatchObject({ state: 'completed', progress_percent: 100 });
    });

    it('marks a running job for cancel without moving it, and leaves finished and unknown jobs alone', async () => {
      const s = await store();
      const running = randomUUID();
      await s.write(queued(running, 1));
      await s.write({ job_id: running, state: 'running', progress_percent: 20, message: 'started', updated_at: at(2) });
      expect(await s.requestCancel(running, { requested_at: at(3), whenQueued, tooLateAtPercent: 80 })).toEqual({ previous: 'running' });
      expect(await s.requestCancel(running, { requested_at: at(4), whenQueued, tooLateAtPercent: 80 })).toEqual({ previous: 'running' });
      expect(await s.get(running)).toMatchObject({ state: 'running', progress_percent: 20, cancel_requested_at: at(3) });
      expect((await s.get(running))?.error_code).toBeUndefined();
      // The worker still moves it on, to its failed end.
      expect(await s.write({ job_id: running, state: 'failed', progress_percent: 20, message: 'cancelled', updated_at: at(5), error_code: 'CANCELLED' })).toEqual({ applied: true, cancelRequested: true });

      const done = randomUUID();
      await s.write(queued(done, 1));
      await s.write({ job_id: done, state: 'completed', progress_percent: 100, message: 'completed', updated_at: at(2) });
      expect(await s.requestCancel(done, { requested_at: at(3), whenQueued, tooLateAtPercent: 80 })).toEqual({ previous: 'completed' });
      expect((await s.get(done))?.cancel_requested_at).toBeUndefined();

      const unknown = randomUUID();
      expect(await s.requestCancel(unknown, { requested_at: at(3), whenQueued, tooLateAtPercent: 80 })).toEqual({ previous: null });
      expect(await s.get(unknown)).toBeNull();
    });

    it('links retries both ways, each retry once, and never recreates an expired status', async () => {
      const s = await store();
      const original = randomUUID();
      const [retry1, retry2] = [randomUUID(), randomUUID()];
      await s.write(queued(original, 1));
      await s.write({ job_id: original, state: 'failed', progress_percent: 50, message: 'failed', updated_at: at(2), error_code: 'CITY_NOT_FOUND' });
      for (const retry of [retry1, retry2]) await s.write(queued(retry, 3));
      await s.linkRetry({ job_id: retry1, retry_of: original });
      await s.linkRetry({ job_id: retry1, retry_of: original });
      await s.linkRetry({ job_id: retry2, retry_of: original });
      expect((await s.get(original))?.retries).toEqual([retry1, retry2]);
      expect(await s.get(original)).toMatchObject({ state: 'failed', error_code: 'CITY_NOT_FOUND' });
      expect((await s.get(retry1))?.retry_of).toBe(original);
      expect(JobStatusSchema.parse(await s.get(retry2))).toMatchObject({ state: 'queued', retry_of: original });

      const gone = randomUUID();
      const orphan = randomUUID();
      await s.linkRetry({ job_id: orphan, retry_of: gone });
      expect(await s.get(gone)).toBeNull();
      expect(await s.get(orphan)).toBeNull();
    });

    it('lists a job whose status a worker made anew (its queued status had expired)', async () => {
      const s = await store();
      const id = randomUUID();
      const submitted = new Date(Date.UTC(2092, 0, 1)).toISOString();
      await s.write({ job_id: id, state: 'running', progress_percent: 20, message: 'started', updated_at: at(50), submitted_at: submitted, job_type: 'weather' });
      await s.write({ job_id: id, state: 'running', progress_percent: 50, message: 'calling', updated_at: at(60), submitted_at: submitted, job_type: 'weather' });
      const running = await s.listRecent({ limit: 100, state: 'running' });
      expect(running.items.filter((item) => item.job_id === id).map((item) => item.progress_percent)).toEqual([50]);
    });

    it('lists recent jobs newest first, filtered, in pages that cover each job once', async () => {
      const s = await store();
      const ids: string[] = Array.from({ length: 7 }, () => randomUUID());
      // A year no other test writes, so the page contents are ours even on a shared server.
      const base = Date.UTC(2091, 0, 1);
      for (const [i, id] of ids.entries()) {
        const submitted = new Date(base + i * 1000).toISOString();
        await s.write(queued(id, 0, { submitted_at: submitted, updated_at: submitted, job_type: i % 2 === 0 ? 'quote' : 'weather' }));
      }
      await s.write({ job_id: ids[6]!, state: 'running', progress_percent: 20, message: 'started', updated_at: at(50) });

      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await s.listRecent({ limit: 3, ...(cursor ? { cursor } : {}) });
        expect(page.items.length).toBeLessThanOrEqual(3);
        seen.push(...page.items.map((item) => item.job_id!));
        cursor = page.next_cursor ?? undefined;
      } while (cursor && seen.length < 1000);
      const ours = seen.filter((id) => ids.includes(id));
      expect(ours).toEqual([...ids].reverse());
      expect(new Set(seen).size).toBe(seen.length);

      const quotes = await s.listRecent({ limit: 100, job_type: 'quote' });
      expect(quotes.items.filter((i) => ids.includes(i.job_id!)).map((i) => i.job_id)).toEqual([ids[6], ids[4], ids[2], ids[0]]);
      const running = await s.listRecent({ limit: 100, state: 'running' });
      expect(running.items.filter((i) => ids.includes(i.job_id!)).map((i) => i.job_id)).toEqual([ids[6]]);
      expect(running.items.every((i) => i.state === 'running')).toBe(true);
    });

    it('lists every job once in pages when more than one scan of them share one submission time (a batch)', async () => {
      const s = await store();
      const submitted = new Date(Date.UTC(2094, 0, 1)).toISOString();
      const ids: string[] = Array.from({ length: 1_200 }, () => randomUUID());
      await Promise.all(ids.map((id) => s.write(queued(id, 0, { submitted_at: submitted, updated_at: submitted, job_type: 'weather' }))));
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await s.listRecent({ limit: 100, ...(cursor ? { cursor } : {}) });
        seen.push(...page.items.map((item) => item.job_id!));
        cursor = page.next_cursor ?? undefined;
      } while (cursor && seen.length < 5_000);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.filter((id) => ids.includes(id)).length).toBe(ids.length);
    });

    it('keeps the schedule that made a job through later writes, and lists only its jobs under it', async () => {
      const s = await store();
      const scheduleId = randomUUID();
      const [ticked, other] = [randomUUID(), randomUUID()];
      const submitted = new Date(Date.UTC(2093, 0, 1)).toISOString();
      await s.write(queued(ticked, 0, { submitted_at: submitted, updated_at: submitted, job_type: 'quote', schedule_id: scheduleId }));
      await s.write(queued(other, 0, { submitted_at: submitted, updated_at: submitted, job_type: 'quote' }));
      await s.write({ job_id: ticked, state: 'running', progress_percent: 20, message: 'started', updated_at: at(50) });
      expect(await s.get(ticked)).toMatchObject({ schedule_id: scheduleId, state: 'running' });
      const listed = await s.listRecent({ limit: 100, schedule_id: scheduleId });
      expect(listed.items.map((item) => item.job_id)).toEqual([ticked]);
    });
  });
}
