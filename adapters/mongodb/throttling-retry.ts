import { DelegateBackoff, handleWhen, retry, type IRetryBackoffContext, type RetryPolicy } from 'cockatiel';
import { MongoError } from 'mongodb';
import { backoffDelay } from '../shared/backoff.js';

/** Cosmos DB for MongoDB answers 16500 (TooManyRequests) when a request exceeds the provisioned RU/s. */
const COSMOS_TOO_MANY_REQUESTS = 16500;
const HTTP_TOO_MANY_REQUESTS = 429;
const THROTTLED_MESSAGE = /TooManyRequests|Request rate is large/i;
const RETRY_AFTER = /RetryAfterMs=(\d+)/i;

export interface ThrottlingRetryOptions {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_THROTTLING_RETRY: ThrottlingRetryOptions = { maxAttempts: 5, initialDelayMs: 50, maxDelayMs: 2_000 };

/** A request the server refused for its rate, not its content: retrying it later succeeds. */
export function isThrottlingError(error: unknown): boolean {
  if (!(error instanceof MongoError)) return false;
  if (error.code === COSMOS_TOO_MANY_REQUESTS || error.code === HTTP_TOO_MANY_REQUESTS) return true;
  const codeName = (error as { codeName?: unknown }).codeName;
  return codeName === 'TooManyRequests' || THROTTLED_MESSAGE.test(error.message);
}

/** The wait Cosmos asks for, from `RetryAfterMs` in the error's fields or its message. */
export function retryAfterMs(error: unknown): number | undefined {
  if (!(error instanceof MongoError)) return undefined;
  const field = (error as { RetryAfterMs?: unknown; errorResponse?: { RetryAfterMs?: unknown } }).RetryAfterMs ??
    (error as { errorResponse?: { RetryAfterMs?: unknown } }).errorResponse?.RetryAfterMs;
  if (typeof field === 'number' && Number.isFinite(field) && field >= 0) return field;
  const match = RETRY_AFTER.exec(error.message);
  return match ? Number(match[1]) : undefined;
}

/**
 * Retries throttled operations only (everything else fails at once), waiting what the server
 * asked for when it said (capped at `maxDelayMs`), otherwise exponential backoff with jitter.
 * Every operation of the result store is safe to repeat: reads, and an insert on the unique
 * job_id index, which only the first save of a job passes.
 */
export function createThrottlingRetry(options: ThrottlingRetryOptions = DEFAULT_THROTTLING_RETRY): RetryPolicy {
  const backoff = new DelegateBackoff<IRetryBackoffContext<unknown>>((context) => {
    const asked = 'error' in context.result ? retryAfterMs(context.result.error) : undefined;
    const delay = asked ?? backoffDelay(context.attempt - 1, { initialMs: options.initialDelayMs, maxMs: options.maxDelayMs });
    return Math.min(delay, options.maxDelayMs);
  });
  return retry(handleWhen(isThrottlingError), { maxAttempts: Math.max(0, options.maxAttempts - 1), backoff });
}
