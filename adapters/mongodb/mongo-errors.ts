import {
  BSON,
  MongoClientClosedError,
  MongoError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';
import { DependencyUnavailableError } from '../../core/errors/index.js';
import { isThrottlingError } from './throttling-retry.js';

/** E11000, as a server error's or a bulk write error's code. */
export const DUPLICATE_KEY = 11000;
/** Cosmos DB: the server-side retry of a throttled request ran out of time. */
const EXCEEDED_TIME_LIMIT = 50;

/** E11000: another writer inserted the same unique key first. */
export function isDuplicateKeyError(error: unknown): boolean {
  return error instanceof MongoError && error.code === DUPLICATE_KEY;
}

/** Failures that say "the store cannot be reached or is overloaded now", not "the request is wrong". */
export function isUnavailableError(error: unknown): boolean {
  return (
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoNotConnectedError ||
    error instanceof MongoTopologyClosedError ||
    error instanceof MongoClientClosedError ||
    error instanceof MongoOperationTimeoutError ||
    (error instanceof MongoError && error.code === EXCEEDED_TIME_LIMIT) ||
    isThrottlingError(error)
  );
}

/** Refusals that are about who asks, not what is sent: no other document would fare better. */
const ACCESS_REFUSED = new Set([13 /* Unauthorized */, 18 /* AuthenticationFailed */]);

/**
 * A write the store refuses because of the document itself, for good: the driver cannot encode
 * it (a key with a NUL), or the server answered with an error that is no outage, no duplicate
 * and no access refusal (FerretDB answers code 1, "unsupported Unicode escape sequence (SQLSTATE
 * 22P05)", for a NUL in a string).
 */
export function isRefusedDocumentError(error: unknown): boolean {
  if (BSON.BSONError.isBSONError(error)) return true;
  return (
    error instanceof MongoServerError &&
    !isUnavailableError(error) &&
    !isDuplicateKeyError(error) &&
    !(typeof error.code === 'number' && ACCESS_REFUSED.has(error.code))
  );
}

/**
 * What the result store throws: DependencyUnavailableError (→ 503, record redelivered) when
 * MongoDB is down, unreachable or throttling; anything else unchanged, since it is a bug or a
 * misconfiguration that a retry will not fix.
 */
export function toStoreError(error: unknown, operation: string, dependency = 'result store'): unknown {
  if (!isUnavailableError(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new DependencyUnavailableError(dependency, `${operation}: ${reason}`, { cause: error });
}
