import { MAX_REQUEST_BODY_BYTES } from '../../contracts/index.js';
import { InvalidJsonError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../../core/errors/index.js';
import type { ApiRequest } from './api-request.js';

/** `application/json` or a `+json` type, with any parameters (`; charset=utf-8`). */
const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json\s*(;|$)/i;

/**
 * Reads a JSON body, refusing bodies over the limit before parsing them. Only a body declared as
 * JSON is read: `text/plain`, forms and a missing header get 415, because those are what a web
 * page on another site can send without asking (a CORS "simple request").
 */
export async function readJsonBody(request: ApiRequest, limitBytes = MAX_REQUEST_BODY_BYTES): Promise<unknown> {
  const contentType = request.headers.get('content-type');
  if (!contentType || !JSON_MEDIA_TYPE.test(contentType.trim())) throw new UnsupportedMediaTypeError(contentType);
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > limitBytes) throw new PayloadTooLargeError(limitBytes);
  const bytes = Buffer.from(await request.arrayBuffer());
  if (bytes.length > limitBytes) throw new PayloadTooLargeError(limitBytes);
  const text = bytes.toString('utf8');
  if (text.trim() === '') throw new InvalidJsonError('the body is empty');
  try {
    return JSON.parse(text);
  } catch (error) {
    // The parser's own message quotes the body back and differs between Node versions.
    throw new InvalidJsonError(whereJsonBreaks(text, error as Error));
  }
}

/** Line and column of the first bad character when the parser names its position. */
function whereJsonBreaks(text: string, error: Error): string {
  const position = /position (\d+)/.exec(error.message)?.[1];
  if (position === undefined) return 'syntax error, or the body ends too early';
  const before = text.slice(0, Number(position));
  return `syntax error at line ${before.split('\n').length}, column ${Number(position) - before.lastIndexOf('\n')}`;
}
