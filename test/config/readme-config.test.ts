import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../../config/index.js';
import { jobSettingVariables } from '../../composition/job-handlers.js';

describe('README configuration table', () => {
  it('documents every variable the config schema and the job types read, and no other', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Configuration'));
    const table = section.slice(0, section.indexOf('\n## ', 5));
    const documented = [...table.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]);
    expect([...documented].sort()).toEqual([...CONFIG_VARIABLES, ...Object.values(jobSettingVariables()).flat()].sort());
  });
});
