import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { JobType } from '../../contracts/index.js';
import { defineJobType } from '../../contracts/job-type.js';
import { loadConfig } from '../../config/index.js';
import { baseJobHandler } from '../../composition/job-handlers.js';
import { defineJobHandler } from '../../core/ports/index.js';
import { jobContext } from '../support/job-harness.js';

const probe = defineJobType({
  job_type: 'probe',
  display_name: 'Probe',
  description: 'A probe.',
  payload: z.strictObject({ n: z.number() }),
  output: z.object({ by: z.string() }),
  example_payload: { n: 1 },
  label: (p) => `n=${p.n}`,
});
const online = defineJobHandler(probe, { source: 'upstream', create: () => async () => ({ by: 'real' }), simulate: async () => ({ by: 'simulation' }) });
const offline = defineJobHandler(probe, { source: 'in-process', offline: true, create: () => async () => ({ by: 'real' }) });
const type = 'probe' as JobType;

describe('which handler a job type runs', () => {
  const simulatedMode = loadConfig({ SIMULATED_PROVIDER_DELAY_MS: '0' });
  const httpMode = loadConfig({ PROVIDER_MODE: 'http' });

  it('runs the simulation of a type that calls the outside world in the embedded default, labelled simulated', async () => {
    const handler = baseJobHandler(type, online, {}, simulatedMode);
    expect(handler.source).toBe('simulated');
    expect(await handler.run({ n: 1 }, jobContext())).toEqual({ by: 'simulation' });
    expect(baseJobHandler(type, online, {}, httpMode).source).toBe('upstream');
  });

  it('runs the real handler of an offline type in every mode, under its own source', async () => {
    for (const config of [simulatedMode, httpMode]) {
      const handler = baseJobHandler(type, offline, {}, config);
      expect(handler.source).toBe('in-process');
      expect(await handler.run({ n: 1 }, jobContext())).toEqual({ by: 'real' });
    }
  });
});
