import { z } from 'zod';
import type { JobTypeContract } from '../../contracts/job-type.js';
import type { JobContext, JobHandlerDefinition } from '../../core/ports/index.js';
import { testLogger } from './test-logger.js';

/** A handler's context for a test: the messages it reports, and a signal the test can abort. */
export function jobContext(jobId = 'job-1'): JobContext & { reported: string[]; abort: AbortController } {
  const abort = new AbortController();
  const reported: string[] = [];
  return {
    signal: abort.signal,
    jobId,
    traceId: 'trace-1',
    logger: testLogger(),
    progress: async (message) => void reported.push(message),
    reported,
    abort,
  };
}

/**
 * Builds a job type's real handler from settings as the worker would read them from the
 * environment, and answers a function that runs it and checks its output against the contract.
 */
export function realHandler<C extends JobTypeContract>(
  definition: JobHandlerDefinition<C>,
  env: Record<string, string>,
  timeoutMs = 500,
): (payload: z.input<C['payload']>, context?: JobContext) => Promise<z.output<C['output']>> {
  const settings = z.object(definition.settings ?? {}).parse(env);
  const run = definition.create({ settings: settings as never, timeoutMs });
  return async (payload, context = jobContext()) => {
    const output = await run(definition.contract.payload.parse(payload) as never, context);
    return definition.contract.output.parse(output) as z.output<C['output']>;
  };
}

/** Runs a job type's simulated handler on a payload and checks its output against the contract. */
export async function simulate<C extends JobTypeContract>(
  definition: JobHandlerDefinition<C>,
  payload: z.input<C['payload']>,
): Promise<z.output<C['output']>> {
  if (!definition.simulate) {
    throw new Error(`${definition.contract.job_type} is offline: its real handler runs in every mode, so test it with realHandler`);
  }
  const output = await definition.simulate(definition.contract.payload.parse(payload) as never, jobContext());
  return definition.contract.output.parse(output) as z.output<C['output']>;
}
