import type { JobType, OutputFor, PayloadFor } from '../../contracts/index.js';

export interface ProviderContext {
  signal: AbortSignal;
  jobId: string;
  traceId: string;
}

/**
 * Executes one job type against its upstream API. Throws ProviderError, marked transient when a
 * retry may succeed.
 */
export interface JobProvider<T extends JobType = JobType> {
  readonly jobType: T;
  /** Upstream name, e.g. "open-meteo" or "simulated". */
  readonly name: string;
  execute(payload: PayloadFor<T>, context: ProviderContext): Promise<OutputFor<T>>;
}

export type ProviderRegistry = { [K in JobType]: JobProvider<K> };
