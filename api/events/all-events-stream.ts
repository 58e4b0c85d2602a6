import { JOB_EVENT_NAME, type EventsQuery, type JobEvent } from '../../contracts/index.js';
import { guardDependency } from '../../core/domain/index.js';
import { compareEventIds, type JobEventRecord, type JobEvents, type Logger, type StatusStore } from '../../core/ports/index.js';
import { eventFrame, type EventOutbox, type EventStreamBody } from './event-outbox.js';
import type { EventStreams, StreamFollower } from './event-streams.js';

export interface AllEventsStreamDeps {
  streams: EventStreams;
  events: JobEvents;
  statuses: StatusStore;
  logger: Logger;
}

export type EventsFilter = Pick<EventsQuery, 'state' | 'job_type' | 'schedule_id'>;

/** Jobs a resume looks at: the newest of the status window, as the job list's first pages show them. */
const RESUME_SCAN_JOBS = 100;

export function matchesEventsFilter(event: JobEvent, filter: EventsFilter): boolean {
  return (
    (!filter.state || event.state === filter.state) &&
    (!filter.job_type || event.job_type === filter.job_type) &&
    (!filter.schedule_id || event.schedule_id === filter.schedule_id)
  );
}

/**
 * Every job's events that match the filter, as `GET /v1/events` streams them; it never ends by
 * itself. Ids are `<job_id>/<event id>`. A slow reader gets the newest state of each job (a
 * newer state replaces the one it has not read yet, counted as dropped); one that falls behind
 * by more jobs than the outbox keeps is cut, and resumes.
 */
class AllEventsFollower implements StreamFollower {
  private outbox: EventOutbox | undefined;
  private pendingLive: JobEventRecord[] | undefined = [];

  constructor(
    private readonly deps: AllEventsStreamDeps,
    private readonly filter: EventsFilter,
  ) {}

  onEvent(record: JobEventRecord): void {
    if (!matchesEventsFilter(record.event, this.filter)) return;
    if (this.pendingLive) this.pendingLive.push(record);
    else this.deliver(record, true);
  }

  /**
   * Live events may have been missed: the stream ends, so the client reconnects with its last id
   * and gets the newest state of what changed meanwhile (see missedSince).
   */
  onResync(): void {
    this.outbox?.end('resync');
  }

  begin(outbox: EventOutbox, replay: JobEventRecord[]): void {
    this.outbox = outbox;
    const sent = new Map<string, string>();
    for (const record of replay) {
      this.deliver(record);
      sent.set(record.event.job_id, record.id);
    }
    const live = this.pendingLive ?? [];
    this.pendingLive = undefined;
    for (const record of live) {
      const replayed = sent.get(record.event.job_id);
      if (replayed === undefined || compareEventIds(record.id, replayed) > 0) this.deliver(record, true);
    }
  }

  private deliver(record: JobEventRecord, live = false): void {
    const jobId = record.event.job_id;
    if (this.outbox?.push(eventFrame(`${jobId}/${record.id}`, JOB_EVENT_NAME, record.event), jobId)) this.deps.streams.sent('all', record.event.updated_at, live);
  }
}

/**
 * On resume, the newest logged event of each recent job that changed after the client's last
 * event (by the event ids' time), oldest first: the latest state of what it missed, not every
 * step, and at most RESUME_SCAN_JOBS jobs.
 */
async function missedSince(deps: AllEventsStreamDeps, filter: EventsFilter, lastEventId: string): Promise<JobEventRecord[]> {
  const [lastJob, lastId = '0-0'] = lastEventId.split('/');
  const page = await guardDependency('status store', () =>
    deps.statuses.listRecent({ limit: RESUME_SCAN_JOBS, ...(filter.job_type ? { job_type: filter.job_type } : {}), ...(filter.schedule_id ? { schedule_id: filter.schedule_id } : {}) }),
  );
  const since = Number(lastId.split('-')[0]);
  const candidates = page.items.filter((status) => status.job_id && Date.parse(status.updated_at) >= since - 1_000);
  const newest = await guardDependency('status store', () =>
    Promise.all(candidates.map(async (status) => (await deps.events.history(status.job_id!)).at(-1))),
  );
  return newest
    .filter((record): record is JobEventRecord => record !== undefined && matchesEventsFilter(record.event, filter))
    .filter((record) => compareEventIds(record.id, lastId) > 0 || (record.event.job_id !== lastJob && compareEventIds(record.id, lastId) === 0))
    .sort((a, b) => compareEventIds(a.id, b.id));
}

export async function openAllEventsStream(deps: AllEventsStreamDeps, filter: EventsFilter, lastEventId: string | undefined): Promise<EventStreamBody> {
  const follower = new AllEventsFollower(deps, filter);
  const reservation = await deps.streams.reserve('all', follower);
  try {
    const replay = lastEventId ? await missedSince(deps, filter, lastEventId) : [];
    const outbox = reservation.start('latest-per-key');
    follower.begin(outbox, replay);
    return outbox.body;
  } catch (error) {
    reservation.release();
    throw error;
  }
}
