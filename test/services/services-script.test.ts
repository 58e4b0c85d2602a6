// The services script on a machine that lacks a toolchain: it stops with a message naming what
// is missing, instead of failing somewhere inside Maven or Go.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/processes.js';

/** A PATH holding only the basic commands the scripts use: no java, mvn or go. */
const bin = mkdtempSync(join(tmpdir(), 'dtq-bare-path-'));
for (const command of ['bash', 'sed', 'cat', 'mkdir', 'rm', 'dirname', 'sha256sum', 'cut', 'touch', 'id', 'seq', 'sleep']) {
  symlinkSync(`/usr/bin/${command}`, join(bin, command));
}
const emptyCache = mkdtempSync(join(tmpdir(), 'dtq-empty-cache-'));
afterAll(() => {
  rmSync(bin, { recursive: true, force: true });
  rmSync(emptyCache, { recursive: true, force: true });
});

function runBare(script: string, args: string[]) {
  return spawnSync(join(bin, 'bash'), [join(REPO_ROOT, script), ...args], {
    encoding: 'utf8',
    env: { PATH: bin, HOME: emptyCache, DTQ_CACHE_DIR: emptyCache, DTQ_SERVICES_DIR: join(emptyCache, 'state') },
    timeout: 30_000,
  });
}

describe('services scripts without their toolchains', () => {
  it('names Java when the Kafka broker cannot be fetched or run', () => {
    const run = runBare('scripts/services/kafka/broker.sh', ['classpath']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("services: ERROR: Java 17 or newer (OpenJDK) is needed ('java' is not on PATH)");
    expect(run.stdout).toBe('');
  });

  it('refuses a call it does not know, saying how it is used', () => {
    const run = runBare('scripts/services/kafka/broker.sh', ['launch']);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/usage: broker\.sh classpath \| start PORT CONTROLLER_PORT DIR \| stop DIR/);
  });
});
