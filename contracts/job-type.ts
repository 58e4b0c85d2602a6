import { z } from 'zod';
import type { JobLimits } from './job-limits.js';
import type { JobPriority } from './job-priority.js';

/**
 * What every job type declares about itself, in its folder's `contract.ts`: the part the API, the
 * web UI and the worker all share. Its handler (which calls the outside world) is declared apart,
 * in `handler.ts`, so that the UI never bundles it.
 */

/** A job type's name: the catalog key, the folder under jobs/, the `job_type` on the wire. */
export const JOB_TYPE_NAME_PATTERN = /^[a-z][a-z0-9_]{0,47}$/;

/** How a failing handler is retried within one delivery (transient errors only). */
export interface JobTypeDefaults {
  /** Calls of the handler per delivery, the first included; unset: PROVIDER_MAX_ATTEMPTS. */
  attempts?: number;
  /** Exponential backoff between those calls, with jitter; unset: PROVIDER_RETRY_*_MS. */
  backoff?: { initial_ms: number; max_ms: number };
  /**
   * How long a job of this type may run, every attempt of one delivery together, when its
   * submit sets no `timeout_ms`; unset: JOB_TIMEOUT_DEFAULT_MS. JOB_TIMEOUT_MAX_MS bounds it.
   */
  timeout_ms?: number;
  /**
   * The priority of a job of this type whose submit sets none; unset: normal.
   * JOB_PRIORITY_OVERRIDES changes it per deployment.
   */
  priority?: JobPriority;
}

/** Fields the worker adds to every output: who produced it, and whether it is simulated. */
export const OUTPUT_PROVENANCE = {
  source: z.string().optional(),
  simulated: z.boolean().optional(),
};

type ObjectSchema = z.ZodObject<z.ZodRawShape>;

export interface JobTypeSpec<Name extends string, Payload extends ObjectSchema, Output extends ObjectSchema> {
  /** Its name; must equal the catalog key and the folder name (the compiler checks the key). */
  job_type: Name;
  /** How the UI names it ("Exchange rate"). */
  display_name: string;
  /** One sentence on what a job of this type does, for GET /v1/job-types and the UI. */
  description: string;
  /**
   * The payload a client sends: a zod object; `.meta({ title, description, examples })` on a
   * field becomes its form label, help text and placeholder.
   */
  payload: Payload;
  /** What the handler returns (source and simulated are added by dtq). */
  output: Output;
  /** A payload that passes `payload`: shown to clients, used by tests and the scaffold. */
  example_payload: z.input<Payload>;
  /** What a job is about in a few words, from its validated payload ("Austin, US"). */
  label: (payload: z.output<Payload>) => string;
  defaults?: JobTypeDefaults;
  /** Per-key concurrency and rate limits on this type's jobs (contracts/job-limits.ts); config may override them. */
  limits?: JobLimits<z.output<Payload>>;
}

/** A declared job type: its spec, with the output schema that includes provenance. */
export interface JobTypeContract<
  Name extends string = string,
  Payload extends ObjectSchema = ObjectSchema,
  Output extends ObjectSchema = ObjectSchema,
> extends Omit<JobTypeSpec<Name, Payload, Output>, 'output'> {
  output: z.ZodObject<Output['shape'] & typeof OUTPUT_PROVENANCE>;
  defaults: JobTypeDefaults;
}

/**
 * Declares a job type's contract. Leaving out a required part fails the type check; a name the
 * wire cannot carry, or an example its own schema refuses, fails at start-up and in the tests.
 */
export function defineJobType<const Name extends string, Payload extends ObjectSchema, Output extends ObjectSchema>(
  spec: JobTypeSpec<Name, Payload, Output>,
): JobTypeContract<Name, Payload, Output> {
  if (!JOB_TYPE_NAME_PATTERN.test(spec.job_type)) {
    throw new Error(`job type "${spec.job_type}": a name must be lowercase letters, digits and underscores, starting with a letter`);
  }
  const example = spec.payload.safeParse(spec.example_payload);
  if (!example.success) {
    throw new Error(`job type "${spec.job_type}": example_payload does not pass its own payload schema: ${example.error.message}`);
  }
  return { ...spec, output: spec.output.extend(OUTPUT_PROVENANCE), defaults: spec.defaults ?? {} } as JobTypeContract<Name, Payload, Output>;
}

/** The payload type of a contract. */
export type PayloadOf<C> = C extends JobTypeContract<string, infer P, ObjectSchema> ? z.output<P> : never;
/** The output type of a contract, provenance included. */
export type OutputOf<C> = C extends JobTypeContract ? z.output<C['output']> : never;
