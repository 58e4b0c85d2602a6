import { z } from 'zod';
import type { JobTypeDescription, JobTypesResponse } from './http-api.js';
import { JOB_TYPES, jobContract } from './job-types.js';
import { payloadJsonSchema } from './payload-text.js';
import { describeLimits, type JobLimits } from './job-limits.js';
import { DEFAULT_JOB_TIMEOUT_SETTINGS, jobTimeoutMs, type JobTimeoutSettings } from './job-timeout.js';
import { jobPriority, type JobPriority } from './job-priority.js';

/** What a job type falls back to when its definition sets no attempts, backoff or timeout (the PROVIDER_* and JOB_TIMEOUT_* settings). */
export interface JobTypeFallbacks {
  attempts: number;
  backoff: { initial_ms: number; max_ms: number };
  /** Unset: the JOB_TIMEOUT_* settings' defaults. */
  timeouts?: JobTimeoutSettings;
  /** Each type's limits after configuration (JOB_LIMITS_*); unset: what its definition declares. */
  limits?: Partial<Record<string, JobLimits<never>>>;
  /** The deployment's priority per job type (JOB_PRIORITY_OVERRIDES), over the definitions' defaults. */
  priorities?: Readonly<Partial<Record<string, JobPriority>>>;
}

/**
 * Every job type of the catalog as clients discover it (GET /v1/job-types): its JSON Schemas are
 * the ones contracts/json-schema/ publishes. The API renders it once per process; the web UI's
 * tests answer it from the same catalog.
 */
export function describeJobTypes(fallbacks: JobTypeFallbacks): JobTypesResponse {
  return {
    job_types: JOB_TYPES.map((type): JobTypeDescription => {
      const contract = jobContract(type);
      return {
        job_type: type,
        display_name: contract.display_name,
        description: contract.description,
        payload_schema: payloadJsonSchema(contract.payload),
        output_schema: z.toJSONSchema(contract.output, { io: 'output' }) as Record<string, unknown>,
        example_payload: contract.example_payload as Record<string, unknown>,
        defaults: {
          attempts: contract.defaults.attempts ?? fallbacks.attempts,
          backoff: contract.defaults.backoff ?? fallbacks.backoff,
          timeout_ms: jobTimeoutMs(contract, undefined, fallbacks.timeouts ?? DEFAULT_JOB_TIMEOUT_SETTINGS),
          priority: jobPriority(contract, undefined, fallbacks.priorities),
        },
        limits: describeLimits(fallbacks.limits?.[type] ?? (contract.limits as JobLimits<never> | undefined)),
      };
    }),
  };
}
