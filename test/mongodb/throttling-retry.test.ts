import { MongoNetworkError, MongoServerError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { createThrottlingRetry, isThrottlingError, retryAfterMs, toStoreError } from '../../adapters/mongodb/index.js';
import { DependencyUnavailableError } from '../../core/errors/index.js';

/** What Cosmos DB for MongoDB sends when a request exceeds the provisioned throughput. */
const throttled = (retryAfter?: number) =>
  new MongoServerError({
    code: 16500,
    codeName: 'TooManyRequests',
    errmsg: `Error=16500,${retryAfter === undefined ? '' : ` RetryAfterMs=${retryAfter},`} Details='Response status code does not indicate success: TooManyRequests (429)'`,
  });

/** A call that throws `failures` errors, then answers "done". */
function flaky(failures: unknown[]) {
  const call = async () => {
    call.calls += 1;
    const next = failures.shift();
    if (next) throw next;
    return 'done';
  };
  call.calls = 0;
  return call;
}

function retryWithDelays(options = { maxAttempts: 5, initialDelayMs: 1, maxDelayMs: 40 }) {
  const policy = createThrottlingRetry(options);
  const delays: number[] = [];
  policy.onRetry((event) => delays.push(event.delay));
  return { policy, delays };
}

describe('throttling retry (Cosmos DB 16500)', () => {
  it('retries a throttled call until it succeeds, waiting what RetryAfterMs asks', async () => {
    const { policy, delays } = retryWithDelays();
    const call = flaky([throttled(7), throttled(3)]);
    await expect(policy.execute(call)).resolves.toBe('done');
    expect(call.calls).toBe(3);
    expect(delays).toEqual([7, 3]);
  });

  it('backs off exponentially within the cap when the server names no wait, and caps a long one', async () => {
    const { policy, delays } = retryWithDelays();
    const call = flaky([throttled(), throttled(), throttled(60_000)]);
    await expect(policy.execute(call)).resolves.toBe('done');
    expect(call.calls).toBe(4);
    expect(delays.slice(0, 2).every((d) => d >= 0 && d <= 40)).toBe(true);
    expect(delays[2]).toBe(40);
  });

  it('gives up after the bounded number of attempts with the last error', async () => {
    const { policy } = retryWithDelays({ maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5 });
    const call = flaky([throttled(1), throttled(1), throttled(1), throttled(1)]);
    const error = await policy.execute(call).catch((caught: unknown) => caught);
    expect(call.calls).toBe(3);
    expect(isThrottlingError(error)).toBe(true);
    expect(toStoreError(error, 'save')).toBeInstanceOf(DependencyUnavailableError);
  });

  it('does not retry anything else', async () => {
    for (const error of [new MongoServerError({ code: 11000, errmsg: 'E11000 duplicate key error' }), new Error('bug'), new MongoNetworkError('reset')]) {
      const { policy } = retryWithDelays();
      const call = flaky([error]);
      await expect(policy.execute(call)).rejects.toBe(error);
      expect(call.calls).toBe(1);
    }
  });

  it('recognises throttling by code 16500, 429, or the TooManyRequests message', () => {
    expect(isThrottlingError(throttled())).toBe(true);
    expect(isThrottlingError(new MongoServerError({ code: 429, errmsg: 'rate limited' }))).toBe(true);
    expect(isThrottlingError(new MongoServerError({ code: 2, errmsg: 'Request rate is large' }))).toBe(true);
    expect(isThrottlingError(new MongoServerError({ code: 2, errmsg: 'BadValue' }))).toBe(false);
    expect(isThrottlingError({ code: 16500 })).toBe(false);
    expect(retryAfterMs(throttled(12))).toBe(12);
    expect(retryAfterMs(throttled())).toBeUndefined();
  });
});
