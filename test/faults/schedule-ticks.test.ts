/**
 * One schedule, several workers: each tick makes exactly one job while two workers tick at once,
 * and while one of them is killed and another takes its place. Built API and worker processes on
 * the real servers (Kafka, Redis, MongoDB, RabbitMQ); every worker polls for due ticks every
 * 50 ms, so two workers nearly always meet on a tick.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScheduleSchema, type Schedule } from '../../contracts/index.js';
import { postJson, request, weatherJob } from '../support/http-client.js';
import { startJobStack, type JobStack } from '../support/job-stack.js';
import { waitFor } from '../support/wait-for.js';

describe('a schedule ticked by two workers, one killed and replaced meanwhile', () => {
  let stack: JobStack;
  beforeAll(async () => {
    stack = await startJobStack({ name: 'dtq-schedule-ticks', providerDelayMs: 20, sessionTimeoutMs: 6_000, env: { SCHEDULE_POLL_MS: '50' } });
  }, 90_000);
  afterAll(() => stack?.close(), 60_000);

  const schedule = async (id: string): Promise<Schedule> => ScheduleSchema.parse((await request(`${stack.apiBase}/v1/schedules/${id}`)).body);
  /** Waits until the schedule has made the job of the tick `seconds` after its first. */
  const tickedPast = (id: string, first: string, seconds: number) =>
    waitFor(
      async () => {
        const { last_run_at } = await schedule(id);
        return last_run_at !== null && Date.parse(last_run_at) >= Date.parse(first) + seconds * 1_000 ? true : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100, what: `the tick ${seconds} s after the first` },
    );
  const jobsOf = async (id: string): Promise<Array<{ job_id: string; schedule_id?: string }>> => {
    const items: Array<{ job_id: string; schedule_id?: string }> = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: typeof items; next_cursor: string | null } } = await request(
        `${stack.apiBase}/v1/jobs?schedule_id=${id}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      items.push(...page.body.items);
      cursor = page.body.next_cursor;
    } while (cursor);
    return items;
  };

  it('makes exactly one job per tick, and each runs once', async () => {
    const [first, second] = await Promise.all([stack.startWorker('worker-a'), stack.startWorker('worker-b')]);
    const created = await postJson(`${stack.apiBase}/v1/schedules`, { ...weatherJob('Every Second'), cron: '* * * * * *' });
    expect(created.status).toBe(201);
    const { schedule_id: id, next_run_at: firstTick } = ScheduleSchema.parse(created.body);

    await tickedPast(id, firstTick!, 3);
    // A worker dies at a tick, whatever it was doing; another takes its place.
    await first!.process.stop('SIGKILL');
    const third = await stack.startWorker('worker-c');
    await tickedPast(id, firstTick!, 8);

    // The tickers stop after the round in progress: what they submitted, they moved past.
    await Promise.all([second!.process.stop('SIGTERM'), third.process.stop('SIGTERM')]);
    const { last_run_at: lastTick } = await schedule(id);
    const ticks = (Date.parse(lastTick!) - Date.parse(firstTick!)) / 1_000 + 1;
    const jobs = await jobsOf(id);
    expect(jobs.every((job) => job.schedule_id === id)).toBe(true);
    expect(new Set(jobs.map((job) => job.job_id)).size, `${jobs.length} jobs for ${ticks} ticks`).toBe(jobs.length);
    expect(jobs.length, `jobs for the ticks from ${firstTick} to ${lastTick}`).toBe(ticks);

    // Paused, a fresh worker runs what is left and makes no more jobs: each job ran once.
    expect((await postJson(`${stack.apiBase}/v1/schedules/${id}/pause`, {})).status).toBe(200);
    await stack.startWorker('worker-d');
    await stack.expectAllCompletedOnce(
      jobs.map((job) => job.job_id),
      45_000,
    );
  }, 150_000);
});
