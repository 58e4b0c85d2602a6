import type { ErrorCode } from '../../../contracts/errors.js';
import { DtqError, DtqNetworkError } from '../../../client/errors.js';

/**
 * The UI's errors are the typed client's: an ApiError is an answer in dtq's error shape, a
 * NetworkError no usable answer at all.
 */
export { DtqError as ApiError, DtqNetworkError as NetworkError, toDtqError as toApiError } from '../../../client/errors.js';

export function isApiError(error: unknown, code?: ErrorCode): error is DtqError {
  return error instanceof DtqError && (code === undefined || error.code === code);
}

/** One sentence for any error the UI may meet. */
export function describeError(error: unknown): string {
  if (error instanceof DtqError) return `${error.message} (${error.code})`;
  if (error instanceof DtqNetworkError) return `Could not reach the dtq API: ${error.message}`;
  // MSAL's errors carry a stable errorCode; their messages are only links.
  const msalCode = (error as { errorCode?: unknown } | null)?.errorCode;
  if (typeof msalCode === 'string' && msalCode) return `Signing in with Microsoft Entra ID failed (${msalCode})`;
  return error instanceof Error ? error.message : String(error);
}
