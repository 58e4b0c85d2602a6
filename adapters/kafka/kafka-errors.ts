import { DependencyUnavailableError, DtqError } from '../../core/errors/index.js';

/** Typed errors pass through; anything kafkajs throws becomes "kafka is unavailable" (503-class). */
export function asUnavailable(error: unknown, what: string): DtqError {
  if (error instanceof DtqError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new DependencyUnavailableError('kafka', `${what}: ${reason}`, { cause: error });
}

/** Whether kafkajs marks the error (or the error it wraps) as worth retrying. */
export function isRetriable(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if ((e as { retriable?: unknown }).retriable === true) return true;
  }
  return false;
}

/**
 * Whether a consumer crash is worth restarting from: a retriable error anywhere in the chain, or
 * no group coordinator found (kafkajs' final answer while the broker is away or restarting).
 */
export function isTransient(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e.name === 'KafkaJSGroupCoordinatorNotFound') return true;
  }
  return isRetriable(error);
}
