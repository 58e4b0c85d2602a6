import { JOB_TYPES, jobContract, type JobType } from '../contracts/job-types.js';
import type { JobLimits } from '../contracts/job-limits.js';
import { ConfigError } from './load-config.js';

/** Every job type's limits: its definition's, with JOB_LIMITS_<TYPE>_* on top. */
export type JobLimitsByType = Record<JobType, JobLimits<never>>;

const SUFFIXES = ['CONCURRENCY_KEY', 'CONCURRENCY_MAX', 'RATE_KEY', 'RATE_POINTS', 'RATE_PER_MS'] as const;
type Suffix = (typeof SUFFIXES)[number];

/** The prefix of a type's limit variables: JOB_LIMITS_GITHUB_USER_. */
export const jobLimitsPrefix = (type: JobType): string => `JOB_LIMITS_${type.toUpperCase()}_`;

/**
 * Reads each type's limits from its definition and the environment: JOB_LIMITS_<TYPE>_CONCURRENCY_MAX
 * and _RATE_POINTS replace the declared numbers (0 turns that limit off), _RATE_PER_MS the
 * window, _CONCURRENCY_KEY and _RATE_KEY the payload field the key is read from. A limit the
 * definition does not declare is set by giving its key and numbers. A bad value, or a
 * JOB_LIMITS_ variable no type reads, throws ConfigError naming the variable.
 */
export function loadJobLimits(env: NodeJS.ProcessEnv = process.env): JobLimitsByType {
  const problems: Array<{ variable: string; message: string }> = [];
  const known = new Set(JOB_TYPES.flatMap((type) => SUFFIXES.map((suffix) => jobLimitsPrefix(type) + suffix)));
  for (const name of Object.keys(env)) {
    if (name.startsWith('JOB_LIMITS_') && env[name] !== '' && !known.has(name)) {
      problems.push({ variable: name, message: `is not a job limit setting: use JOB_LIMITS_<TYPE>_{${SUFFIXES.join(',')}} with a type of ${JOB_TYPES.join(', ')}` });
    }
  }
  const limits = {} as JobLimitsByType;
  for (const type of JOB_TYPES) {
    const declared = (jobContract(type).limits ?? {}) as JobLimits<never>;
    const read = (suffix: Suffix) => {
      const value = env[jobLimitsPrefix(type) + suffix];
      return value === undefined || value === '' ? undefined : value;
    };
    const count = (suffix: Suffix, min: number): number | undefined => {
      const value = read(suffix);
      if (value === undefined) return undefined;
      if (!/^\d{1,12}$/.test(value) || Number(value) < min) {
        problems.push({ variable: jobLimitsPrefix(type) + suffix, message: `must be a whole number of at least ${min}, not "${value}"` });
        return undefined;
      }
      return Number(value);
    };
    /** A field path; null when set but refused (already reported). */
    const field = (suffix: Suffix): string | null | undefined => {
      const value = read(suffix);
      if (value !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(value)) {
        problems.push({ variable: jobLimitsPrefix(type) + suffix, message: `must be a payload field's path such as "account.id", not "${value}"` });
        return null;
      }
      return value;
    };
    const result: JobLimits<never> = {};
    const max = count('CONCURRENCY_MAX', 0);
    const concurrencyField = field('CONCURRENCY_KEY');
    const concurrencyKey = concurrencyField === undefined ? declared.concurrency?.key : concurrencyField;
    const maxIn = max ?? declared.concurrency?.max;
    if (maxIn !== undefined && maxIn > 0 && concurrencyKey !== null) {
      if (concurrencyKey === undefined) problems.push({ variable: `${jobLimitsPrefix(type)}CONCURRENCY_KEY`, message: `must be set: ${type} declares no concurrency key` });
      else result.concurrency = { key: concurrencyKey, max: maxIn };
    }
    const points = count('RATE_POINTS', 0) ?? declared.rate?.points;
    const perMs = count('RATE_PER_MS', 1) ?? declared.rate?.per_ms;
    const rateField = field('RATE_KEY');
    const rateKey = rateField === undefined ? declared.rate?.key : rateField;
    if (points !== undefined && points > 0 && rateKey !== null) {
      if (rateKey === undefined) problems.push({ variable: `${jobLimitsPrefix(type)}RATE_KEY`, message: `must be set: ${type} declares no rate key` });
      else if (perMs === undefined) problems.push({ variable: `${jobLimitsPrefix(type)}RATE_PER_MS`, message: `must be set: ${type} declares no rate window` });
      else result.rate = { key: rateKey, points, per_ms: perMs };
    }
    limits[type] = result;
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return limits;
}
