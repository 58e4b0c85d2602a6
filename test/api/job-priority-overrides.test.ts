/**
 * A job type's priority: its definition's default, overridden per deployment by
 * JOB_PRIORITY_OVERRIDES, shown by GET /v1/job-types and taken by a submit that sets none; a
 * submit's own priority wins. A bad override stops the start naming the variable and the entry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.js';
import { priorityTopicClash } from '../../contracts/index.js';
import { startEmbeddedApp, type EmbeddedApp } from '../support/embedded-app.js';
import { postJson, request } from '../support/http-client.js';
import { waitFor } from '../support/wait-for.js';

describe('job priority defaults and overrides', () => {
  let app: EmbeddedApp;
  beforeAll(async () => {
    app = await startEmbeddedApp({ JOB_PRIORITY_OVERRIDES: 'github_user=low, quote=high' });
  });
  afterAll(async () => {
    await app?.close();
  });

  async function priorityOf(body: object): Promise<string> {
    const submitted = await postJson(`${app.baseUrl}/v1/jobs`, body);
    expect(submitted.status).toBe(202);
    return waitFor(async () => {
      const status = await request(`${app.baseUrl}/v1/jobs/${submitted.body.job_id}/status`);
      return status.status === 200 ? (status.body.priority as string) : undefined;
    });
  }

  it('lists each job type\'s priority, the deployment\'s override first', async () => {
    const listed = await request(`${app.baseUrl}/v1/job-types`);
    const priorities = Object.fromEntries(listed.body.job_types.map((type: { job_type: string; defaults: { priority: string } }) => [type.job_type, type.defaults.priority]));
    expect(priorities).toMatchObject({ github_user: 'low', quote: 'high', weather: 'normal' });
  });

  it('gives a job its type\'s priority unless the submit names one', async () => {
    expect(await priorityOf({ job_type: 'github_user', payload: { username: 'octocat' } })).toBe('low');
    expect(await priorityOf({ job_type: 'github_user', payload: { username: 'octocat' }, priority: 'high' })).toBe('high');
    expect(await priorityOf({ job_type: 'weather', payload: { city: 'Austin', country_code: 'US', units: 'metric' } })).toBe('normal');
  });

  it('refuses an override naming no job type or no priority', () => {
    expect(() => loadConfig({ JOB_PRIORITY_OVERRIDES: 'weather=urgent' })).toThrow(/JOB_PRIORITY_OVERRIDES.*priority must be one of high, normal, low/s);
    expect(() => loadConfig({ JOB_PRIORITY_OVERRIDES: 'nope=high' })).toThrow(/JOB_PRIORITY_OVERRIDES.*names no job type/s);
  });

  it('refuses a job type name that would clash with another type\'s priority topic', () => {
    expect(priorityTopicClash(['weather', 'quote'])).toBeUndefined();
    expect(priorityTopicClash(['weather', 'weather_high'])).toMatch(/"weather_high" clashes with the high priority topic of "weather"/);
  });
});
