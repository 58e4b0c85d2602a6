/**
 * The tick rules on the in-memory adapters: missed ticks are coalesced into one job, a tick
 * handled again (a worker died between its submit and moving the schedule on) is the same job,
 * and a tick's job id is a UUID v4 the same for the same schedule and tick.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MemoryIdempotencyStore, MemoryJobQueue, MemoryScheduleStore, MemoryStatusStore } from '../../adapters/memory/index.js';
import { UuidV4Schema } from '../../contracts/index.js';
import { runDueTicks, submitTick, tickJobId, type ScheduleTickDeps, type TickOutcome } from '../../core/domain/index.js';
import type { StoredSchedule } from '../../core/ports/index.js';
import { testLogger } from '../support/test-logger.js';

const NOW = new Date('2026-03-01T12:00:30.500Z');

function setup() {
  const statuses = new MemoryStatusStore();
  const schedules = new MemoryScheduleStore();
  const outcomes: TickOutcome[] = [];
  const deps: ScheduleTickDeps = {
    schedules,
    submit: {
      statuses,
      queue: new MemoryJobQueue(),
      idempotency: new MemoryIdempotencyStore(),
      topicTemplate: 'jobs.%s.v1',
      now: () => NOW,
      newId: randomUUID,
      logger: testLogger(),
      replayWaitMs: 50,
    },
    now: () => NOW,
    logger: testLogger(),
    onTick: (_jobType, outcome) => void outcomes.push(outcome),
  };
  const listed = async (scheduleId: string) => (await statuses.listRecent({ limit: 100, schedule_id: scheduleId })).items.map((status) => status.job_id);
  return { deps, schedules, outcomes, listed };
}

const everyMinute = (nextRunAt: string): StoredSchedule => ({
  schedule_id: randomUUID(),
  job_type: 'quote',
  payload: { tag: 'wisdom' },
  cron: '0 * * * * *',
  timezone: 'UTC',
  paused: false,
  created_at: '2026-03-01T00:00:00.000Z',
  next_run_at: nextRunAt,
  last_run_at: null,
});

describe('schedule ticks', () => {
  it('coalesces ticks missed while nothing ran into one job, then goes on from the first tick after now', async () => {
    const { deps, schedules, outcomes, listed } = setup();
    // Ten minutes of ticks fell while every worker was down.
    const schedule = everyMinute('2026-03-01T11:50:00.000Z');
    await schedules.create(schedule);

    expect(await runDueTicks(deps, 10)).toBe(1);
    expect(await runDueTicks(deps, 10)).toBe(0);
    expect(await listed(schedule.schedule_id)).toEqual([tickJobId(schedule.schedule_id, '2026-03-01T11:50:00.000Z')]);
    expect(await schedules.get(schedule.schedule_id)).toMatchObject({ last_run_at: '2026-03-01T11:50:00.000Z', next_run_at: '2026-03-01T12:01:00.000Z' });
    expect(outcomes).toEqual(['submitted']);
  });

  it('makes the same job when a tick is handled again after a worker submitted it and died before moving the schedule on', async () => {
    const { deps, schedules, outcomes, listed } = setup();
    const tick = '2026-03-01T12:00:00.000Z';
    const schedule = everyMinute(tick);
    await schedules.create(schedule);
    // What the dead worker did: the tick's submit, and nothing after it.
    await submitTick(deps.submit, schedule, tick);

    expect(await runDueTicks(deps, 10)).toBe(1);
    expect(await listed(schedule.schedule_id)).toEqual([tickJobId(schedule.schedule_id, tick)]);
    expect(outcomes).toEqual(['replayed']);
    expect(await schedules.get(schedule.schedule_id)).toMatchObject({ last_run_at: tick, next_run_at: '2026-03-01T12:01:00.000Z' });
  });

  it('derives one UUID v4 per schedule and tick', () => {
    const scheduleId = randomUUID();
    const ids = ['2026-03-01T12:00:00.000Z', '2026-03-01T12:01:00.000Z'].map((tick) => tickJobId(scheduleId, tick));
    for (const id of ids) expect(UuidV4Schema.safeParse(id).success, id).toBe(true);
    expect(ids[0]).toBe(tickJobId(scheduleId, '2026-03-01T12:00:00.000Z'));
    expect(ids[0]).not.toBe(ids[1]);
    expect(tickJobId(randomUUID(), '2026-03-01T12:00:00.000Z')).not.toBe(ids[0]);
  });
});

describe('where a schedule goes after a late tick', () => {
  it('takes the next tick when the round is late by less than the grace, so workers a moment apart agree', async () => {
    const { deps, schedules } = setup();
    // Every second; this round runs 0.5 s after the tick's successor was due.
    const schedule = { ...everyMinute('2026-03-01T12:00:29.000Z'), cron: '* * * * * *' };
    await schedules.create(schedule);
    await runDueTicks(deps, 10);
    expect(await schedules.get(schedule.schedule_id)).toMatchObject({ last_run_at: '2026-03-01T12:00:29.000Z', next_run_at: '2026-03-01T12:00:30.000Z' });
  });
});
