import { echoValue, type ErrorCode, type FieldIssue } from '../../contracts/index.js';

/**
 * Base of every error the domain and the adapters throw on purpose. The code is stable; the
 * hosts map codes to transport statuses in one place and never inspect messages.
 */
export abstract class DtqError extends Error {
  abstract readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.details = details;
  }
}

export class InvalidJsonError extends DtqError {
  readonly code = 'INVALID_JSON';
  constructor(reason: string) {
    super(`request body is not valid JSON: ${reason}`);
  }
}

/** A body sent as anything but JSON (HTTP 415): refused unread, so no HTML form can submit jobs. */
export class UnsupportedMediaTypeError extends DtqError {
  readonly code = 'UNSUPPORTED_MEDIA_TYPE';
  constructor(contentType: string | null) {
    super(
      `request body must be sent as content-type: application/json${contentType ? `, not ${contentType}` : ' (the header is missing)'}`,
      { fields: [{ field: 'content-type', message: 'must be application/json' }] },
    );
  }
}

export class InvalidBodyError extends DtqError {
  readonly code = 'INVALID_BODY';
  constructor(readonly fields: FieldIssue[]) {
    super(describeFields('request body is invalid', fields), { fields });
  }
}

export class UnknownJobTypeError extends DtqError {
  readonly code = 'UNKNOWN_JOB_TYPE';
  constructor(jobType: string, known: readonly string[]) {
    super(`job_type "${echoValue(jobType)}" is not one of ${known.join(', ')}`, {
      fields: [{ field: 'job_type', message: `must be one of ${known.join(', ')}` }],
      job_type: echoValue(jobType),
    });
  }
}

export class InvalidPayloadError extends DtqError {
  readonly code = 'INVALID_PAYLOAD';
  constructor(readonly fields: FieldIssue[]) {
    super(describeFields('payload is invalid', fields), { fields });
  }
}

export class InvalidQueryError extends DtqError {
  readonly code = 'INVALID_QUERY';
  constructor(readonly fields: FieldIssue[]) {
    super(describeFields('query is invalid', fields), { fields });
  }
}

export class InvalidJobIdError extends DtqError {
  readonly code = 'INVALID_JOB_ID';
  constructor(jobId: string) {
    super(`job_id "${echoValue(jobId)}" is not a UUID v4`, {
      fields: [{ field: 'job_id', message: 'must be a UUID v4' }],
    });
  }
}

export class InvalidIdempotencyKeyError extends DtqError {
  readonly code = 'INVALID_IDEMPOTENCY_KEY';
  constructor(message: string) {
    super(`Idempotency-Key header ${message}`, { fields: [{ field: 'Idempotency-Key', message }] });
  }
}

export class PayloadTooLargeError extends DtqError {
  readonly code = 'PAYLOAD_TOO_LARGE';
  constructor(limitBytes: number) {
    super(`request body exceeds ${limitBytes} bytes`, { limit_bytes: limitBytes });
  }
}

/** No credentials were sent (HTTP 401): the client should authenticate. */
export class UnauthorizedError extends DtqError {
  readonly code = 'UNAUTHORIZED';
  constructor(message = 'an API key is required: send it as "x-api-key: <key>" or "Authorization: Bearer <key>"') {
    super(message);
  }
}

/** Credentials were sent and refused (HTTP 403): sending the same again will not help. */
export class ForbiddenError extends DtqError {
  readonly code = 'FORBIDDEN';
  constructor() {
    super('the API key was not accepted');
  }
}

/** Too many requests from one caller, or too many refused credentials from one address (HTTP 429). */
export class RateLimitedError extends DtqError {
  readonly code = 'RATE_LIMITED';
  constructor(
    readonly reason: 'requests' | 'auth_failures',
    /** Whole seconds until the caller may try again (the Retry-After header). */
    readonly retryAfterSeconds: number,
  ) {
    super(
      reason === 'requests'
        ? `too many requests from this caller; retry after ${retryAfterSeconds} s`
        : `too many refused credentials from this address; retry after ${retryAfterSeconds} s`,
      { retry_after_s: retryAfterSeconds },
    );
  }
}

export class JobNotFoundError extends DtqError {
  readonly code = 'JOB_NOT_FOUND';
  constructor(jobId: string) {
    super(`job ${jobId} was not found`, { job_id: jobId });
  }
}

export class InvalidScheduleIdError extends DtqError {
  readonly code = 'INVALID_SCHEDULE_ID';
  constructor(scheduleId: string) {
    super(`schedule_id "${echoValue(scheduleId)}" is not a UUID v4`, { fields: [{ field: 'schedule_id', message: 'must be a UUID v4' }] });
  }
}

export class ScheduleNotFoundError extends DtqError {
  readonly code = 'SCHEDULE_NOT_FOUND';
  constructor(scheduleId: string) {
    super(`schedule ${scheduleId} was not found`, { schedule_id: scheduleId });
  }
}

export class ResultNotReadyError extends DtqError {
  readonly code = 'RESULT_NOT_READY';
  constructor(jobId: string, state: string) {
    super(`job ${jobId} has no result yet (state: ${state})`, { job_id: jobId, state });
  }
}

/**
 * An Idempotency-Key already held by a submission with another body (HTTP 409). Keys are strings
 * clients pick, so the holder may be another client: the answer names nothing of its job.
 */
export class IdempotencyConflictError extends DtqError {
  readonly code = 'IDEMPOTENCY_CONFLICT';
  constructor() {
    const message = 'was already used with another request body; send a new key for a new request';
    super(`Idempotency-Key ${message}`, { fields: [{ field: 'Idempotency-Key', message }] });
  }
}

