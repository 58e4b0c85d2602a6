import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderStub } from '../../test/support/provider-stub.js';
import { realHandler, simulate } from '../../test/support/job-harness.js';
import handler, { SIMULATED_UNKNOWN_CURRENCY } from './handler.js';

describe('exchange_rate', () => {
  const stub = new ProviderStub();
  beforeAll(() => stub.start());
  afterAll(() => stub.stop());

  it('reads the latest rate from Frankfurter and converts the amount', async () => {
    stub.routes.set('/v1/latest', (_req, url) => ({ status: 200, body: { amount: 1, base: url.searchParams.get('base'), date: '2026-02-13', rates: { EUR: 0.92 } } }));
    const run = realHandler(handler, { FRANKFURTER_URL: stub.url });
    expect(await run({ base: 'USD', target: 'EUR', amount: 10 })).toMatchObject({ rate: 0.92, converted: 9.2, date: '2026-02-13' });
    stub.routes.set('/v1/latest', () => ({ status: 404, body: { message: 'not found' } }));
    await expect(run({ base: 'USD', target: 'ZZZ' })).rejects.toMatchObject({ providerCode: 'UNKNOWN_CURRENCY', transient: false });
  });

  it('simulates a rate, and an unknown currency as the real API would', async () => {
    const out = await simulate(handler, { base: 'USD', target: 'EUR', amount: 2 });
    expect(out.converted).toBeCloseTo(out.rate * 2, 5);
    await expect(simulate(handler, { base: 'USD', target: SIMULATED_UNKNOWN_CURRENCY })).rejects.toMatchObject({ providerCode: 'UNKNOWN_CURRENCY' });
  });
});
