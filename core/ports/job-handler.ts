import type { z } from 'zod';
import type { JobType } from '../../contracts/job-types.js';
import type { JobTypeContract, OutputOf, PayloadOf } from '../../contracts/job-type.js';
import type { Logger } from './logger.js';

/** What a handler gets besides its payload. */
export interface JobContext {
  /** Fires when the job is cancelled at a progress report or the worker stops: stop, and throw. */
  signal: AbortSignal;
  /**
   * The job's id. Delivery is at least once, so a job may run again after a crash: use it as the
   * idempotency key of any side effect (an e-mail, a payment, a row written elsewhere).
   */
  jobId: string;
  traceId: string;
  /** Logs with `job_id`, `trace_id` and `job_type` on every line. */
  logger: Logger;
  /**
   * Says what the job is doing now ("resizing 3 of 10"): the status message while the job sits
   * at its 50 % milestone (milestones stay 0 → 20 → 50 → 80 → 100). Each report is also a cancel
   * point: after a cancel request it aborts `signal`.
   */
  progress(message: string): Promise<void>;
}

/** The output a handler returns: its type's output, without the provenance dtq adds. */
export type HandlerOutput<C> = Omit<OutputOf<C>, 'source' | 'simulated'>;

/** One job type's work: a typed payload in, its output out; throw ProviderError to fail the job. */
export type JobRun<C> = (payload: PayloadOf<C>, context: JobContext) => Promise<HandlerOutput<C>>;

/** The settings a job type reads from the environment, as zod fields keyed by variable name. */
export type JobSettingsShape = Record<string, z.ZodType>;

interface JobHandlerSpecBase<C, S extends JobSettingsShape> {
  /** The upstream the real handler calls ("open-meteo"): in logs, metrics and the output's `source`. */
  source: string;
  /**
   * Environment variables this type reads (base URLs, keys), validated at the worker's start-up
   * like every setting: a bad value stops the process naming the variable.
   */
  settings?: S;
  /** Builds the real handler; `timeoutMs` is PROVIDER_TIMEOUT_MS, the budget of one outbound call. */
  create(options: { settings: { [K in keyof S]: z.output<S[K]> }; timeoutMs: number }): JobRun<C>;
}

/** A handler that calls the outside world: the embedded default runs its simulation instead. */
export interface OnlineJobHandlerSpec<C, S extends JobSettingsShape> extends JobHandlerSpecBase<C, S> {
  offline?: false;
  /** The deterministic offline handler of the embedded default (PROVIDER_MODE=simulated). */
  simulate: JobRun<C>;
}

/**
 * A handler that needs nothing outside its process (an image resize, a checksum): the real one
 * runs in every PROVIDER_MODE, so its output always names its own `source` and is never marked
 * simulated, since it is not.
 */
export interface OfflineJobHandlerSpec<C, S extends JobSettingsShape> extends JobHandlerSpecBase<C, S> {
  offline: true;
  simulate?: never;
}

export type JobHandlerSpec<C, S extends JobSettingsShape> = OnlineJobHandlerSpec<C, S> | OfflineJobHandlerSpec<C, S>;

export type JobHandlerDefinition<C extends JobTypeContract = JobTypeContract, S extends JobSettingsShape = JobSettingsShape> = JobHandlerSpec<C, S> & {
  contract: C;
};

/** Declares the handler of a job type (its folder's `handler.ts`, default export). */
export function defineJobHandler<C extends JobTypeContract, S extends JobSettingsShape = Record<never, z.ZodType>>(
  contract: C,
  spec: JobHandlerSpec<C, S>,
): JobHandlerDefinition<C, S> {
  return { contract, ...spec };
}

/** A job type's handler as the worker runs it: built, and behind its retry policy. */
export interface JobHandler {
  readonly jobType: JobType;
  /** "open-meteo", or "simulated". */
  readonly source: string;
  run(payload: unknown, context: JobContext): Promise<Record<string, unknown>>;
}

export type JobHandlerRegistry = { readonly [K in JobType]: JobHandler };
