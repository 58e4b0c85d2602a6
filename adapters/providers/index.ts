export { createHttpProviders, type HttpProviderOptions } from './http/http-providers.js';
export { createSimulatedProviders, SIMULATED_FAILURES } from './simulated/simulated-providers.js';
export { withResilience, type BreakerState, type ResilienceOptions } from './resilient-providers.js';
