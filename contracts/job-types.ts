import { z } from 'zod';

/** Every job type dtq runs. The Kafka topic, the payload schema and the provider follow from it. */
export const JOB_TYPES = ['weather', 'quote', 'exchange_rate', 'github_user'] as const;
export const JobTypeSchema = z.enum(JOB_TYPES);
export type JobType = z.infer<typeof JobTypeSchema>;

const countryCode = z
  .string()
  .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code in capitals, e.g. "US"');
const currencyCode = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code in capitals, e.g. "USD"');

export const WeatherPayloadSchema = z.strictObject({
  city: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  country_code: countryCode,
  units: z.enum(['metric', 'imperial']),
});

export const QuotePayloadSchema = z.strictObject({
  tag: z
    .string()
    .regex(/^[a-z][a-z-]{0,39}$/, 'must be a lowercase tag such as "wisdom"')
    .optional(),
  max_length: z
    .number()
    .int('must be a whole number')
    .min(20, 'must be at least 20')
    .max(500, 'must be at most 500')
    .optional(),
});

export const ExchangeRatePayloadSchema = z
  .strictObject({
    base: currencyCode,
    target: currencyCode,
    amount: z.number().positive('must be greater than 0').max(1e12, 'must be at most 1000000000000').optional(),
  })
  .refine((p) => p.base !== p.target, { path: ['target'], message: 'must differ from base' });

export const GithubUserPayloadSchema = z.strictObject({
  username: z
    .string()
    .regex(
      /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/,
      'must be a GitHub login: letters, digits and single hyphens, at most 39 characters',
    ),
});

export const JobPayloadSchemas = {
  weather: WeatherPayloadSchema,
  quote: QuotePayloadSchema,
  exchange_rate: ExchangeRatePayloadSchema,
  github_user: GithubUserPayloadSchema,
} as const satisfies Record<JobType, z.ZodType>;

export type WeatherPayload = z.infer<typeof WeatherPayloadSchema>;
export type QuotePayload = z.infer<typeof QuotePayloadSchema>;
export type ExchangeRatePayload = z.infer<typeof ExchangeRatePayloadSchema>;
export type GithubUserPayload = z.infer<typeof GithubUserPayloadSchema>;
export type JobPayload = WeatherPayload | QuotePayload | ExchangeRatePayload | GithubUserPayload;
export type PayloadFor<T extends JobType> = z.infer<(typeof JobPayloadSchemas)[T]>;
