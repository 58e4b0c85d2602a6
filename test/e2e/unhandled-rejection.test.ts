import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, startProcess } from '../support/processes.js';

describe('a dtq process with an unhandled promise rejection', () => {
  it('logs it and exits 1, so the orchestrator restarts it, instead of running on in an unknown state', async () => {
    const child = startProcess(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'test/fixtures/unhandled-rejection-process.ts')], { LOG_LEVEL: 'info' });
    const exited = await Promise.race([
      child.exited,
      new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 20_000)),
    ]);
    if (exited === 'still running') await child.stop('SIGKILL');
    expect(exited).toEqual({ code: 1, signal: null });
    expect(child.stderr.join('\n')).toContain('dtq dtq-fixture: unhandled promise rejection: a rejection nobody handles');
    expect(child.lines.some((line) => /"unhandled promise rejection; exiting/.test(line))).toBe(true);
  });
});
