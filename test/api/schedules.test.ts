import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListJobsResponseSchema, ListSchedulesResponseSchema, ScheduleSchema } from '../../contracts/index.js';
import { tickJobId } from '../../core/domain/index.js';
import { startEmbeddedApp, type EmbeddedApp } from '../support/embedded-app.js';
import { expectErrorBody, postJson, request, weatherJob } from '../support/http-client.js';
import { waitFor } from '../support/wait-for.js';

describe('schedules over HTTP on the fallback host, embedded adapters', () => {
  let app: EmbeddedApp;
  beforeAll(async () => {
    app = await startEmbeddedApp({ SCHEDULE_POLL_MS: '50' });
  });
  afterAll(() => app.close());

  const create = (body: unknown) => postJson(`${app.baseUrl}/v1/schedules`, body);
  const jobsOf = async (scheduleId: string) =>
    ListJobsResponseSchema.parse((await request(`${app.baseUrl}/v1/jobs?schedule_id=${scheduleId}&limit=100`)).body).items;

  it('creates a schedule (201, next_run_at, Location) whose ticks make jobs that carry its schedule_id', async () => {
    const response = await create({ ...weatherJob('Tick City'), cron: '* * * * * *' });
    expect(response.status).toBe(201);
    const schedule = ScheduleSchema.strict().parse(response.body);
    expect(response.headers.get('location')).toBe(`/v1/schedules/${schedule.schedule_id}`);
    expect(schedule).toMatchObject({ state: 'active', timezone: 'UTC', last_run_at: null, jobs_url: `/v1/jobs?schedule_id=${schedule.schedule_id}` });
    expect(schedule.next_runs).toHaveLength(5);
    expect(schedule.next_runs[0]).toBe(schedule.next_run_at);

    const jobs = await waitFor(async () => {
      const found = await jobsOf(schedule.schedule_id);
      return found.length >= 2 ? found : undefined;
    }, { timeoutMs: 10_000, what: 'two jobs of the schedule' });
    for (const job of jobs) expect(job).toMatchObject({ job_type: 'weather', schedule_id: schedule.schedule_id, label: 'Tick City, US' });
    // The first job is the first tick's, by the id derived from the schedule and the tick.
    expect(jobs.map((job) => job.job_id)).toContain(tickJobId(schedule.schedule_id, schedule.next_run_at!));
    // Its status names the schedule too.
    const status = await request(`${app.baseUrl}/v1/jobs/${jobs[0]!.job_id}/status`);
    expect(status.body).toMatchObject({ schedule_id: schedule.schedule_id });
    // Other jobs are not listed under it.
    expect(await jobsOf(randomUUID())).toEqual([]);

    const fetched = ScheduleSchema.parse((await request(`${app.baseUrl}/v1/schedules/${schedule.schedule_id}`)).body);
    expect(fetched.last_run_at).not.toBeNull();
    const listed = ListSchedulesResponseSchema.parse((await request(`${app.baseUrl}/v1/schedules`)).body);
    expect(listed.items.map((item) => item.schedule_id)).toContain(schedule.schedule_id);
  });

  it('pauses (no ticks, no next runs), resumes from the next tick after now, and deletes', async () => {
    const schedule = ScheduleSchema.parse((await create({ ...weatherJob('Paused City'), cron: '0 0 1 1 *', timezone: 'Europe/Berlin' })).body);
    expect(schedule.next_run_at).toMatch(/-12-31T23:00:00.000Z$/); // midnight of 1 January in Berlin is 23:00 UTC

    const paused = await postJson(`${app.baseUrl}/v1/schedules/${schedule.schedule_id}/pause`, {});
    expect(paused.status).toBe(200);
    expect(ScheduleSchema.parse(paused.body)).toMatchObject({ state: 'paused', next_run_at: null, next_runs: [] });
    const again = await postJson(`${app.baseUrl}/v1/schedules/${schedule.schedule_id}/pause`, {});
    expect(again.body).toMatchObject({ state: 'paused' });

    const resumed = await postJson(`${app.baseUrl}/v1/schedules/${schedule.schedule_id}/resume`, {});
    expect(ScheduleSchema.parse(resumed.body)).toMatchObject({ state: 'active', next_run_at: schedule.next_run_at });

    const deleted = await request(`${app.baseUrl}/v1/schedules/${schedule.schedule_id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expectErrorBody(await request(`${app.baseUrl}/v1/schedules/${schedule.schedule_id}`), 404, 'SCHEDULE_NOT_FOUND');
    expectErrorBody(await request(`${app.baseUrl}/v1/schedules/${schedule.schedule_id}`, { method: 'DELETE' }), 404, 'SCHEDULE_NOT_FOUND');
    const badId = expectErrorBody(await request(`${app.baseUrl}/v1/schedules/not-an-id`), 400, 'INVALID_SCHEDULE_ID');
    expect(badId.details?.fields).toEqual([{ field: 'schedule_id', message: 'must be a UUID v4' }]);
  });

  it.each([
    [{ cron: 'every minute' }, 'cron', /five fields .* six with seconds first; it has 2/],
    [{ cron: '* * * * * * *' }, 'cron', /it has 7/],
    [{ cron: '61 * * * *' }, 'cron', /does not parse: Invalid value for minute: 61/],
    [{ cron: '0 0 31 2 *' }, 'cron', /never fires/],
    [{ cron: '* * * * *', timezone: 'Mars/Olympus' }, 'timezone', /"Mars\/Olympus" is not an IANA time zone/],
  ])('refuses %j: 400 naming %s', async (fields, field, message) => {
    const error = expectErrorBody(await create({ ...weatherJob(), ...fields }), 400, 'INVALID_BODY');
    const issue = error.details?.fields?.find((found) => found.field === field);
    expect(issue?.message).toMatch(message);
  });

  it('validates the job as a submit does: unknown job type, bad payload, missing cron', async () => {
    expectErrorBody(await create({ job_type: 'nope', payload: {}, cron: '* * * * *' }), 400, 'UNKNOWN_JOB_TYPE');
    const payload = expectErrorBody(await create({ job_type: 'weather', payload: { city: '' }, cron: '* * * * *' }), 400, 'INVALID_PAYLOAD');
    expect(payload.details?.fields?.[0]?.field).toMatch(/^payload\./);
    const missing = expectErrorBody(await create(weatherJob()), 400, 'INVALID_BODY');
    expect(missing.details?.fields).toEqual([{ field: 'cron', message: expect.any(String) }]);
    expectErrorBody(await request(`${app.baseUrl}/v1/schedules?limit=3`), 400, 'INVALID_QUERY');
    expectErrorBody(await request(`${app.baseUrl}/v1/jobs?schedule_id=nope`), 400, 'INVALID_QUERY');
    // No client can take a tick's Idempotency-Key before the tick does.
    const taken = expectErrorBody(await postJson(`${app.baseUrl}/v1/jobs`, weatherJob(), { 'idempotency-key': `schedule:${randomUUID()}:x` }), 400, 'INVALID_IDEMPOTENCY_KEY');
    expect(taken.details?.fields).toEqual([{ field: 'Idempotency-Key', message: 'must not begin with "schedule:" (kept for the jobs of schedules)' }]);
  });
});
