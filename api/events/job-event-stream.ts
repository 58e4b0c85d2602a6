import { JOB_EVENT_ID_PATTERN, JOB_EVENT_NAME, isFinalState, type JobEvent } from '../../contracts/index.js';
import { guardDependency, jobEventOf, jobEventOfResult } from '../../core/domain/index.js';
import { InvalidQueryError, JobNotFoundError } from '../../core/errors/index.js';
import { compareEventIds, type JobEventRecord, type JobEvents, type Logger, type ResultStore, type StatusStore } from '../../core/ports/index.js';
import type { EventOutbox, EventStreamBody } from './event-outbox.js';
import { eventFrame } from './event-outbox.js';
import type { EventStreams, StreamFollower } from './event-streams.js';

export interface JobEventStreamDeps {
  streams: EventStreams;
  events: JobEvents;
  statuses: StatusStore;
  results: ResultStore;
  logger: Logger;
}

/**
 * The events of one job, as `GET /v1/jobs/{id}/events` streams them. The feed is followed
 * before anything is read; then the log is read (after `lastEventId`, or only its newest event
 * for a new client), then the status, in case the log lacks the final state (its append failed).
 * Events that arrived meanwhile are sent after, each id at most once and in order. The same
 * catch-up runs again after the feed was interrupted and at every heartbeat, so the final event
 * is never missed. The stream ends after the final event.
 */
class JobEventFollower implements StreamFollower {
  private lastId: string | undefined;
  private pendingLive: JobEventRecord[] | undefined = [];
  private outbox: EventOutbox | undefined;
  private catchingUp = false;
  private finished = false;

  constructor(
    private readonly deps: JobEventStreamDeps,
    private readonly jobId: string,
    lastEventId: string | undefined,
  ) {
    this.lastId = lastEventId;
  }

  onEvent(record: JobEventRecord): void {
    if (record.event.job_id !== this.jobId) return;
    if (this.pendingLive) this.pendingLive.push(record);
    else this.deliver(record, true);
  }

  onResync(): void {
    this.catchUp();
  }

  onTick(): void {
    this.catchUp();
  }

  /** Sends what was read when the stream opened, then what arrived meanwhile. */
  begin(outbox: EventOutbox, logged: JobEventRecord[], current: JobEvent): void {
    this.outbox = outbox;
    const resuming = this.lastId !== undefined;
    const first = resuming ? logged : logged.slice(-1);
    for (const record of first) this.deliver(record);
    // No log for the job (it was submitted before events were logged): its status is the first event.
    if (!resuming && logged.length === 0) this.deliver({ id: '0-1', event: current });
    this.finalFromStatus(current);
    const live = this.pendingLive ?? [];
    this.pendingLive = undefined;
    for (const record of live) this.deliver(record, true);
  }

  private deliver(record: JobEventRecord, live = false): void {
    if (this.finished || !this.outbox) return;
    if (this.lastId !== undefined && compareEventIds(record.id, this.lastId) <= 0) return;
    this.lastId = record.id;
    const final = isFinalState(record.event.state);
    const frame = eventFrame(record.id, JOB_EVENT_NAME, record.event);
    if (final) {
      this.finished = true;
      this.outbox.end('final', frame);
    } else if (!this.outbox.push(frame)) return;
    this.deps.streams.sent('job', record.event.updated_at, live);
  }

  /** A final status whose event the log lacks is sent as the next event. */
  private finalFromStatus(current: JobEvent): void {
    if (this.finished || !isFinalState(current.state)) return;
    const [ms = 0, seq = 0] = (this.lastId ?? `${Date.parse(current.updated_at)}-0`).split('-').map(Number);
    this.deliver({ id: this.lastId ? `${ms}-${seq + 1}` : `${ms}-0`, event: current });
  }

  private catchUp(): void {
    if (this.catchingUp || this.finished || !this.outbox) return;
    this.catchingUp = true;
    void (async () => {
      for (const record of await this.deps.events.history(this.jobId, this.lastId)) this.deliver(record);
      const status = await this.deps.statuses.get(this.jobId);
      if (status) this.finalFromStatus(jobEventOf({ ...status, job_id: this.jobId }));
    })()
      .catch((error: unknown) => this.deps.logger.warn({ err: error, job_id: this.jobId }, 'event stream could not catch up; it tries again at the next heartbeat'))
      .finally(() => (this.catchingUp = false));
  }
}

/** Opens a job's event stream: 404 for an unknown job, 503 past the instance's limit. */
export async function openJobEventStream(deps: JobEventStreamDeps, jobId: string, lastEventId: string | undefined): Promise<EventStreamBody> {
  if (lastEventId !== undefined && !JOB_EVENT_ID_PATTERN.test(lastEventId)) {
    throw new InvalidQueryError([{ field: 'Last-Event-ID', message: 'must be an event id this stream gave out (<ms>-<seq>)' }]);
  }
  const follower = new JobEventFollower(deps, jobId, lastEventId);
  const reservation = await deps.streams.reserve('job', follower);
  try {
    const status = await guardDependency('status store', () => deps.statuses.get(jobId));
    let current: JobEvent;
    let logged: JobEventRecord[] = [];
    if (status) {
      current = jobEventOf({ ...status, job_id: jobId });
      logged = await guardDependency('status store', () => deps.events.history(jobId, lastEventId));
    } else {
      // Past the status window a finished job still has its result: its final state.
      const result = await guardDependency('result store', () => deps.results.get(jobId));
      if (!result) throw new JobNotFoundError(jobId);
      current = jobEventOfResult(result);
    }
    const outbox = reservation.start('every-event');
    follower.begin(outbox, logged, current);
    return outbox.body;
  } catch (error) {
    reservation.release();
    throw error;
  }
}
