import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ScheduleStore, StoredSchedule } from '../../core/ports/index.js';
import { closeAfterEach } from '../support/closers.js';

export interface ScheduleStoreFixture {
  store: ScheduleStore;
  cleanup(): Promise<void>;
}

const schedule = (overrides: Partial<StoredSchedule> = {}): StoredSchedule => ({
  schedule_id: randomUUID(),
  job_type: 'weather',
  payload: { city: 'Austin', country_code: 'US', nested: { units: ['metric'] } },
  cron: '*/5 * * * *',
  timezone: 'Europe/Berlin',
  paused: false,
  created_at: '2026-01-01T00:00:00.000Z',
  next_run_at: '2026-01-01T00:05:00.000Z',
  last_run_at: null,
  ...overrides,
});

/** The schedule-store port's guarantees; every adapter runs this suite. */
export function describeScheduleStoreConformance(adapter: string, create: () => Promise<ScheduleStoreFixture>): void {
  describe(`schedule store conformance: ${adapter}`, () => {
    const onCleanup = closeAfterEach();
    async function store() {
      const fixture = await create();
      onCleanup(() => fixture.cleanup());
      return fixture.store;
    }

    it('keeps a schedule as it was created, and forgets it when deleted', async () => {
      const s = await store();
      const created = schedule();
      await s.create(created);
      expect(await s.get(created.schedule_id)).toEqual(created);
      expect(await s.delete(created.schedule_id)).toBe(true);
      expect(await s.get(created.schedule_id)).toBeUndefined();
      expect(await s.delete(created.schedule_id)).toBe(false);
    });

    it('lists every schedule, newest created first', async () => {
      const s = await store();
      const older = schedule({ created_at: '2026-01-01T00:00:00.000Z' });
      const newer = schedule({ created_at: '2026-01-02T00:00:00.000Z' });
      await s.create(older);
      await s.create(newer);
      expect((await s.list()).map((found) => found.schedule_id)).toEqual([newer.schedule_id, older.schedule_id]);
    });

    it('answers the active schedules due by now, earliest first, within the limit', async () => {
      const s = await store();
      const later = schedule({ next_run_at: '2026-01-01T00:10:00.000Z' });
      const earlier = schedule({ next_run_at: '2026-01-01T00:05:00.000Z' });
      const notYet = schedule({ next_run_at: '2026-01-01T00:20:00.000Z' });
      const paused = schedule({ paused: true, next_run_at: '2026-01-01T00:01:00.000Z' });
      const finished = schedule({ next_run_at: null });
      for (const each of [later, earlier, notYet, paused, finished]) await s.create(each);
      const now = new Date('2026-01-01T00:10:00.000Z');
      expect((await s.due(now, 10)).map((found) => found.schedule_id)).toEqual([earlier.schedule_id, later.schedule_id]);
      expect((await s.due(now, 1)).map((found) => found.schedule_id)).toEqual([earlier.schedule_id]);
    });

    it('moves a schedule on from a tick, however many callers race to, and never back', async () => {
      const s = await store();
      const created = schedule();
      await s.create(created);
      const from = created.next_run_at!;
      const moves = await Promise.all(Array.from({ length: 8 }, () => s.advance(created.schedule_id, from, '2026-01-01T00:10:00.000Z')));
      // At least one moves it (exactly one on MongoDB; FerretDB may let two conditional updates through).
      expect(moves.filter(Boolean).length).toBeGreaterThanOrEqual(1);
      expect(await s.get(created.schedule_id)).toMatchObject({ next_run_at: '2026-01-01T00:10:00.000Z', last_run_at: from });
      // A caller that saw the older tick does not move it back.
      expect(await s.advance(created.schedule_id, from, '2026-01-01T00:05:00.000Z')).toBe(false);
    });

    it('does not move a paused or deleted schedule', async () => {
      const s = await store();
      const created = schedule();
      await s.create(created);
      expect(await s.setPaused(created.schedule_id, true, null)).toMatchObject({ paused: true, next_run_at: null });
      expect(await s.advance(created.schedule_id, created.next_run_at!, '2026-01-01T00:10:00.000Z')).toBe(false);
      expect(await s.setPaused(created.schedule_id, false, '2026-01-01T01:00:00.000Z')).toMatchObject({ paused: false, next_run_at: '2026-01-01T01:00:00.000Z' });
      await s.delete(created.schedule_id);
      expect(await s.advance(created.schedule_id, '2026-01-01T01:00:00.000Z', null)).toBe(false);
      expect(await s.setPaused(created.schedule_id, true, null)).toBeUndefined();
    });
  });
}
