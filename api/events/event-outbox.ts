import { ReadableStream, type ReadableStreamDefaultController } from 'node:stream/web';

const encoder = new TextEncoder();

/** The response body of an event stream, as both hosts take it. */
export type EventStreamBody = ReadableStream<Uint8Array>;

export type OutboxEnd = 'final' | 'client' | 'slow' | 'shutdown' | 'resync' | 'error';

export interface EventOutboxOptions {
  /**
   * How a reader that falls behind is bounded. 'every-event' keeps each frame in order and,
   * past `maxPending`, ends the stream (its client resumes with Last-Event-ID and misses
   * nothing). 'latest-per-key' keeps only the newest frame per key (a job's newer state replaces
   * the one not yet sent), and past `maxPending` keys ends the stream too.
   */
  mode: 'every-event' | 'latest-per-key';
  maxPending: number;
  /** A frame replaced before it was sent ('latest-per-key'). */
  onReplaced?: () => void;
  /** Once, when the stream is over, with why. */
  onEnd: (reason: OutboxEnd) => void;
}

/**
 * What one event stream has yet to send, and the response body that sends it. The body is a
 * pull stream: a frame leaves only when the transport asks for more (the socket drained), so a
 * slow reader holds at most `maxPending` frames here, whatever happens meanwhile. Works as the
 * body of both hosts' responses (a web ReadableStream).
 */
export class EventOutbox {
  readonly body: ReadableStream<Uint8Array>;
  private readonly pending = new Map<string, string>();
  private sequence = 0;
  private wake: (() => void) | undefined;
  private ending: OutboxEnd | undefined;
  private ended = false;
  private controller: ReadableStreamDefaultController<Uint8Array> | undefined;

  constructor(private readonly options: EventOutboxOptions) {
    this.body = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.controller = controller;
        },
        pull: async (controller) => {
          while (this.pending.size === 0 && this.ending === undefined) await new Promise<void>((resolve) => (this.wake = resolve));
          if (this.pending.size > 0 && this.ending !== 'client') {
            controller.enqueue(encoder.encode([...this.pending.values()].join('')));
            this.pending.clear();
          }
          if (this.ending !== undefined) {
            if (this.ending !== 'slow' && this.ending !== 'client') controller.close();
            this.finish(this.ending);
          }
        },
        cancel: () => this.stop('client'),
      },
      { highWaterMark: 0 },
    );
  }

  get open(): boolean {
    return this.ending === undefined;
  }

  /** Queues a frame; `key` names what a newer frame replaces ('latest-per-key'). False once the stream is ending. */
  push(frame: string, key?: string): boolean {
    if (this.ending !== undefined) return false;
    const slot = this.options.mode === 'latest-per-key' && key !== undefined ? key : `#${this.sequence++}`;
    if (this.pending.delete(slot)) this.options.onReplaced?.();
    this.pending.set(slot, frame);
    if (this.pending.size > this.options.maxPending) {
      // Too far behind: what it has not read is dropped and the stream ends, so memory stays bounded.
      this.pending.clear();
      this.stop('slow');
      return false;
    }
    this.wakeReader();
    return true;
  }

  /** A comment line, only when nothing else waits (anything else shows the stream alive). */
  heartbeat(): void {
    if (this.pending.size === 0) this.push(': heartbeat\n\n');
  }

  /** Sends what is queued (and `frame`), then ends the stream. */
  end(reason: OutboxEnd, frame?: string): void {
    if (frame !== undefined) this.push(frame);
    this.stop(reason);
  }

  private stop(reason: OutboxEnd): void {
    if (this.ending !== undefined) return;
    this.ending = reason;
    if (reason === 'slow') {
      // A reader this far behind may not read at all: the stream is cut, not drained.
      this.controller?.error(new Error('the event stream\'s reader fell too far behind'));
      this.finish(reason);
    }
    if (reason === 'client') this.finish(reason);
    this.wakeReader();
  }

  private wakeReader(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private finish(reason: OutboxEnd): void {
    if (this.ended) return;
    this.ended = true;
    this.pending.clear();
    this.options.onEnd(reason);
  }
}

/** One SSE frame: `id:`, `event:` and the JSON on one `data:` line (JSON.stringify never writes a newline). */
export function eventFrame(id: string, event: string, data: unknown): string {
  return `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The first bytes of every stream: how soon EventSource should reconnect when the stream ends early. */
export function retryFrame(retryMs: number): string {
  return `retry: ${retryMs}\n\n`;
}
