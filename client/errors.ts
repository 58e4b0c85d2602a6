import { ErrorBodySchema, type ErrorCode, type FieldIssue } from '../contracts/errors.js';

/**
 * Every error the dtq API answers, as a class a caller can branch on with `instanceof`; the
 * stable `code` says exactly which. Subclasses group the codes by what a caller does about them.
 */
export class DtqError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly fields: FieldIssue[];
  readonly traceId: string;
  /** Seconds the API asked the caller to wait (429, 503), when it said. */
  readonly retryAfterSeconds: number | undefined;

  constructor(options: { status: number; code: ErrorCode; message: string; fields?: FieldIssue[]; traceId: string; retryAfterSeconds?: number }) {
    super(options.message);
    this.name = new.target.name;
    this.status = options.status;
    this.code = options.code;
    this.fields = options.fields ?? [];
    this.traceId = options.traceId;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** The request was wrong (400, 413, 415): fix it before sending it again. */
export class DtqInvalidRequestError extends DtqError {}
/** The job, result, dead letter, schedule or route does not exist (404). */
export class DtqNotFoundError extends DtqError {}
/** The request conflicts with the job's state or an earlier request (409, 422). */
export class DtqConflictError extends DtqError {}
/** The caller is not signed in or not allowed (401, 403). */
export class DtqAuthError extends DtqError {}
/** Too many requests (429): wait `retryAfterSeconds`. */
export class DtqRateLimitedError extends DtqError {}
/** dtq cannot answer now (503, 504, or an internal error): trying again later may work. */
export class DtqUnavailableError extends DtqError {}

/** No usable answer: the request never arrived, timed out, or something other than dtq replied. */
export class DtqNetworkError extends Error {
  /** The request that got no usable answer (`GET /v1/jobs/…/status`), when there was one. */
  readonly request: string | undefined;
  constructor(message: string, options?: { cause?: unknown; request?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DtqNetworkError';
    this.request = options?.request;
  }
}

/** A wait the caller bounded (`waitUntilDone`'s timeout) ran out before the job ended. */
export class DtqWaitTimeoutError extends Error {
  readonly jobId: string;
  constructor(jobId: string, timeoutMs: number) {
    super(`job ${jobId} did not end within ${timeoutMs} ms`);
    this.name = 'DtqWaitTimeoutError';
    this.jobId = jobId;
  }
}

function classFor(status: number): typeof DtqError {
  if (status === 401 || status === 403) return DtqAuthError;
  if (status === 404) return DtqNotFoundError;
  if (status === 409 || status === 422) return DtqConflictError;
  if (status === 429) return DtqRateLimitedError;
  if (status >= 500) return DtqUnavailableError;
  return DtqInvalidRequestError;
}

function retryAfter(response: Response): number | undefined {
  const seconds = Number(response.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds >= 0 && response.headers.has('retry-after') ? seconds : undefined;
}

/** Reads an error response; anything without dtq's error shape becomes a DtqNetworkError. */
export async function toDtqError(response: Response): Promise<DtqError | DtqNetworkError> {
  const text = await response.text().catch(() => '');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const body = ErrorBodySchema.safeParse(json);
  const retryAfterSeconds = retryAfter(response);
  // App Service Authentication answers a token it refuses with a bare 401 of its own.
  if (!body.success && response.status === 401) {
    const traceId = response.headers.get('x-trace-id') ?? '';
    return new DtqAuthError({ status: 401, code: 'UNAUTHORIZED', message: 'the API did not accept the sign-in', traceId });
  }
  if (!body.success) {
    return new DtqNetworkError(`the server answered ${response.status} ${response.statusText || ''} without a dtq error body`.trim());
  }
  const { code, message, details, trace_id } = body.data.error;
  const ErrorClass = classFor(response.status);
  return new ErrorClass({
    status: response.status,
    code,
    message,
    fields: details?.fields ?? [],
    traceId: trace_id,
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
  });
}

export function isDtqError(error: unknown, code?: ErrorCode): error is DtqError {
  return error instanceof DtqError && (code === undefined || error.code === code);
}
