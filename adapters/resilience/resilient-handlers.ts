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
import type { JobType } from '../../contracts/index.js';
import { ProviderError } from '../../core/errors/index.js';
import type { JobHandler } from '../../core/ports/index.js';

export type BreakerState = 'closed' | 'open' | 'half-open' | 'isolated';

export interface ResilienceOptions {
  /** Calls per delivery, the first included (the job type's `attempts`). */
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** Consecutive failed calls (after retries) that open a handler's circuit. */
  breakerThreshold: number;
  breakerCooldownMs: number;
  onRetry?: (source: string, jobType: JobType, attempt: number, error: unknown) => void;
  onBreakerStateChange?: (source: string, jobType: JobType, state: BreakerState) => void;
}

const STATE_NAMES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

const isTransient = (error: Error) => error instanceof ProviderError && error.transient;

/**
 * Wraps a job type's handler in retry (exponential backoff with decorrelated jitter, transient
 * errors only) inside a circuit breaker: an upstream that keeps failing is short-circuited for a
 * cool-down, and its jobs fail fast with PROVIDER_CIRCUIT_OPEN instead of hammering it.
 */
export function withResilience(handler: JobHandler, options: ResilienceOptions): JobHandler {
  const retryPolicy = retry(handleWhen(isTransient), {
    maxAttempts: Math.max(0, options.maxAttempts - 1),
    backoff: new ExponentialBackoff({ initialDelay: options.initialDelayMs, maxDelay: options.maxDelayMs }),
  });
  const breaker = circuitBreaker(handleWhen(isTransient), {
    halfOpenAfter: options.breakerCooldownMs,
    breaker: new ConsecutiveBreaker(options.breakerThreshold),
  });
  retryPolicy.onRetry((event) => {
    options.onRetry?.(handler.source, handler.jobType, event.attempt, 'error' in event ? event.error : undefined);
  });
  breaker.onStateChange((state) => options.onBreakerStateChange?.(handler.source, handler.jobType, STATE_NAMES[state]));
  options.onBreakerStateChange?.(handler.source, handler.jobType, 'closed');
  const policy = wrap(breaker, retryPolicy);

  return {
    jobType: handler.jobType,
    source: handler.source,
    async run(payload, context) {
      try {
        return await policy.execute(({ signal }) => handler.run(payload, { ...context, signal }), context.signal);
      } catch (error) {
        if (error instanceof BrokenCircuitError) {
          throw new ProviderError('PROVIDER_CIRCUIT_OPEN', `${handler.source} keeps failing; calls are paused for a cool-down`, false, { cause: error });
        }
        if (error instanceof ProviderError && error.transient) {
          throw new ProviderError(error.providerCode, `${error.message} (gave up after ${options.maxAttempts} attempts)`, false, { cause: error });
        }
        throw error;
      }
    },
  };
}