/** Only a queued or running job can be cancelled (HTTP 409). */
export class JobNotCancellableError extends DtqError {
  readonly code = 'JOB_NOT_CANCELLABLE';
  constructor(jobId: string, state: string, reason = 'only a queued or running job can be cancelled') {
    super(`job ${jobId} is ${state}: ${reason}`, { job_id: jobId, state });
  }
}

/** Only a failed job whose result is stored can be retried (HTTP 409); `reason` says what is missing. */
export class JobNotRetryableError extends DtqError {
  readonly code = 'JOB_NOT_RETRYABLE';
  constructor(jobId: string, state: string, reason: string) {
    super(`job ${jobId} is ${state}: ${reason}`, { job_id: jobId, state });
  }
}

/** A dead-letter id is `<partition>-<offset>` (HTTP 400). */
export class InvalidDeadLetterIdError extends DtqError {
  readonly code = 'INVALID_DEAD_LETTER_ID';
  constructor(id: string) {
    super(`dead letter id "${echoValue(id)}" is not <partition>-<offset>`, { fields: [{ field: 'id', message: 'must be <partition>-<offset>' }] });
  }
}

export class DeadLetterNotFoundError extends DtqError {
  readonly code = 'DEAD_LETTER_NOT_FOUND';
  constructor(id: string) {
    super(`dead letter ${id} was not found on the dead-letter topic`, { id });
  }
}

/** A dead letter that still breaks the contract is not replayed (HTTP 422); `reason` says how. */
export class DeadLetterInvalidError extends DtqError {
  readonly code = 'DEAD_LETTER_INVALID';
  constructor(id: string, reason: string) {
    super(`dead letter ${id} still breaks the contract: ${reason}`, { id, reason });
  }
}

/** The dead letter's job has a result already, so replaying it would change nothing (HTTP 409). */
export class DeadLetterJobDoneError extends DtqError {
  readonly code = 'DEAD_LETTER_JOB_DONE';
  constructor(id: string, jobId: string, finalState: string) {
    super(`dead letter ${id}: job ${jobId} already ended ${finalState}; replaying it would not run it again`, { id, job_id: jobId, final_state: finalState });
  }
}

export class StatusTimeoutError extends DtqError {
  readonly code = 'STATUS_TIMEOUT';
  constructor(timeoutMs: number) {
    super(`no progress reply within ${timeoutMs} ms`, { timeout_ms: timeoutMs });
  }
}

/** A dependency (broker, store) cannot be reached now; the caller may retry later. */
export class DependencyUnavailableError extends DtqError {
  readonly code = 'SERVICE_UNAVAILABLE';
  constructor(readonly dependency: string, reason: string, options?: { cause?: unknown }) {
    super(`${dependency} is unavailable: ${reason}`, { dependency }, options);
  }
}

/**
 * The queue did not confirm a job's message (the publish failed or ran out of time), so whether
 * it was enqueued is unknown: a 503 whose details carry the job id. A retry with the same
 * Idempotency-Key and body finishes that job's enqueue.
 */
export class EnqueueUnconfirmedError extends DependencyUnavailableError {
  override readonly details: Record<string, unknown>;
  constructor(readonly jobId: string, reason: string, options?: { cause?: unknown }) {
    super('job queue', reason, options);
    this.details = { dependency: this.dependency, job_id: jobId, enqueue: 'unconfirmed' };
  }
}

export class ShuttingDownError extends DtqError {
  readonly code = 'SHUTTING_DOWN';
  constructor() {
    super('the service is shutting down; retry against another instance');
  }
}

/**
 * A provider call failed. Transient failures (timeouts, 5xx, 429) are retried; permanent ones
 * (bad input the upstream rejects, unknown city) fail the job.
 */
export class ProviderError extends Error {
  constructor(
    readonly providerCode: string,
    message: string,
    readonly transient: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ProviderError';
  }
}

/**
 * A provider said "not now, again after this long" (HTTP 429 with Retry-After): the job waits
 * that long, parked off the worker, and runs again without using an attempt. Not transient, so
 * retries within the delivery do not hammer the provider meanwhile, and the breaker ignores it.
 */
export class ProviderRetryAfterError extends ProviderError {
  constructor(provider: string, readonly retryAfterMs: number) {
    super('PROVIDER_RATE_LIMITED', `${provider} asked to wait ${Math.ceil(retryAfterMs / 1000)} s before the next request`, false);
    this.name = 'ProviderRetryAfterError';
  }
}

/**
 * The result store refused a job's result document for good (not an outage): something in it,
 * such as a character its database cannot hold, will be refused however often it is sent. The
 * store's own words stay in `cause`, for the logs.
 */
export class ResultRefusedError extends Error {
  constructor(readonly jobId: string, options?: { cause?: unknown }) {
    super(`the result store refused the result document of job ${jobId}`, options);
    this.name = 'ResultRefusedError';
  }
}

function describeFields(prefix: string, fields: FieldIssue[]): string {
  const first = fields[0];
  if (!first) return prefix;
  const more = fields.length > 1 ? ` (and ${fields.length - 1} more)` : '';
  return `${prefix}: ${first.field}: ${first.message}${more}`;
}


/** This instance cannot take more of something now (its event streams are at their limit); another instance, or a retry, may. */
export class ServiceUnavailableError extends DtqError {
  readonly code = 'SERVICE_UNAVAILABLE';
}
