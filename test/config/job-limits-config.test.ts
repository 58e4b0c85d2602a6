import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/index.js';
import { loadJobLimits } from '../../config/job-limits.js';
import { describeJobTypes, limitKeyOf } from '../../contracts/index.js';
import { MemoryKeySlots } from '../../adapters/memory/index.js';
import { parseRetryAfter } from '../../adapters/http/fetch-json.js';

function problems(env: Record<string, string>): Array<{ variable: string; message: string }> {
  try {
    loadJobLimits(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

const fallbacks = { attempts: 3, backoff: { initial_ms: 200, max_ms: 5_000 } };
const record = (id: string) => ({ topic: 't', key: id, value: Buffer.from(id), headers: {} });

describe('job limits', () => {
  it('are what the definitions declare, and show in GET /v1/job-types with a computed key named so', () => {
    const limits = loadJobLimits({});
    expect(limits.exchange_rate).toEqual({ concurrency: { key: 'base', max: 8 } });
    expect(limits.weather).toEqual({});
    const types = describeJobTypes({ ...fallbacks, limits });
    expect(types.job_types.find((t) => t.job_type === 'github_user')?.limits).toEqual({
      concurrency: { key: 'username', max: 1 },
      rate: { key: '(computed)', points: 60, per_ms: 3_600_000 },
    });
    expect(types.job_types.find((t) => t.job_type === 'quote')?.limits).toEqual({});
  });

  it('are overridden per type by JOB_LIMITS_<TYPE>_*, 0 turning one off', () => {
    const limits = loadJobLimits({ JOB_LIMITS_EXCHANGE_RATE_CONCURRENCY_MAX: '0', JOB_LIMITS_GITHUB_USER_RATE_POINTS: '5000', JOB_LIMITS_QUOTE_RATE_POINTS: '10', JOB_LIMITS_QUOTE_RATE_PER_MS: '1000', JOB_LIMITS_QUOTE_RATE_KEY: 'tag' });
    expect(limits.exchange_rate).toEqual({});
    expect(limits.github_user.rate?.points).toBe(5000);
    expect(limits.quote).toEqual({ rate: { key: 'tag', points: 10, per_ms: 1000 } });
  });

  it('refuse a bad value or an unknown variable, naming it', () => {
    expect(problems({ JOB_LIMITS_EXCHANGE_RATE_CONCURRENCY_MAX: 'two' }).map((p) => p.variable)).toEqual(['JOB_LIMITS_EXCHANGE_RATE_CONCURRENCY_MAX']);
    expect(problems({ JOB_LIMITS_WEATHR_CONCURRENCY_MAX: '2' }).map((p) => p.variable)).toEqual(['JOB_LIMITS_WEATHR_CONCURRENCY_MAX']);
    expect(problems({ JOB_LIMITS_QUOTE_CONCURRENCY_MAX: '2' }).map((p) => p.variable)).toEqual(['JOB_LIMITS_QUOTE_CONCURRENCY_KEY']);
    expect(problems({ JOB_LIMITS_WEATHER_CONCURRENCY_KEY: 'a b', JOB_LIMITS_WEATHER_CONCURRENCY_MAX: '2' }).map((p) => p.variable)).toEqual(['JOB_LIMITS_WEATHER_CONCURRENCY_KEY']);
  });

  it('read a key at a field path, or from a function', () => {
    expect(limitKeyOf('account.id', { account: { id: 7 } })).toBe('7');
    expect(limitKeyOf(() => 'shared', {})).toBe('shared');
  });

  it('read Retry-After as seconds or a date', () => {
    expect(parseRetryAfter('2')).toBe(2_000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

describe('key slots (in memory, the Redis rules)', () => {
  it('park past the limit, hand back the head of the line when a slot frees, and free a lapsed lease', async () => {
    let now = 0;
    const slots = new MemoryKeySlots(() => now);
    expect(await slots.takeOrPark('t:a', 'j1', 1, 1_000, record('j1'))).toEqual({ taken: true });
    expect(await slots.takeOrPark('t:a', 'j2', 1, 1_000, record('j2'))).toEqual({ taken: false, running: 1, waiting: 1 });
    expect(await slots.takeOrPark('t:a', 'j2', 1, 1_000, record('j2'))).toEqual({ taken: false, running: 1, waiting: 1 });
    expect(await slots.takeOrPark('t:b', 'j3', 1, 1_000, record('j3'))).toEqual({ taken: true });
    expect(await slots.handBack('t:a', 1, 5_000)).toEqual([]);
    now = 1_001; // j1's holder died: its lease lapsed
    const back = await slots.handBack('t:a', 1, 5_000);
    expect(back.map((p) => p.jobId)).toEqual(['j2']);
    // Not confirmed (its process died): when the reservation lapses, it is handed back again.
    now = 7_000;
    expect((await slots.handBack('t:a', 1, 5_000)).map((p) => p.jobId)).toEqual(['j2']);
    await slots.confirmHandedBack('t:a', 'j2');
    expect(await slots.takeOrPark('t:a', 'j2', 1, 1_000, record('j2'))).toEqual({ taken: true });
    expect(await slots.waitingCount()).toBe(0);
  });
});
