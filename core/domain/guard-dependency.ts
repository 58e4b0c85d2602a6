import { DependencyUnavailableError, DtqError } from '../errors/index.js';

/** Lets typed errors through and turns anything else a dependency throws into a 503-class error. */
export async function guardDependency<T>(dependency: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof DtqError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new DependencyUnavailableError(dependency, reason, { cause: error });
  }
}
