import { z } from 'zod';
import { defineJobType } from '../../contracts/job-type.js';

const currencyCode = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code in capitals, e.g. "USD"');

/** A reference exchange rate, and an amount converted with it. */
export default defineJobType({
  job_type: 'exchange_rate',
  display_name: 'Exchange rate',
  description: "Today's reference rate between two currencies, and an amount converted with it.",
  payload: z
    .strictObject({
      base: currencyCode.meta({ description: 'ISO 4217 code to convert from', examples: ['USD'] }),
      target: currencyCode.meta({ description: 'ISO 4217 code to convert to', examples: ['EUR'] }),
      amount: z
        .number()
        .positive('must be greater than 0')
        .max(1e12, 'must be at most 1000000000000')
        .optional()
        .meta({ description: 'How much of base to convert (1 when left out)' }),
    })
    .refine((p) => p.base !== p.target, { path: ['target'], message: 'must differ from base' }),
  output: z.object({
    base: z.string(),
    target: z.string(),
    rate: z.number(),
    amount: z.number(),
    converted: z.number(),
    date: z.string(),
  }),
  example_payload: { base: 'USD', target: 'EUR', amount: 12.5 },
  // Frankfurter is a free public service: one base currency's burst takes at most 8 workers.
  limits: { concurrency: { key: 'base', max: 8 } },
  label: (p) => `${p.amount === undefined ? '' : `${p.amount} `}${p.base} → ${p.target}`,
});
