import type { ScheduleStore, StoredSchedule } from '../../core/ports/index.js';

/** Schedules in process memory, for a single process; every operation is atomic because none awaits. */
export class MemoryScheduleStore implements ScheduleStore {
  private readonly schedules = new Map<string, StoredSchedule>();

  async create(schedule: StoredSchedule): Promise<void> {
    this.schedules.set(schedule.schedule_id, copy(schedule));
  }

  async get(scheduleId: string): Promise<StoredSchedule | undefined> {
    const found = this.schedules.get(scheduleId);
    return found ? copy(found) : undefined;
  }

  async list(): Promise<StoredSchedule[]> {
    return [...this.schedules.values()].sort(newestFirst).map(copy);
  }

  async delete(scheduleId: string): Promise<boolean> {
    return this.schedules.delete(scheduleId);
  }

  async setPaused(scheduleId: string, paused: boolean, nextRunAt: string | null): Promise<StoredSchedule | undefined> {
    const found = this.schedules.get(scheduleId);
    if (!found) return undefined;
    Object.assign(found, { paused, next_run_at: nextRunAt });
    return copy(found);
  }

  async due(now: Date, limit: number): Promise<StoredSchedule[]> {
    const at = now.toISOString();
    return [...this.schedules.values()]
      .filter((s) => !s.paused && s.next_run_at !== null && s.next_run_at <= at)
      .sort((a, b) => (a.next_run_at ?? '').localeCompare(b.next_run_at ?? ''))
      .slice(0, limit)
      .map(copy);
  }

  async advance(scheduleId: string, from: string, to: string | null): Promise<boolean> {
    const found = this.schedules.get(scheduleId);
    if (!found || found.paused || found.next_run_at !== from) return false;
    Object.assign(found, { next_run_at: to, last_run_at: from });
    return true;
  }

  async close(): Promise<void> {}
}

function copy(schedule: StoredSchedule): StoredSchedule {
  return { ...schedule, payload: structuredClone(schedule.payload) };
}

function newestFirst(a: StoredSchedule, b: StoredSchedule): number {
  return b.created_at.localeCompare(a.created_at) || b.schedule_id.localeCompare(a.schedule_id);
}
