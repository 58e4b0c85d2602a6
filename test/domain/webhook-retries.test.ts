import { describe, expect, it } from 'vitest';
import { DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS } from '../../contracts/index.js';
import { nextState } from '../../core/domain/index.js';

const now = new Date('2026-01-01T00:00:00.000Z');
const after = (attempts: number, answer: Parameters<typeof nextState>[1], random: number) =>
  nextState({ attempts }, answer, { retryScheduleMs: DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS, now: () => now, random: () => random });
const waitMs = (attempts: number, random: number) => Date.parse(after(attempts, { statusCode: 503 }, random).next_attempt_at!) - now.getTime();

describe('webhook retry schedule', () => {
  it('retries the first failure within a minute, whatever the jitter', () => {
    expect(waitMs(0, 0)).toBeGreaterThanOrEqual(24_000);
    expect(waitMs(0, 0.999)).toBeLessThan(60_000);
  });

  it('waits longer after each failure, for hours in all, with jitter of at most 20 % either way', () => {
    const waits = DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS.map((_, i) => waitMs(i, 0.5));
    expect(waits).toEqual([...DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS]);
    for (let i = 1; i < waits.length; i++) expect(waits[i]!).toBeGreaterThan(waits[i - 1]!);
    expect(waits.reduce((a, b) => a + b, 0)).toBeGreaterThan(12 * 3_600_000);
    expect(waitMs(3, 0)).toBe(0.8 * DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS[3]);
    expect(waitMs(3, 1)).toBe(1.2 * DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS[3]);
  });

  it('gives up after the last wait of the schedule, keeping the last answer', () => {
    const last = after(DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS.length, { error: 'ECONNREFUSED' }, 0.5);
    expect(last).toEqual({ attempts: 9, state: 'given_up', last_attempt_at: now.toISOString(), last_error: 'ECONNREFUSED', given_up_at: now.toISOString() });
  });

  it('delivers on any 2xx; a 3xx is a failed attempt (redirects are not followed)', () => {
    expect(after(0, { statusCode: 204 }, 0.5)).toMatchObject({ state: 'delivered', attempts: 1, last_status_code: 204 });
    expect(after(0, { statusCode: 301 }, 0.5)).toMatchObject({ state: 'pending', last_status_code: 301 });
  });
});
