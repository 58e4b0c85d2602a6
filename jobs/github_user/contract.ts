import { z } from 'zod';
import { defineJobType } from '../../contracts/job-type.js';

/** A public GitHub profile's numbers. */
export default defineJobType({
  job_type: 'github_user',
  display_name: 'GitHub user',
  description: "A public GitHub profile: name, repositories, followers and when it was made.",
  payload: z.strictObject({
    username: z
      .string()
      .regex(
        /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/,
        'must be a GitHub login: letters, digits and single hyphens, at most 39 characters',
      )
      .meta({ description: 'A GitHub login', examples: ['octocat'] }),
  }),
  output: z.object({
    login: z.string(),
    name: z.string().nullable(),
    public_repos: z.number().int(),
    followers: z.number().int(),
    following: z.number().int(),
    created_at: z.string(),
    html_url: z.string(),
  }),
  example_payload: { username: 'octocat' },
  label: (p) => `@${p.username}`,
  limits: {
    // GitHub allows 60 requests an hour per client without a token: one quota for every job.
    rate: { key: () => 'api.github.com', points: 60, per_ms: 3_600_000 },
    // Lookups of one login never run side by side (their answers would be the same).
    concurrency: { key: 'username', max: 1 },
  },
});
