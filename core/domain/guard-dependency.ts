import { DependencyUnavailableError, DtqError } from '../errors/index.js';
import { withinDeadline } from '../time/index.js';

/**
 * How long a request waits on any one dependency call before it answers 503: a store or broker
 * that hangs (frozen, partitioned) must not hold a client for the tens of seconds its driver
 * would wait.
 */
export const DEPENDENCY_DEADLINE_MS = 5_000;

/**
 * Lets typed errors through and turns anything else a dependency throws, or its silence past
 * the deadline, into a 503-class error.
 */
export async function guardDependency<T>(dependency: string, call: () => Promise<T>, deadlineMs = DEPENDENCY_DEADLINE_MS): Promise<T> {
  try {
    return await withinDeadline(
      Promise.resolve().then(call),
      deadlineMs,
      () => new DependencyUnavailableError(dependency, `no answer within ${deadlineMs} ms`),
    );
  } catch (error) {
    if (error instanceof DtqError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new DependencyUnavailableError(dependency, reason, { cause: error });
  }
}
