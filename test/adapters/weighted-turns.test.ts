/**
 * The turns the worker's slots give the job priorities: by weight while several wait, at once
 * for a heavier lane that just arrived, and with no credit saved up by a lane that had nothing
 * waiting. Also the slots themselves: a record of a heavier lane takes the next free slot ahead
 * of records waiting longer in a lighter one.
 */
import { describe, expect, it } from 'vitest';
import { RecordSlots } from '../../adapters/shared/record-slots.js';
import { WeightedTurns } from '../../adapters/shared/weighted-turns.js';
import { PRIORITY_WEIGHTS, priorityLanes, waitingByPriority } from '../../worker/priority-lanes.js';

function turns(weights: Record<string, number>, waiting: string[], count: number): Record<string, number> {
  const scheduler = new WeightedTurns(weights);
  const given: Record<string, number> = {};
  for (let i = 0; i < count; i++) {
    const lane = scheduler.take(waiting)!;
    given[lane] = (given[lane] ?? 0) + 1;
  }
  return given;
}

describe('weighted turns', () => {
  it('shares turns by weight among the lanes that wait', () => {
    expect(turns(PRIORITY_WEIGHTS, ['high', 'normal', 'low'], 100)).toEqual({ high: 60, normal: 30, low: 10 });
    expect(turns(PRIORITY_WEIGHTS, ['normal', 'low'], 100)).toEqual({ normal: 75, low: 25 });
  });

  it('gives the next turn to a heavier lane that just arrived, and no burst to a lane back from idle', () => {
    const scheduler = new WeightedTurns(PRIORITY_WEIGHTS);
    for (let i = 0; i < 50; i++) scheduler.take(['normal']);
    expect(scheduler.take(['normal', 'high'])).toBe('high');
    // Low was idle for 50 turns: it gets its share from now on, not 50 turns' worth of catching up.
    const next = Array.from({ length: 8 }, () => scheduler.take(['normal', 'low']));
    expect(next.filter((lane) => lane === 'low').length).toBe(2);
  });

  it('hands a freed slot to the heavier lane first', async () => {
    const slots = new RecordSlots(1, PRIORITY_WEIGHTS);
    const never = new AbortController().signal;
    const first = (await slots.acquire(never, 'normal'))!;
    const order: string[] = [];
    const waiters = [
      slots.acquire(never, 'normal').then((release) => (order.push('normal 1'), release!())),
      slots.acquire(never, 'normal').then((release) => (order.push('normal 2'), release!())),
      slots.acquire(never, 'high').then((release) => (order.push('high'), release!())),
    ];
    first();
    await Promise.all(waiters);
    expect(order[0]).toBe('high');
  });

  it('names a topic\'s priority and sums the lag per priority', () => {
    const lanes = priorityLanes('run.jobs.%s.v1');
    expect(['run.jobs.weather.v1', 'run.jobs.weather.high.v1', 'run.jobs.quote.low.v1'].map((topic) => lanes.of(topic))).toEqual(['normal', 'high', 'low']);
    const lag = (topic: string, n: number) => ({ topic, partition: 0, lag: n, owned: true });
    expect(Object.fromEntries(waitingByPriority([lag('run.jobs.weather.v1', 5), lag('run.jobs.quote.v1', 2), lag('run.jobs.weather.high.v1', 1)], lanes))).toEqual({
      high: 1,
      normal: 7,
      low: 0,
    });
  });
});
