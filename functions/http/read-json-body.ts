import type { HttpRequest } from '@azure/functions';
import { MAX_REQUEST_BODY_BYTES } from '../../contracts/index.js';
import { InvalidJsonError, PayloadTooLargeError } from '../../core/errors/index.js';

/**
 * Reads a JSON body, refusing bodies over the limit before parsing them. Any content type is
 * read as JSON, so `curl -d` works without a header.
 */
export async function readJsonBody(request: HttpRequest, limitBytes = MAX_REQUEST_BODY_BYTES): Promise<unknown> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > limitBytes) throw new PayloadTooLargeError(limitBytes);
  const bytes = Buffer.from(await request.arrayBuffer());
  if (bytes.length > limitBytes) throw new PayloadTooLargeError(limitBytes);
  const text = bytes.toString('utf8');
  if (text.trim() === '') throw new InvalidJsonError('the body is empty');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidJsonError((error as Error).message);
  }
}
