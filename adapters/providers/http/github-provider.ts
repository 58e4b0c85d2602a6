import type { GithubUserOutput, GithubUserPayload } from '../../../contracts/index.js';
import { ProviderError } from '../../../core/errors/index.js';
import type { JobProvider, ProviderContext } from '../../../core/ports/index.js';
import { expectShape, fetchJson } from './fetch-json.js';

interface GithubUser {
  login: string;
  name: string | null;
  public_repos: number;
  followers: number;
  following: number;
  created_at: string;
  html_url: string;
}

/** A public GitHub profile from the REST API (`GET /users/{username}`). */
export class GithubUserProvider implements JobProvider<'github_user'> {
  readonly jobType = 'github_user' as const;
  readonly name = 'github';

  constructor(private readonly options: { baseUrl: string; timeoutMs: number; token?: string }) {}

  async execute(payload: GithubUserPayload, context: ProviderContext): Promise<GithubUserOutput> {
    const url = new URL(`/users/${encodeURIComponent(payload.username)}`, this.options.baseUrl);
    const user = expectShape<GithubUser>(
      this.name,
      await fetchJson(this.name, url, {
        signal: context.signal,
        timeoutMs: this.options.timeoutMs,
        headers: {
          accept: 'application/vnd.github+json',
          'user-agent': 'dtq-worker',
          'x-github-api-version': '2022-11-28',
          ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}),
        },
        onStatus: (status) => {
          if (status === 404) return new ProviderError('GITHUB_USER_NOT_FOUND', `no GitHub user "${payload.username}"`, false);
          // GitHub answers 403 or 429 when the rate limit is spent; it resets, so retry later.
          if (status === 403) return new ProviderError('PROVIDER_RATE_LIMITED', 'GitHub rate limit reached', true);
          return undefined;
        },
      }),
      (v) => typeof v.login === 'string' && typeof v.public_repos === 'number',
    );
    return {
      login: user.login,
      name: user.name,
      public_repos: user.public_repos,
      followers: user.followers,
      following: user.following,
      created_at: user.created_at,
      html_url: user.html_url,
      source: this.name,
      simulated: false,
    };
  }
}
