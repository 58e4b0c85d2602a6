import { once } from 'node:events';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, startProcess, type RunningChild } from '../support/processes.js';

// Log lines leave through pino's asynchronous stdout destination (the event loop never waits for
// a write); these hold that no line is lost however the process ends, and that a quiet process's
// lines come out while it runs.
const LINES = 2_000;

function start(ending: string, lines = LINES): RunningChild {
  return startProcess(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'test/fixtures/log-lines-process.ts'), ending], {
    LOG_LEVEL: 'info',
    LINES: String(lines),
  });
}

/** Every output line read, once the process has ended and its pipes are closed. */
async function numberedLines(child: RunningChild): Promise<number[]> {
  if (child.child.exitCode === null || child.child.stdout?.readable) await once(child.child, 'close');
  return child.lines.filter((line) => line.includes('"numbered line"')).map((line) => (JSON.parse(line) as { line: number }).line);
}

const oneToN = Array.from({ length: LINES }, (_, index) => index + 1);

async function waitForStderr(child: RunningChild, text: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!child.stderr.some((line) => line.includes(text))) {
    if (Date.now() > deadline) throw new Error(`no "${text}" on stderr; got: ${child.stderr.join('\n')}`);
    if (child.child.exitCode !== null) throw new Error(`exited before "${text}"; stderr: ${child.stderr.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('log lines written asynchronously', () => {
  it('are all written when an uncaught exception ends the process', async () => {
    const child = start('throw');
    const exited = await child.exited;
    expect(exited.code).not.toBe(0);
    expect(await numberedLines(child)).toEqual(oneToN);
  });

  it('are all written when the process calls process.exit', async () => {
    const child = start('exit');
    expect(await child.exited).toEqual({ code: 0, signal: null });
    expect(await numberedLines(child)).toEqual(oneToN);
  });

  it('are all written when SIGTERM stops the process', async () => {
    const child = start('signal');
    await waitForStderr(child, 'lines logged');
    expect(await child.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(await numberedLines(child)).toEqual(oneToN);
  });

  it('come out while a quiet process runs, without waiting for more lines or its end', async () => {
    const child = start('quiet', 1);
    try {
      await child.waitForLine(/"numbered line"/, 10_000);
    } finally {
      await child.stop('SIGTERM');
    }
  });
});
