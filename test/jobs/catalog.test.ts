import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JOB_TYPES, JobMessageSchema, jobContract } from '../../contracts/index.js';
import { defineJobType } from '../../contracts/job-type.js';
import { ConfigError, loadConfig } from '../../config/index.js';
import { JOB_HANDLER_DEFINITIONS, createJobHandlers, jobSettingVariables } from '../../composition/job-handlers.js';
import { jobLabel } from '../../core/domain/index.js';
import { jobContext } from '../support/job-harness.js';

describe('every job type in the catalog', () => {
  it.each(JOB_TYPES)('%s: its example passes, its label reads it, its handler is found and its simulation answers in its output schema', async (type) => {
    const contract = jobContract(type);
    const payload = contract.payload.parse(contract.example_payload);
    expect(jobLabel(type, payload as never).length).toBeGreaterThan(0);
    expect(JOB_HANDLER_DEFINITIONS[type].contract).toBe(contract);
    const handlers = createJobHandlers({ config: loadConfig({ SIMULATED_PROVIDER_DELAY_MS: '0' }) });
    const output = await handlers[type].run(payload, jobContext());
    expect(() => contract.output.parse(output)).not.toThrow();
    expect(JobMessageSchema.safeParse({ schema_version: '1.0', job_id: crypto.randomUUID(), job_type: type, submitted_at: new Date().toISOString(), trace_id: crypto.randomUUID(), payload: contract.example_payload }).success).toBe(true);
  });

  it('a job type setting with a bad value stops start-up naming the variable', () => {
    const [type, variables] = Object.entries(jobSettingVariables()).find(([, names]) => names.length > 0)!;
    const variable = variables[0]!;
    const make = () => createJobHandlers({ config: loadConfig({}), env: { [variable]: 'not a url at all' } });
    expect(make).toThrow(ConfigError);
    expect(make).toThrow(new RegExp(`${variable} must be`));
    expect(type).toMatch(/^[a-z]/);
  });
});

describe('defineJobType', () => {
  const spec = {
    display_name: 'Probe',
    description: 'A probe.',
    payload: z.strictObject({ n: z.number() }),
    output: z.object({ twice: z.number() }),
    label: (p: { n: number }) => `n=${p.n}`,
  };
  it('refuses a name the wire cannot carry, and an example its own schema refuses', () => {
    expect(() => defineJobType({ ...spec, job_type: 'Bad-Name', example_payload: { n: 1 } })).toThrow(/lowercase letters, digits and underscores/);
    expect(() => defineJobType({ ...spec, job_type: 'probe', example_payload: { n: 'one' as never } })).toThrow(/example_payload does not pass/);
  });
  it('adds provenance to the output schema', () => {
    const contract = defineJobType({ ...spec, job_type: 'probe', example_payload: { n: 1 } });
    expect(contract.output.parse({ twice: 2, source: 'simulated', simulated: true })).toEqual({ twice: 2, source: 'simulated', simulated: true });
  });
});
