import { ServiceUnavailableError } from '../../core/errors/index.js';
import type { JobEventRecord, JobEvents, Logger } from '../../core/ports/index.js';
import type { ApiMetrics } from '../../telemetry/index.js';
import { EventOutbox, retryFrame, type EventOutboxOptions, type OutboxEnd } from './event-outbox.js';

export type StreamKind = 'job' | 'all';

/** What an open stream does with the live feed and the heartbeat. */
export interface StreamFollower {
  /** Every event appended by any process while the stream is open. */
  onEvent(record: JobEventRecord): void;
  /** The live feed was interrupted (events may have been missed): read the log again. */
  onResync(): void;
  /** Each heartbeat interval (the outbox's heartbeat is sent by the hub). */
  onTick?(): void;
}

export interface EventStreamsOptions {
  events: JobEvents;
  /** Streams open at once on this instance (EVENT_STREAMS_MAX). */
  maxStreams: number;
  heartbeatMs: number;
  /** How soon a client reconnects after a stream ended early (the SSE `retry:` field). */
  retryMs?: number;
  metrics: ApiMetrics;
  logger: Logger;
}

/** Frames a per-job stream may hold for a slow reader: a job makes about six events in all. */
const JOB_STREAM_MAX_PENDING = 64;
/** Jobs an all-jobs stream may hold a newest state for, for a slow reader. */
const ALL_STREAM_MAX_PENDING = 1_000;

interface OpenStream {
  kind: StreamKind;
  /** Absent until the stream's answer is decided (a 404 never opens one). */
  outbox?: EventOutbox;
  follower: StreamFollower;
}

/**
 * The event streams of one API instance: the limit on how many are open, one subscription to
 * the live feed fanned out to all of them, one heartbeat timer, and shutdown, which ends every
 * stream cleanly (the client's EventSource then reconnects, to another instance).
 */
export class EventStreams {
  private readonly open = new Set<OpenStream>();
  private following: Promise<void> | undefined;
  private unfollow: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closing = false;

  constructor(private readonly options: EventStreamsOptions) {}

  get count(): number {
    return this.open.size;
  }

  /**
   * Reserves a stream (503 past the limit or while shutting down) and makes sure the live feed
   * is followed before the caller reads any state: subscribe first, then read, so no change
   * falls between the two.
   */
  async reserve(kind: StreamKind, follower: StreamFollower): Promise<Reservation> {
    if (this.closing) throw new ServiceUnavailableError('the instance is shutting down; reconnect to another');
    if (this.open.size >= this.options.maxStreams) {
      this.options.metrics.eventStreamsRefused.inc();
      throw new ServiceUnavailableError(`this instance holds its limit of ${this.options.maxStreams} event streams; retry shortly`);
    }
    let released = false;
    // Registered at once, so the follower sees every event from before it reads any state.
    const placeholder: OpenStream = { kind, follower };
    this.open.add(placeholder);
    const release = () => {
      if (released) return;
      released = true;
      this.open.delete(placeholder);
      this.idle();
    };
    try {
      await (this.following ??= this.follow());
    } catch (error) {
      release();
      throw error;
    }
    return {
      start: (mode) => {
        const outbox = new EventOutbox({
          mode,
          maxPending: mode === 'every-event' ? JOB_STREAM_MAX_PENDING : ALL_STREAM_MAX_PENDING,
          onReplaced: () => this.options.metrics.eventsDropped.inc({ stream: kind }),
          onEnd: (reason) => this.ended(placeholder, reason),
        });
        placeholder.outbox = outbox;
        this.options.metrics.eventStreamsOpen.inc({ stream: kind });
        outbox.push(retryFrame(this.options.retryMs ?? 1_000));
        // Shutdown began while this stream was being opened: it ends after its first frames.
        if (this.closing) outbox.end('shutdown');
        this.startHeartbeat();
        return outbox;
      },
      release,
    };
  }

  /** A frame for one job event: counted, and for one from the live feed its delay since the status change observed. */
  sent(kind: StreamKind, updatedAt: string, live: boolean): void {
    this.options.metrics.eventsSent.inc({ stream: kind });
    if (!live) return;
    const delay = (Date.now() - Date.parse(updatedAt)) / 1_000;
    if (Number.isFinite(delay) && delay >= 0) this.options.metrics.eventDelay.observe({ stream: kind }, delay);
  }

  /** Shutdown: no new streams, every open one ended after what it has queued. */
  closeAll(): void {
    this.closing = true;
    for (const stream of [...this.open]) stream.outbox?.end('shutdown');
  }

  async close(): Promise<void> {
    this.closeAll();
    this.unfollow?.();
    clearInterval(this.timer);
  }

  /**
   * Follows the live feed for the open streams. One that finds no stream left when its
   * subscription comes back (all ended meanwhile) lets go of it at once.
   */
  private follow(): Promise<void> {
    // Compared once the subscription is back, when reserve() has stored it as this.following.
    let following: Promise<void> | undefined = undefined;
    following = (async () => {
      const unfollow = await this.options.events.follow(
        (record) => {
          for (const stream of this.open) if (stream.outbox?.open !== false) this.guard(stream, () => stream.follower.onEvent(record));
        },
        () => {
          this.options.logger.warn({}, 'job event feed was interrupted; open streams read their logs again');
          for (const stream of this.open) if (stream.outbox?.open !== false) this.guard(stream, () => stream.follower.onResync());
        },
      );
      if (this.following === following) this.unfollow = unfollow;
      else unfollow();
    })();
    following.catch(() => {
      if (this.following === following) this.following = undefined;
    });
    return following;
  }

  /**
   * No stream left: the heartbeat stops and the feed is let go, so an instance with no open
   * stream no longer decodes every job's every event. The next stream follows it again before
   * it reads any state.
   */
  private idle(): void {
    if (this.open.size > 0) return;
    clearInterval(this.timer);
    this.timer = undefined;
    const unfollow = this.unfollow;
    this.unfollow = undefined;
    this.following = undefined;
    unfollow?.();
  }

  private startHeartbeat(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      for (const stream of this.open) {
        if (!stream.outbox?.open) continue;
        stream.outbox.heartbeat();
        this.guard(stream, () => stream.follower.onTick?.());
      }
    }, this.options.heartbeatMs);
    this.timer.unref();
  }

  /** A stream's own failure ends that stream only, logged and counted. */
  private guard(stream: OpenStream, call: () => void): void {
    try {
      call();
    } catch (error) {
      this.options.logger.error({ err: error }, 'event stream failed; it is ended');
      stream.outbox?.end('error');
    }
  }

  private ended(stream: OpenStream, reason: OutboxEnd): void {
    this.open.delete(stream);
    this.options.metrics.eventStreamsOpen.dec({ stream: stream.kind });
    this.options.metrics.eventStreamsClosed.inc({ stream: stream.kind, reason });
    this.options.logger.debug({ stream: stream.kind, reason }, 'event stream ended');
    this.idle();
  }
}

export interface Reservation {
  /** Opens the stream's outbox (the response body). */
  start(mode: EventOutboxOptions['mode']): EventOutbox;
  /** Gives the place back when the stream is not opened after all (an error answer instead). */
  release(): void;
}
