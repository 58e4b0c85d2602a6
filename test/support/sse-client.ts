import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { JobEventSchema, type JobEvent } from '../../contracts/index.js';
import { waitFor } from './wait-for.js';

export interface ReceivedEvent {
  id: string;
  event: string;
  data: JobEvent;
}

export interface SseStream {
  status: number;
  /** Every event received so far, in order. */
  events: ReceivedEvent[];
  /** Heartbeat comment lines received so far. */
  comments: number;
  /** Resolves when the server ended the stream; rejects when it was cut. */
  ended: Promise<'ended'>;
  /** Waits until `count` events have arrived and answers them. */
  waitForEvents(count: number, timeoutMs?: number): Promise<ReceivedEvent[]>;
  close(): void;
}

/**
 * An event-stream reader over fetch, as a browser's EventSource reads one (the WHATWG parser in
 * `eventsource-parser`), but one that does not reconnect by itself: the tests decide when and
 * with which Last-Event-ID.
 */
export async function openEventStream(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const abort = new AbortController();
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const events: ReceivedEvent[] = [];
  const stream: SseStream = {
    status: response.status,
    events,
    comments: 0,
    ended: Promise.resolve('ended'),
    waitForEvents: (count, timeoutMs = 10_000) =>
      waitFor(() => (events.length >= count ? events.slice(0, count) : undefined), { timeoutMs, what: `${count} events (got ${events.length}: ${JSON.stringify(events.map((e) => e.data.state))})` }),
    close: () => abort.abort(),
  };
  if (response.status !== 200 || !response.body) return stream;
  const parser = createParser({
    onEvent: (message: EventSourceMessage) => events.push({ id: message.id ?? '', event: message.event ?? 'message', data: JobEventSchema.parse(JSON.parse(message.data)) }),
    onComment: () => (stream.comments += 1),
  });
  const body = response.body;
  stream.ended = (async () => {
    const decoder = new TextDecoder();
    const reader = body.getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) parser.feed(decoder.decode(read.value, { stream: true }));
    return 'ended' as const;
  })();
  stream.ended.catch(() => {});
  return stream;
}
