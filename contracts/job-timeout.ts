import { z } from 'zod';

/**
 * A job's timeout: how long its handler may run (every attempt of one delivery together) before
 * the job fails with TIMEOUT. The API takes `timeout_ms` on submit, else the job type's
 * `defaults.timeout_ms`, else JOB_TIMEOUT_DEFAULT_MS; JOB_TIMEOUT_MAX_MS bounds all of them.
 */

/** The shortest timeout a job may ask for. */
export const JOB_TIMEOUT_MIN_MS = 1_000;
/** The longest any deployment allows (a day); JOB_TIMEOUT_MAX_MS sets a deployment's own bound below it. */
export const JOB_TIMEOUT_CEILING_MS = 86_400_000;
/** JOB_TIMEOUT_MAX_MS unless set: an hour. */
export const JOB_TIMEOUT_MAX_MS_DEFAULT = 3_600_000;
/** JOB_TIMEOUT_DEFAULT_MS unless set: five minutes. */
export const JOB_TIMEOUT_DEFAULT_MS_DEFAULT = 300_000;

/** The error code of a job that ran longer than its timeout. */
export const TIMEOUT_ERROR_CODE = 'TIMEOUT';

/** The message of a job that ran longer than its timeout. */
export function timeoutErrorMessage(timeoutMs: number): string {
  return `ran longer than its timeout of ${timeoutMs} ms`;
}

/** A timeout in milliseconds, as the API, the job message and the status carry it. */
export const JobTimeoutMsSchema = z
  .number()
  .int()
  .min(JOB_TIMEOUT_MIN_MS)
  .max(JOB_TIMEOUT_CEILING_MS)
  .meta({
    description: `How long the job's handler may run, every attempt together, before the job fails with ${TIMEOUT_ERROR_CODE}, in milliseconds. At most the deployment's JOB_TIMEOUT_MAX_MS (${JOB_TIMEOUT_MAX_MS_DEFAULT} unless set).`,
  });

/** A deployment's timeout settings (JOB_TIMEOUT_DEFAULT_MS and JOB_TIMEOUT_MAX_MS). */
export interface JobTimeoutSettings {
  defaultMs: number;
  maxMs: number;
}

export const DEFAULT_JOB_TIMEOUT_SETTINGS: JobTimeoutSettings = {
  defaultMs: JOB_TIMEOUT_DEFAULT_MS_DEFAULT,
  maxMs: JOB_TIMEOUT_MAX_MS_DEFAULT,
};

/**
 * The timeout a job runs with: the one it asked for, else its type's default, else the
 * deployment's; a default above the deployment's bound is cut to it (an asked-for timeout above
 * it is refused by the API before this).
 */
export function jobTimeoutMs(
  contract: { defaults: { timeout_ms?: number } },
  requested: number | undefined,
  settings: JobTimeoutSettings,
): number {
  return requested ?? Math.min(contract.defaults.timeout_ms ?? settings.defaultMs, settings.maxMs);
}
