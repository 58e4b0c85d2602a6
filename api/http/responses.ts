import type { HttpResponseInit } from '@azure/functions';
import { ERROR_CODES, type ErrorBody, type ErrorCode } from '../../contracts/index.js';
import { DependencyUnavailableError, DtqError, RateLimitedError } from '../../core/errors/index.js';

/** The one place where error codes become HTTP statuses. */
export const HTTP_STATUS_BY_CODE: Record<ErrorCode, number> = {
  INVALID_JSON: 400,
  INVALID_BODY: 400,
  UNKNOWN_JOB_TYPE: 400,
  INVALID_PAYLOAD: 400,
  INVALID_QUERY: 400,
  INVALID_JOB_ID: 400,
  INVALID_IDEMPOTENCY_KEY: 400,
  INVALID_DEAD_LETTER_ID: 400,
  INVALID_HOST: 400,
  INVALID_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  JOB_NOT_FOUND: 404,
  SCHEDULE_NOT_FOUND: 404,
  INVALID_SCHEDULE_ID: 400,
  DEAD_LETTER_NOT_FOUND: 404,
  RESULT_NOT_READY: 404,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  IDEMPOTENCY_CONFLICT: 409,
  JOB_NOT_CANCELLABLE: 409,
  JOB_NOT_RETRYABLE: 409,
  DEAD_LETTER_JOB_DONE: 409,
  INVALID_OPERATION_ID: 400,
  BULK_OPERATION_NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  DEAD_LETTER_INVALID: 422,
  INTERNAL: 500,
  SERVICE_UNAVAILABLE: 503,
  SHUTTING_DOWN: 503,
  STATUS_TIMEOUT: 504,
};

/** Browsers must take an API answer for what its content-type says, never sniff it into HTML. */
export const NOSNIFF = { 'x-content-type-options': 'nosniff' } as const;

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...NOSNIFF };

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponseInit {
  return { status, jsonBody: body, headers: { ...JSON_HEADERS, ...headers } };
}

export function errorResponse(
  code: ErrorCode,
  message: string,
  traceId: string,
  details?: Record<string, unknown>,
  headers: Record<string, string> = {},
): HttpResponseInit {
  const status = HTTP_STATUS_BY_CODE[code];
  const body: ErrorBody = { error: { code, message, ...(details ? { details } : {}), trace_id: traceId } };
  const retry: Record<string, string> = status === 503 ? { 'retry-after': '1' } : {};
  // RFC 9110: a 401 names the scheme to authenticate with.
  const challenge: Record<string, string> = status === 401 ? { 'www-authenticate': 'Bearer realm="dtq"' } : {};
  return jsonResponse(status, body, { ...retry, ...challenge, 'x-trace-id': traceId, ...headers });
}

/** Maps a thrown error to the error body; anything untyped is an INTERNAL error without internals. */
export function responseForError(error: unknown, traceId: string): HttpResponseInit {
  if (error instanceof DependencyUnavailableError) {
    // Its reason names hosts, ports and topics: that goes to the logs, the client learns what to do.
    return errorResponse(error.code, `${error.dependency} is unavailable; retry shortly`, traceId, error.details);
  }
  if (error instanceof RateLimitedError) {
    return errorResponse(error.code, error.message, traceId, error.details, { 'retry-after': String(error.retryAfterSeconds) });
  }
  if (error instanceof DtqError && (ERROR_CODES as readonly string[]).includes(error.code)) {
    return errorResponse(error.code, error.message, traceId, error.details);
  }
  return errorResponse('INTERNAL', 'an unexpected error occurred; the trace id identifies it in the logs', traceId);
}
