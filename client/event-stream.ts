import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { DtqError, DtqNetworkError, toDtqError } from './errors.js';

export interface EventStreamOptions {
  url: string;
  headers: () => Promise<Record<string, string>>;
  fetch: typeof fetch;
  /** Resume after this event id (sent as Last-Event-ID). */
  lastEventId?: string;
  signal?: AbortSignal;
  /** Consecutive failed connections before giving up; a connection that delivered an event resets the count. */
  maxReconnects?: number;
  /** The wait before reconnecting when the server named none (its `retry:` field wins). */
  reconnectDelayMs?: number;
  /** Whether an event is the stream's last; a stream the server closes before it is reopened. */
  isLast?: (event: EventSourceMessage) => boolean;
  /** Called each time a connection is open (the first and every reconnect), before its events. */
  onOpen?: () => void;
}

function abortable(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Reads a text/event-stream answer, event by event, and reconnects with Last-Event-ID when the
 * connection drops or the server closes it before its last event (an API process shutting down
 * or restarted), so that a restart costs the caller nothing but a short wait. Ends after the
 * event `isLast` accepts; without `isLast`, follows the stream until the signal aborts.
 * Written over fetch rather than the browser's EventSource because EventSource cannot send
 * credentials headers and does not exist in Node 20.
 */
export async function* readEventStream(options: EventStreamOptions): AsyncGenerator<EventSourceMessage> {
  let lastEventId = options.lastEventId;
  let reconnectDelayMs = options.reconnectDelayMs ?? 1000;
  const maxReconnects = options.maxReconnects ?? 10;
  let failures = 0;
  for (;;) {
    const queue: EventSourceMessage[] = [];
    const parser = createParser({
      onEvent: (event) => queue.push(event),
      onRetry: (ms) => {
        reconnectDelayMs = ms;
      },
    });
    let response: Response;
    try {
      response = await options.fetch(options.url, {
        headers: { accept: 'text/event-stream', ...(await options.headers()), ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (++failures > maxReconnects) throw new DtqNetworkError(`the event stream could not be opened: ${String(error)}`, { cause: error });
      await abortable(reconnectDelayMs, options.signal);
      continue;
    }
    if (!response.ok || !response.body) {
      const error = await toDtqError(response);
      const retryable = response.status === 503 || response.status === 429;
      if (!retryable || ++failures > maxReconnects) throw error;
      const waitMs = error instanceof DtqError && error.retryAfterSeconds !== undefined ? error.retryAfterSeconds * 1000 : reconnectDelayMs;
      await abortable(waitMs, options.signal);
      continue;
    }
    options.onOpen?.();
    try {
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.feed(value);
        while (queue.length > 0) {
          const event = queue.shift()!;
          if (event.id !== undefined) lastEventId = event.id;
          failures = 0;
          yield event;
          if (options.isLast?.(event)) {
            await reader.cancel().catch(() => undefined);
            return;
          }
        }
      }
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (++failures > maxReconnects) throw new DtqNetworkError(`the event stream broke: ${String(error)}`, { cause: error });
      await abortable(reconnectDelayMs, options.signal);
      continue;
    }
    // Closed before its last event: the server went away cleanly; reopen where it stopped.
    if (++failures > maxReconnects) throw new DtqNetworkError('the event stream kept closing before its last event');
    await abortable(reconnectDelayMs, options.signal);
  }
}
