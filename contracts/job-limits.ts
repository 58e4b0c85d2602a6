import { z } from 'zod';

/**
 * Flow limits a job type may declare on its jobs, per key taken from the payload: at most `max`
 * jobs of one key run at once across all workers (`concurrency`), and at most `points` jobs of
 * one key start within any `per_ms` window (`rate`). A key is a payload field's path
 * ("country_code", "account.id") or a function of the validated payload; a function that
 * answers a constant puts every job of the type under one key (a provider's shared quota).
 */
export type LimitKey<Payload> = string | ((payload: Payload) => string);

export interface JobLimits<Payload = Record<string, unknown>> {
  concurrency?: { key: LimitKey<Payload>; max: number };
  rate?: { key: LimitKey<Payload>; points: number; per_ms: number };
}

/** The limits in force for one job type, after configuration: GET /v1/job-types shows them. */
export const JobLimitsInfoSchema = z
  .object({
    concurrency: z
      .object({
        key: z.string().meta({ description: 'The payload field whose value is the key, or "(computed)" when a function of the payload makes it' }),
        max: z.number().int().min(1).meta({ description: 'Jobs of one key running at once, across all workers' }),
      })
      .optional(),
    rate: z
      .object({
        key: z.string().meta({ description: 'The payload field whose value is the key, or "(computed)"' }),
        points: z.number().int().min(1).meta({ description: 'Jobs of one key that may start within per_ms' }),
        per_ms: z.number().int().min(1).meta({ description: 'The window of the rate, in milliseconds' }),
      })
      .optional(),
  })
  .meta({ description: 'Per-key limits on the jobs of this type; empty when none' });
export type JobLimitsInfo = z.infer<typeof JobLimitsInfoSchema>;

/** How a declared key reads in GET /v1/job-types. */
export const COMPUTED_KEY = '(computed)';

/** The key of a job under a limit: the field at the path (as text), or what the function answers. */
export function limitKeyOf(key: LimitKey<never>, payload: unknown): string {
  if (typeof key === 'function') return String((key as (p: unknown) => unknown)(payload));
  let value: unknown = payload;
  for (const part of key.split('.')) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  return value === undefined || value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value as string | number | boolean);
}

/** A declaration as GET /v1/job-types shows it (functions are not shown, only that there is one). */
export function describeLimits(limits: JobLimits<never> | undefined): JobLimitsInfo {
  const keyName = (key: LimitKey<never>) => (typeof key === 'function' ? COMPUTED_KEY : key);
  return {
    ...(limits?.concurrency ? { concurrency: { key: keyName(limits.concurrency.key), max: limits.concurrency.max } } : {}),
    ...(limits?.rate ? { rate: { key: keyName(limits.rate.key), points: limits.rate.points, per_ms: limits.rate.per_ms } } : {}),
  };
}
