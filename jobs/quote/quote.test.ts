import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderStub } from '../../test/support/provider-stub.js';
import { realHandler, simulate } from '../../test/support/job-harness.js';
import handler from './handler.js';

describe('quote', () => {
  const stub = new ProviderStub();
  beforeAll(() => stub.start());
  afterAll(() => stub.stop());

  it('asks Quotable for one random quote with the tag and length', async () => {
    stub.routes.set('/quotes/random', () => ({ status: 200, body: [{ _id: 'x', content: 'Well begun is half done.', author: 'Aristotle', tags: ['wisdom'], length: 24 }] }));
    const run = realHandler(handler, { QUOTABLE_URL: stub.url });
    expect(await run({ tag: 'wisdom', max_length: 100 })).toMatchObject({ author: 'Aristotle', tags: ['wisdom'] });
    expect(stub.hits).toContain('/quotes/random?limit=1&tags=wisdom&maxLength=100');
    stub.routes.set('/quotes/random', () => ({ status: 200, body: [] }));
    await expect(run({ tag: 'nothing' })).rejects.toMatchObject({ providerCode: 'QUOTE_NOT_FOUND', transient: false });
  });

  it('simulates a quote with the tag asked for', async () => {
    expect(await simulate(handler, { tag: 'wisdom' })).toMatchObject({ author: 'Aristotle' });
  });
});
