import { JOB_TYPE_NAME_PATTERN } from '../../contracts/job-type.js';

/** Words of a job type's name, for its display name: `send_email` → "Send email". */
export function displayNameOf(jobType: string): string {
  const words = jobType.replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Why a name cannot be a new job type, or undefined when it can. */
export function jobTypeNameProblem(jobType: string, existing: readonly string[]): string | undefined {
  if (!JOB_TYPE_NAME_PATTERN.test(jobType)) {
    return `"${jobType}" cannot be a job type: use lowercase letters, digits and underscores, starting with a letter (at most 48), e.g. send_email`;
  }
  if (existing.includes(jobType)) return `job type "${jobType}" exists already (jobs/${jobType}/)`;
  return undefined;
}

/** The catalog with a line for `jobType`, keeping the lines in alphabetical order. */
export function catalogWith(catalog: string, jobType: string): string {
  const line = `export { default as ${jobType} } from './${jobType}/contract.js';`;
  const lines = catalog.split('\n');
  const exportLines = lines.map((text, index) => ({ text, index })).filter(({ text }) => text.startsWith('export { default as '));
  const after = exportLines.filter(({ text }) => text < line).at(-1);
  const at = after ? after.index + 1 : (exportLines[0]?.index ?? lines.length);
  lines.splice(at, 0, line);
  return lines.join('\n');
}

/** The files of a new job type's folder: a working type with a one-field payload. */
export function scaffoldFiles(jobType: string): Record<string, string> {
  const display = displayNameOf(jobType);
  return {
    [`jobs/${jobType}/contract.ts`]: `import { z } from 'zod';
import { defineJobType } from '../../contracts/job-type.js';

/**
 * What a ${jobType} job takes and gives back. The API validates submissions against \`payload\`,
 * the web UI builds its form from it, and the worker checks the handler's answer against \`output\`.
 */
export default defineJobType({
  job_type: '${jobType}',
  display_name: '${display}',
  description: 'Counts the words of a text. (Say here what a ${jobType} job does.)',
  payload: z.strictObject({
    text: z
      .string()
      .min(1, 'must not be empty')
      .max(10_000, 'must be at most 10000 characters')
      .meta({ description: 'The text to work on', examples: ['hello dtq'] }),
  }),
  output: z.object({ words: z.number().int(), characters: z.number().int() }),
  example_payload: { text: 'hello dtq' },
  // What a job is about, in a few words: shown in job lists.
  label: (payload) => payload.text.slice(0, 40),
});
`,
    [`jobs/${jobType}/handler.ts`]: `import { defineJobHandler, type JobRun } from '../../core/ports/index.js';
import contract from './contract.js';

/**
 * The work itself. \`context\` has the job's AbortSignal (pass it on to every call you make), its
 * id (the idempotency key of any side effect: a job can run twice after a crash), a logger that
 * carries job_id and trace_id, and progress(message). Throw ProviderError (core/errors) to fail
 * the job, marked transient when trying again may help.
 */
const countWords: JobRun<typeof contract> = async (payload, context) => {
  context.logger.info({ characters: payload.text.length }, 'counting words');
  const words = payload.text.split(/\\s+/).filter(Boolean).length;
  return { words, characters: [...payload.text].length };
};

export default defineJobHandler(contract, {
  // The upstream a real handler calls; it names the output's source and the retry metrics.
  source: '${jobType.replaceAll('_', '-')}',
  // Environment variables this type reads (base URLs, tokens), validated at start-up:
  // settings: { MY_API_URL: httpUrlSetting('https://api.example.com') },  (config/setting-types.js)
  create: () => countWords,
  // What runs in the embedded default (PROVIDER_MODE=simulated): offline and deterministic.
  // A handler that needs nothing outside its process declares \`offline: true\` instead: its real
  // work then runs in every mode, and its output is not marked simulated.
  simulate: countWords,
});
`,
    [`jobs/${jobType}/${jobType}.test.ts`]: `import { describe, expect, it } from 'vitest';
import { realHandler, simulate } from '../../test/support/job-harness.js';
import handler from './handler.js';

describe('${jobType}', () => {
  it('counts the words of its example', async () => {
    expect(await realHandler(handler, {})(handler.contract.example_payload)).toEqual({ words: 2, characters: 9 });
  });

  it('simulates the same answer offline', async () => {
    expect(await simulate(handler, { text: 'one two  three' })).toEqual({ words: 3, characters: 14 });
  });
});
`,
  };
}
