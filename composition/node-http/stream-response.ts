import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ReadableStream } from 'node:stream/web';
import type { HttpResponseInit } from '@azure/functions';
import type { Logger } from '../../core/ports/index.js';

/** Whether a handler answered with a stream (the event routes) rather than a body to send at once. */
export function isStreamAnswer(init: HttpResponseInit): init is HttpResponseInit & { body: ReadableStream<Uint8Array> } {
  return init.body instanceof ReadableStream;
}

/**
 * Sends a streamed answer as it comes, chunked, with the socket's backpressure: the body is read
 * only when the socket has drained, so a slow reader never makes this process buffer more than
 * the stream's own bound. A client that goes away cancels the body.
 */
export function sendStream(res: ServerResponse, init: HttpResponseInit & { body: ReadableStream<Uint8Array> }, logger: Logger): void {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries((init.headers ?? {}) as Record<string, string>)) headers[name.toLowerCase()] = String(value);
  res.writeHead(init.status ?? 200, headers);
  res.flushHeaders();
  // Nagle's delay would hold small event frames back by tens of milliseconds.
  res.socket?.setNoDelay(true);
  pipeline(Readable.fromWeb(init.body, { highWaterMark: 1 }), res).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ERR_STREAM_PREMATURE_CLOSE') logger.debug({ err: error }, 'event stream cut');
  });
}
