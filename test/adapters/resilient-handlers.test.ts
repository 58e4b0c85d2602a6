import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchJson } from '../../adapters/http/fetch-json.js';
import { withResilience, type BreakerState, type ResilienceOptions } from '../../adapters/resilience/resilient-handlers.js';
import { JOB_TYPES } from '../../contracts/index.js';
import { ProviderError } from '../../core/errors/index.js';
import type { JobHandler } from '../../core/ports/index.js';
import { jobContext } from '../support/job-harness.js';
import { ProviderStub } from '../support/provider-stub.js';

describe('a job handler behind retry and a circuit breaker, calling a real HTTP server', () => {
  const stub = new ProviderStub();
  beforeAll(() => stub.start());
  afterAll(() => stub.stop());
  /** A handler that GETs one path of the stub, as every HTTP handler does through fetchJson. */
  const handler = (path: string): JobHandler => ({
    jobType: JOB_TYPES[0],
    source: 'stub',
    run: async (_payload, context) => (await fetchJson('stub', new URL(path, stub.url), { signal: context.signal, timeoutMs: 200 })) as Record<string, unknown>,
  });
  const options = (overrides: Partial<ResilienceOptions>): ResilienceOptions => ({
    maxAttempts: 3,
    initialDelayMs: 5,
    maxDelayMs: 20,
    breakerThreshold: 5,
    breakerCooldownMs: 1000,
    ...overrides,
  });

  it('retries transient failures (503) with backoff and succeeds', async () => {
    let calls = 0;
    stub.routes.set('/busy', () => (++calls < 3 ? { status: 503, body: { message: 'busy' } } : { status: 200, body: { ok: true } }));
    const retries: number[] = [];
    const resilient = withResilience(handler('/busy'), options({ onRetry: (_s, _t, attempt) => retries.push(attempt) }));
    expect(await resilient.run({}, jobContext())).toEqual({ ok: true });
    expect(calls).toBe(3);
    expect(retries).toEqual([1, 2]);
  });

  it('does not retry a permanent failure (404)', async () => {
    let calls = 0;
    stub.routes.set('/gone', () => (++calls, { status: 404, body: { message: 'gone' } }));
    await expect(withResilience(handler('/gone'), options({})).run({}, jobContext())).rejects.toMatchObject({ providerCode: 'PROVIDER_REJECTED', transient: false });
    expect(calls).toBe(1);
  });

  it('treats a timeout as transient and gives up after the attempts', async () => {
    stub.routes.set('/hang', () => new Promise(() => {}));
    const error = await withResilience(handler('/hang'), options({ maxAttempts: 2 })).run({}, jobContext()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ providerCode: 'PROVIDER_TIMEOUT', transient: false });
    expect((error as Error).message).toContain('gave up after 2 attempts');
  });

  it('opens the circuit after repeated failures and short-circuits calls during the cool-down', async () => {
    let calls = 0;
    stub.routes.set('/flaky', () => (++calls, { status: 500, body: { message: 'boom' } }));
    const states: BreakerState[] = [];
    const resilient = withResilience(
      handler('/flaky'),
      options({ maxAttempts: 1, breakerThreshold: 3, breakerCooldownMs: 60_000, onBreakerStateChange: (_s, _t, state) => states.push(state) }),
    );
    for (let i = 0; i < 3; i++) await expect(resilient.run({}, jobContext())).rejects.toMatchObject({ providerCode: 'PROVIDER_UNAVAILABLE' });
    await expect(resilient.run({}, jobContext())).rejects.toMatchObject({ providerCode: 'PROVIDER_CIRCUIT_OPEN', transient: false });
    expect(calls).toBe(3);
    expect(states).toEqual(['closed', 'open']);
  });
});
