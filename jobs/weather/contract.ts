import { z } from 'zod';
import { defineJobType } from '../../contracts/job-type.js';

/** Current weather for a city: geocoded, then its forecast's current conditions. */
export default defineJobType({
  job_type: 'weather',
  display_name: 'Weather',
  description: 'Current weather for a city: temperature, conditions, humidity and wind.',
  payload: z.strictObject({
    city: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(100, 'must be at most 100 characters')
      .meta({ description: 'The city to look up', examples: ['Austin'] }),
    country_code: z
      .string()
      .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code in capitals, e.g. "US"')
      .meta({ title: 'Country code', description: 'ISO 3166-1 alpha-2, in capitals', examples: ['US'] }),
    units: z.enum(['metric', 'imperial']).meta({ description: 'Celsius or Fahrenheit' }),
  }),
  output: z.object({
    temperature: z.number(),
    condition: z.string(),
    humidity_pct: z.number(),
    wind_kph: z.number(),
    temperature_unit: z.enum(['C', 'F']).optional(),
    observed_at: z.string().optional(),
    location: z
      .object({ name: z.string(), country_code: z.string(), latitude: z.number(), longitude: z.number() })
      .optional(),
  }),
  example_payload: { city: 'Austin', country_code: 'US', units: 'metric' },
  label: (p) => `${p.city}, ${p.country_code}`,
});
