import { describe, expect, it } from 'vitest';
import { jobTimeoutSettings, loadConfig } from '../../config/index.js';
import { describeJobTypes, jobTimeoutMs } from '../../contracts/index.js';
import { parseSubmission } from '../../core/domain/parse-submission.js';
import { configProblems } from '../support/config-problems.js';

const problems = configProblems;

const fallbacks = { attempts: 3, backoff: { initial_ms: 200, max_ms: 5_000 } };

describe('job timeout settings', () => {
  it('default to five minutes, bounded by an hour', () => {
    expect(jobTimeoutSettings(loadConfig({}))).toEqual({ defaultMs: 300_000, maxMs: 3_600_000 });
  });

  it('refuse a default above the bound, and a bound outside 1000 .. a day, naming the variable', () => {
    expect(problems({ JOB_TIMEOUT_DEFAULT_MS: '7200000' })).toEqual([{ variable: 'JOB_TIMEOUT_DEFAULT_MS', message: 'must not be above JOB_TIMEOUT_MAX_MS (3600000)' }]);
    expect(problems({ JOB_TIMEOUT_MAX_MS: '999' }).map((p) => p.variable)).toContain('JOB_TIMEOUT_MAX_MS');
    expect(problems({ JOB_TIMEOUT_MAX_MS: '86400001' }).map((p) => p.variable)).toContain('JOB_TIMEOUT_MAX_MS');
  });

  it('pick the asked-for timeout, else the type default cut to the bound, else the deployment default', () => {
    const settings = { defaultMs: 300_000, maxMs: 600_000 };
    expect(jobTimeoutMs({ defaults: { timeout_ms: 20_000 } }, 5_000, settings)).toBe(5_000);
    expect(jobTimeoutMs({ defaults: { timeout_ms: 20_000 } }, undefined, settings)).toBe(20_000);
    expect(jobTimeoutMs({ defaults: { timeout_ms: 7_200_000 } }, undefined, settings)).toBe(600_000);
    expect(jobTimeoutMs({ defaults: {} }, undefined, settings)).toBe(300_000);
  });

  it('reach submit and GET /v1/job-types', () => {
    const settings = { defaultMs: 45_000, maxMs: 60_000 };
    const body = { job_type: 'quote', payload: { tag: 'wisdom' } };
    expect(parseSubmission(body, settings).timeout_ms).toBe(45_000);
    expect(parseSubmission({ ...body, timeout_ms: 60_000 }, settings).timeout_ms).toBe(60_000);
    expect(() => parseSubmission({ ...body, timeout_ms: 60_001 }, settings)).toThrow(/timeout_ms: must be at most 60000 ms/);
    expect(describeJobTypes({ ...fallbacks, timeouts: settings }).job_types.map((type) => type.defaults.timeout_ms)).toEqual(
      describeJobTypes(fallbacks).job_types.map(() => 45_000),
    );
  });
});
