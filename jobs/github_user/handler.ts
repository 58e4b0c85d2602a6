import { httpUrlSetting, secretSetting } from '../../config/setting-types.js';
import { ProviderError } from '../../core/errors/index.js';
import { defineJobHandler } from '../../core/ports/index.js';
import { seededUnit } from '../../core/simulation/seeded-random.js';
import contract from './contract.js';
import { GithubApiClient } from './github-api.js';

/** The login the simulation treats as unknown, so the failure path can be seen offline. */
export const SIMULATED_UNKNOWN_USER = 'no-such-user';

export default defineJobHandler(contract, {
  source: 'github',
  settings: {
    GITHUB_API_URL: httpUrlSetting('https://api.github.com'),
    /** Raises GitHub's rate limit from 60 to 5,000 requests an hour. */
    GITHUB_TOKEN: secretSetting(),
  },
  create: ({ settings, timeoutMs }) =>
    new GithubApiClient({ baseUrl: settings.GITHUB_API_URL, timeoutMs, token: settings.GITHUB_TOKEN }).run,
  simulate: async (p) => {
    if (p.username.toLowerCase() === SIMULATED_UNKNOWN_USER) {
      throw new ProviderError('GITHUB_USER_NOT_FOUND', `no GitHub user "${p.username}"`, false);
    }
    return {
      login: p.username,
      name: null,
      public_repos: Math.floor(seededUnit(p, 'r') * 200),
      followers: Math.floor(seededUnit(p, 'f') * 5000),
      following: Math.floor(seededUnit(p, 'g') * 300),
      created_at: '2015-06-01T00:00:00Z',
      html_url: `https://github.com/${p.username}`,
    };
  },
});
