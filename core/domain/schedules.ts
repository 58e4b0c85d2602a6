import {
  CreateScheduleRequestSchema,
  ListSchedulesQuerySchema,
  NEXT_RUNS_LISTED,
  UuidV4Schema,
  type Schedule,
} from '../../contracts/index.js';
import { InvalidBodyError, InvalidQueryError, InvalidScheduleIdError, ScheduleNotFoundError } from '../errors/index.js';
import type { Logger, ScheduleStore, StoredSchedule } from '../ports/index.js';
import { PARSE_OPTIONS, toFieldIssues } from './field-issues.js';
import { guardDependency } from './guard-dependency.js';
import { parseSubmission } from './parse-submission.js';
import { DEFAULT_SCHEDULE_TIMEZONE, cronIssues, tickAfter, ticksAfter } from './schedule-cron.js';

export interface ScheduleDeps {
  schedules: ScheduleStore;
  now: () => Date;
  newId: () => string;
  logger: Logger;
}

/**
 * Creates a schedule: the body's shape, then the job type and payload exactly as a submit
 * checks them (a tick submits them), then the cron and its time zone. The first tick is the
 * first after now.
 */
export async function createSchedule(deps: ScheduleDeps, body: unknown): Promise<Schedule> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new InvalidBodyError([{ field: '(body)', message: 'must be a JSON object' }]);
  }
  const shape = CreateScheduleRequestSchema.safeParse(body, PARSE_OPTIONS);
  if (!shape.success) throw new InvalidBodyError(toFieldIssues(shape.error));
  const { cron, timezone = DEFAULT_SCHEDULE_TIMEZONE } = shape.data;
  const submission = parseSubmission({ job_type: shape.data.job_type, payload: (body as { payload: unknown }).payload });
  const issues = cronIssues(cron, timezone);
  if (issues.length > 0) throw new InvalidBodyError(issues);

  const now = deps.now();
  const schedule: StoredSchedule = {
    schedule_id: deps.newId(),
    job_type: submission.job_type,
    payload: submission.payload as Record<string, unknown>,
    cron,
    timezone,
    paused: false,
    created_at: now.toISOString(),
    next_run_at: tickAfter(cron, timezone, now)?.toISOString() ?? null,
    last_run_at: null,
  };
  await guardDependency('schedule store', () => deps.schedules.create(schedule));
  deps.logger.info({ schedule_id: schedule.schedule_id, job_type: schedule.job_type, cron, timezone }, 'schedule created');
  return scheduleAnswer(schedule);
}

/** Every schedule, newest first; the listing takes no query parameters. */
export async function listSchedules(deps: ScheduleDeps, queryPairs: Iterable<[string, string]>): Promise<Schedule[]> {
  const query = ListSchedulesQuerySchema.safeParse(Object.fromEntries(queryPairs), PARSE_OPTIONS);
  if (!query.success) throw new InvalidQueryError(toFieldIssues(query.error));
  const schedules = await guardDependency('schedule store', () => deps.schedules.list());
  return schedules.map(scheduleAnswer);
}

export async function getSchedule(deps: ScheduleDeps, scheduleId: string | undefined): Promise<Schedule> {
  return scheduleAnswer(await findSchedule(deps, scheduleId));
}

export async function deleteSchedule(deps: ScheduleDeps, scheduleId: string | undefined): Promise<void> {
  const id = parseScheduleId(scheduleId);
  if (!(await guardDependency('schedule store', () => deps.schedules.delete(id)))) throw new ScheduleNotFoundError(id);
  deps.logger.info({ schedule_id: id }, 'schedule deleted');
}

/**
 * Pauses (no ticks until resumed) or resumes a schedule. A resumed schedule starts from the
 * first tick after now: ticks that fell while it was paused make no jobs. Repeats are harmless.
 */
export async function setSchedulePaused(deps: ScheduleDeps, scheduleId: string | undefined, paused: boolean): Promise<Schedule> {
  const found = await findSchedule(deps, scheduleId);
  if (found.paused === paused) return scheduleAnswer(found);
  const next = paused ? null : (tickAfter(found.cron, found.timezone, deps.now())?.toISOString() ?? null);
  const updated = await guardDependency('schedule store', () => deps.schedules.setPaused(found.schedule_id, paused, next));
  if (!updated) throw new ScheduleNotFoundError(found.schedule_id);
  deps.logger.info({ schedule_id: found.schedule_id }, paused ? 'schedule paused' : 'schedule resumed');
  return scheduleAnswer(updated);
}

export function parseScheduleId(scheduleId: string | undefined): string {
  if (scheduleId === undefined || !UuidV4Schema.safeParse(scheduleId).success) throw new InvalidScheduleIdError(scheduleId ?? '');
  return scheduleId;
}

async function findSchedule(deps: ScheduleDeps, scheduleId: string | undefined): Promise<StoredSchedule> {
  const id = parseScheduleId(scheduleId);
  const found = await guardDependency('schedule store', () => deps.schedules.get(id));
  if (!found) throw new ScheduleNotFoundError(id);
  return found;
}

/** The API's view: the state in a word, the coming ticks from the next one on, and where its jobs are listed. */
export function scheduleAnswer(schedule: StoredSchedule): Schedule {
  const next = schedule.paused ? null : schedule.next_run_at;
  const later = next === null ? [] : ticksAfter(schedule.cron, schedule.timezone, new Date(next), NEXT_RUNS_LISTED - 1);
  return {
    schedule_id: schedule.schedule_id,
    job_type: schedule.job_type,
    payload: schedule.payload,
    cron: schedule.cron,
    timezone: schedule.timezone,
    state: schedule.paused ? 'paused' : 'active',
    created_at: schedule.created_at,
    next_run_at: next,
    next_runs: next === null ? [] : [next, ...later.map((tick) => tick.toISOString())],
    last_run_at: schedule.last_run_at,
    jobs_url: `/v1/jobs?schedule_id=${schedule.schedule_id}`,
  };
}
