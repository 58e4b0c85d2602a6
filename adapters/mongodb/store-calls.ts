import type { RetryPolicy } from 'cockatiel';
import { toStoreError } from './mongo-errors.js';

/**
 * The calls of one MongoDB-backed store: each first awaits the store's set-up (its indexes, made
 * once; a failed set-up is tried again by the next call), retries throttled calls (every
 * operation of these stores is safe to repeat) and turns an unreachable server into
 * DependencyUnavailableError naming the store.
 */
export class StoreCalls {
  private prepared: Promise<void> | undefined;

  constructor(private readonly options: { dependency: string; retry: RetryPolicy; prepare: () => Promise<void> }) {}

  init(): Promise<void> {
    this.prepared ??= this.withRetry('ensure indexes', this.options.prepare).catch((error: unknown) => {
      this.prepared = undefined;
      throw error;
    });
    return this.prepared;
  }

  async run<T>(operation: string, call: () => Promise<T>): Promise<T> {
    await this.init();
    return this.withRetry(operation, call);
  }

  private async withRetry<T>(operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return await this.options.retry.execute(() => call());
    } catch (error) {
      throw toStoreError(error, operation, this.options.dependency);
    }
  }
}
