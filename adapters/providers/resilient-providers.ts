import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  circuitBreaker,
  handleWhen,
  retry,
  wrap,
} from 'cockatiel';
import { JOB_TYPES, type JobType } from '../../contracts/index.js';
import { ProviderError } from '../../core/errors/index.js';
import type { JobProvider, ProviderRegistry } from '../../core/ports/index.js';

export type BreakerState = 'closed' | 'open' | 'half-open' | 'isolated';

export interface ResilienceOptions {
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** Consecutive failed calls (after retries) that open a provider's circuit. */
  breakerThreshold: number;
  breakerCooldownMs: number;
  onRetry?: (provider: string, jobType: JobType, attempt: number, error: unknown) => void;
  onBreakerStateChange?: (provider: string, jobType: JobType, state: BreakerState) => void;
}

const STATE_NAMES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

const isTransient = (error: Error) => error instanceof ProviderError && error.transient;

/**
 * Wraps each provider in retry (exponential backoff with decorrelated jitter, transient errors
 * only) inside a circuit breaker: a provider that keeps failing is short-circuited for a
 * cool-down, and its jobs fail fast with PROVIDER_CIRCUIT_OPEN instead of hammering it.
 */
export function withResilience(providers: ProviderRegistry, options: ResilienceOptions): ProviderRegistry {
  const wrapped = {} as Record<JobType, JobProvider>;
  for (const jobType of JOB_TYPES) wrapped[jobType] = resilient(providers[jobType] as JobProvider, options);
  return wrapped as ProviderRegistry;
}

function resilient(provider: JobProvider, options: ResilienceOptions): JobProvider {
  const retryPolicy = retry(handleWhen(isTransient), {
    maxAttempts: Math.max(0, options.maxAttempts - 1),
    backoff: new ExponentialBackoff({ initialDelay: options.initialDelayMs, maxDelay: options.maxDelayMs }),
  });
  const breaker = circuitBreaker(handleWhen(isTransient), {
    halfOpenAfter: options.breakerCooldownMs,
    breaker: new ConsecutiveBreaker(options.breakerThreshold),
  });
  retryPolicy.onRetry((event) => {
    options.onRetry?.(provider.name, provider.jobType, event.attempt, 'error' in event ? event.error : undefined);
  });
  breaker.onStateChange((state) => options.onBreakerStateChange?.(provider.name, provider.jobType, STATE_NAMES[state]));
  options.onBreakerStateChange?.(provider.name, provider.jobType, 'closed');
  const policy = wrap(breaker, retryPolicy);

  return {
    jobType: provider.jobType,
    name: provider.name,
    async execute(payload, context) {
      try {
        return await policy.execute(({ signal }) => provider.execute(payload as never, { ...context, signal }), context.signal);
      } catch (error) {
        if (error instanceof BrokenCircuitError) {
          throw new ProviderError('PROVIDER_CIRCUIT_OPEN', `${provider.name} keeps failing; calls are paused for a cool-down`, false, { cause: error });
        }
        if (error instanceof ProviderError && error.transient) {
          throw new ProviderError(error.providerCode, `${error.message} (gave up after ${options.maxAttempts} attempts)`, false, { cause: error });
        }
        throw error;
      }
    },
  };
}
