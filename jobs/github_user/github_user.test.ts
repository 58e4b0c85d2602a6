import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderStub } from '../../test/support/provider-stub.js';
import { realHandler, simulate } from '../../test/support/job-harness.js';
import handler, { SIMULATED_UNKNOWN_USER } from './handler.js';

describe('github_user', () => {
  const stub = new ProviderStub();
  beforeAll(() => stub.start());
  afterAll(() => stub.stop());

  it('reads a public profile from the GitHub REST API, with the token when one is set', async () => {
    let authorization: string | undefined;
    stub.routes.set('/users/octocat', (req) => {
      authorization = req.headers.authorization;
      return { status: 200, body: { login: 'octocat', id: 1, name: 'The Octocat', public_repos: 8, followers: 100, following: 9, created_at: '2011-01-25T18:44:36Z', html_url: 'https://github.com/octocat' } };
    });
    const run = realHandler(handler, { GITHUB_API_URL: stub.url, GITHUB_TOKEN: 'gh-token' });
    expect(await run({ username: 'octocat' })).toMatchObject({ login: 'octocat', public_repos: 8 });
    expect(authorization).toBe('Bearer gh-token');
    await expect(run({ username: 'missing' })).rejects.toMatchObject({ providerCode: 'GITHUB_USER_NOT_FOUND', transient: false });
    stub.routes.set('/users/limited', () => ({ status: 403, body: { message: 'API rate limit exceeded' } }));
    await expect(run({ username: 'limited' })).rejects.toMatchObject({ providerCode: 'PROVIDER_RATE_LIMITED', transient: true });
  });

  it('simulates a profile, and an unknown user as the real API would', async () => {
    expect(await simulate(handler, { username: 'octocat' })).toMatchObject({ login: 'octocat', html_url: 'https://github.com/octocat' });
    await expect(simulate(handler, { username: SIMULATED_UNKNOWN_USER })).rejects.toMatchObject({ providerCode: 'GITHUB_USER_NOT_FOUND' });
  });
});
