import { z } from 'zod';
import { JOB_TYPES, jobContract, type JobType } from '../contracts/index.js';
import { ConfigError, type Config } from '../config/index.js';
import type { JobTypeContract } from '../contracts/job-type.js';
import type { JobHandler, JobHandlerDefinition, JobHandlerRegistry, JobRun } from '../core/ports/index.js';
import { delay } from '../adapters/shared/backoff.js';
import { withResilience } from '../adapters/resilience/resilient-handlers.js';
import type { WorkerMetrics } from '../telemetry/index.js';

/** Built, this file is .js beside the built handlers; run from source (tests, tsx) it is .ts. */
const SOURCE_EXTENSION = import.meta.url.endsWith('.ts') ? 'ts' : 'js';

/**
 * Every catalog type's handler definition, loaded from `jobs/<job_type>/handler.ts` by its name:
 * the catalog lists contracts only (the web UI imports it), so handlers are found by folder.
 * A type whose handler is missing or declared for another contract stops the process here.
 */
export const JOB_HANDLER_DEFINITIONS: Readonly<Record<JobType, JobHandlerDefinition>> = Object.fromEntries(
  await Promise.all(JOB_TYPES.map(async (type) => [type, await loadHandlerDefinition(type)] as const)),
) as Record<JobType, JobHandlerDefinition>;

async function loadHandlerDefinition(type: JobType): Promise<JobHandlerDefinition> {
  let module: { default?: JobHandlerDefinition };
  try {
    const specifier = new URL(`../jobs/${type}/handler.${SOURCE_EXTENSION}`, import.meta.url).href;
    module = (await import(/* @vite-ignore */ specifier)) as { default?: JobHandlerDefinition };
  } catch (error) {
    throw new Error(`job type "${type}" is in jobs/catalog.ts but jobs/${type}/handler.ts could not be loaded: ${(error as Error).message}`, { cause: error });
  }
  if (module.default?.contract !== jobContract(type)) {
    throw new Error(`jobs/${type}/handler.ts must export default defineJobHandler(contract, {...}) with the contract of jobs/${type}/contract.ts`);
  }
  return module.default;
}

/** The environment variables job types declare, by job type (for docs and deployment checks). */
export function jobSettingVariables(): Record<JobType, string[]> {
  return Object.fromEntries(JOB_TYPES.map((type) => [type, Object.keys(JOB_HANDLER_DEFINITIONS[type].settings ?? {})])) as Record<JobType, string[]>;
}

const BREAKER_STATE_VALUE = { closed: 0, open: 1, 'half-open': 2, isolated: 3 } as const;

/**
 * The handler of every job type, real (PROVIDER_MODE=http) or simulated, each behind retry and a
 * circuit breaker with its type's attempts and backoff. Each type's settings are read from `env`
 * and validated first: a bad value throws ConfigError naming the variable, like every setting.
 */
export function createJobHandlers(options: { config: Config; metrics?: WorkerMetrics; env?: NodeJS.ProcessEnv }): JobHandlerRegistry {
  const { config, metrics, env = process.env } = options;
  const problems: Array<{ variable: string; message: string }> = [];
  const handlers = {} as Record<JobType, JobHandler>;
  for (const type of JOB_TYPES) {
    const definition = JOB_HANDLER_DEFINITIONS[type];
    const settings = readSettings(definition, env, problems);
    const { attempts, backoff } = definition.contract.defaults;
    handlers[type] = withResilience(baseJobHandler(type, definition, settings, config), {
      maxAttempts: attempts ?? config.PROVIDER_MAX_ATTEMPTS,
      initialDelayMs: backoff?.initial_ms ?? config.PROVIDER_RETRY_INITIAL_MS,
      maxDelayMs: backoff?.max_ms ?? config.PROVIDER_RETRY_MAX_MS,
      breakerThreshold: config.PROVIDER_BREAKER_THRESHOLD,
      breakerCooldownMs: config.PROVIDER_BREAKER_COOLDOWN_MS,
      onRetry: (source) => metrics?.providerRetries.inc({ provider: source }),
      onBreakerStateChange: (source, jobType, state) =>
        metrics?.providerBreakerState.set({ provider: source, job_type: jobType }, BREAKER_STATE_VALUE[state]),
    });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return handlers;
}

/**
 * A type's handler before retry and breaker: the real one with PROVIDER_MODE=http, and for an
 * offline type (it needs nothing outside the process) in every mode; else its simulation.
 */
export function baseJobHandler(
  type: JobType,
  definition: JobHandlerDefinition,
  settings: Record<string, unknown>,
  config: Pick<Config, 'PROVIDER_MODE' | 'PROVIDER_TIMEOUT_MS' | 'SIMULATED_PROVIDER_DELAY_MS'>,
): JobHandler {
  if (config.PROVIDER_MODE === 'http' || definition.offline) {
    return { jobType: type, source: definition.source, run: definition.create({ settings, timeoutMs: config.PROVIDER_TIMEOUT_MS }) as JobHandler['run'] };
  }
  return { jobType: type, source: 'simulated', run: simulated(definition.simulate, config.SIMULATED_PROVIDER_DELAY_MS) };
}

/** A type's settings from the environment; empty strings count as unset, as for every setting. */
function readSettings(
  definition: JobHandlerDefinition,
  env: NodeJS.ProcessEnv,
  problems: Array<{ variable: string; message: string }>,
): Record<string, unknown> {
  const shape = definition.settings ?? {};
  const relevant = Object.fromEntries(Object.keys(shape).flatMap((name) => (env[name] ? [[name, env[name]]] : [])));
  const parsed = z.object(shape).safeParse(relevant);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) problems.push({ variable: String(issue.path[0] ?? definition.contract.job_type), message: issue.message });
  return {};
}

/** The simulated handler, after SIMULATED_PROVIDER_DELAY_MS (so jobs take the time real ones do). */
function simulated(simulate: JobRun<JobTypeContract>, delayMs: number): JobHandler['run'] {
  return async (payload, context) => {
    if (delayMs > 0) await delay(delayMs, context.signal);
    if (context.signal.aborted) throw context.signal.reason ?? new Error('aborted');
    return (await simulate(payload as never, context)) as Record<string, unknown>;
  };
}
