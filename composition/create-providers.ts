import type { Config } from '../config/index.js';
import type { ProviderRegistry } from '../core/ports/index.js';
import { createHttpProviders, createSimulatedProviders, withResilience } from '../adapters/providers/index.js';
import type { WorkerMetrics } from '../telemetry/index.js';

const BREAKER_STATE_VALUE = { closed: 0, open: 1, 'half-open': 2, isolated: 3 } as const;

/** Real HTTP providers or the simulation, each behind retry and a circuit breaker. */
export function createProviders(config: Config, metrics: WorkerMetrics): ProviderRegistry {
  const base =
    config.PROVIDER_MODE === 'http'
      ? createHttpProviders({
          timeoutMs: config.PROVIDER_TIMEOUT_MS,
          openMeteoForecastUrl: config.OPEN_METEO_FORECAST_URL,
          openMeteoGeocodingUrl: config.OPEN_METEO_GEOCODING_URL,
          quotableUrl: config.QUOTABLE_URL,
          frankfurterUrl: config.FRANKFURTER_URL,
          githubUrl: config.GITHUB_API_URL,
          ...(config.GITHUB_TOKEN ? { githubToken: config.GITHUB_TOKEN } : {}),
        })
      : createSimulatedProviders({ delayMs: config.SIMULATED_PROVIDER_DELAY_MS });
  return withResilience(base, {
    maxAttempts: config.PROVIDER_MAX_ATTEMPTS,
    initialDelayMs: config.PROVIDER_RETRY_INITIAL_MS,
    maxDelayMs: config.PROVIDER_RETRY_MAX_MS,
    breakerThreshold: config.PROVIDER_BREAKER_THRESHOLD,
    breakerCooldownMs: config.PROVIDER_BREAKER_COOLDOWN_MS,
    onRetry: (provider) => metrics.providerRetries.inc({ provider }),
    onBreakerStateChange: (provider, jobType, state) =>
      metrics.providerBreakerState.set({ provider, job_type: jobType }, BREAKER_STATE_VALUE[state]),
  });
}
