import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { errorResponse } from '../../api/http/responses.js';
import { responseBytes } from './response-bytes.js';

/** What Node's own client-error answer would be, for the errors that are not a malformed request. */
const BARE_STATUS_BY_ERROR: Record<string, number> = {
  ERR_HTTP_REQUEST_TIMEOUT: 408,
  HPE_HEADER_OVERFLOW: 431,
};

/**
 * Answers a request Node's parser refused (it never reaches the handler) and returns its status,
 * or undefined when nothing could be sent: a malformed request gets dtq's error shape; a
 * request too slow or with headers too large gets Node's own bare 408 or 431.
 */
export async function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): Promise<number | undefined> {
  if (!socket.writable || (error as { bytesParsed?: number }).bytesParsed === 0) {
    socket.destroy();
    return undefined;
  }
  const bare = BARE_STATUS_BY_ERROR[error.code ?? ''];
  if (bare !== undefined) {
    socket.end(`HTTP/1.1 ${bare} ${STATUS_CODES[bare]}\r\nconnection: close\r\n\r\n`);
    return bare;
  }
  const { status, headers, body } = await responseBytes(errorResponse('INVALID_REQUEST', 'the request is not well-formed HTTP/1.1', randomUUID()));
  const head = Object.entries({ ...headers, 'content-length': String(body.length), connection: 'close' }).map(([name, value]) => `${name}: ${value}`);
  socket.end(Buffer.concat([Buffer.from(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head.join('\r\n')}\r\n\r\n`), body]));
  return status;
}
