import { ProviderError } from '../../core/errors/index.js';
import type { JobRun } from '../../core/ports/index.js';
import { expectShape, fetchJson } from '../../adapters/http/fetch-json.js';
import type contract from './contract.js';

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
export class GithubApiClient {
  readonly name = 'github';

  constructor(private readonly options: { baseUrl: string; timeoutMs: number; token?: string | undefined }) {}

  readonly run: JobRun<typeof contract> = async (payload, context) => {
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
    };
  };
}
