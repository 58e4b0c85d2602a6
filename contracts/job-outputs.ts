import { z } from 'zod';
import type { JobType } from './job-types.js';

/**
 * What each provider returns. `source` names the upstream API; `simulated` is true when the
 * deterministic simulated provider produced it, so nobody mistakes it for real data.
 */
const provenance = {
  source: z.string().optional(),
  simulated: z.boolean().optional(),
};

export const WeatherOutputSchema = z.object({
  temperature: z.number(),
  condition: z.string(),
  humidity_pct: z.number(),
  wind_kph: z.number(),
  temperature_unit: z.enum(['C', 'F']).optional(),
  observed_at: z.string().optional(),
  location: z
    .object({
      name: z.string(),
      country_code: z.string(),
      latitude: z.number(),
      longitude: z.number(),
    })
    .optional(),
  ...provenance,
});

export const QuoteOutputSchema = z.object({
  content: z.string(),
  author: z.string(),
  tags: z.array(z.string()),
  ...provenance,
});

export const ExchangeRateOutputSchema = z.object({
  base: z.string(),
  target: z.string(),
  rate: z.number(),
  amount: z.number(),
  converted: z.number(),
  date: z.string(),
  ...provenance,
});

export const GithubUserOutputSchema = z.object({
  login: z.string(),
  name: z.string().nullable(),
  public_repos: z.number().int(),
  followers: z.number().int(),
  following: z.number().int(),
  created_at: z.string(),
  html_url: z.string(),
  ...provenance,
});

export const JobOutputSchemas = {
  weather: WeatherOutputSchema,
  quote: QuoteOutputSchema,
  exchange_rate: ExchangeRateOutputSchema,
  github_user: GithubUserOutputSchema,
} as const satisfies Record<JobType, z.ZodType>;

export type WeatherOutput = z.infer<typeof WeatherOutputSchema>;
export type QuoteOutput = z.infer<typeof QuoteOutputSchema>;
export type ExchangeRateOutput = z.infer<typeof ExchangeRateOutputSchema>;
export type GithubUserOutput = z.infer<typeof GithubUserOutputSchema>;
export type OutputFor<T extends JobType> = z.infer<(typeof JobOutputSchemas)[T]>;
