// `npm start` as a process among others: SIGTERM to the npm process stops dtq and frees its ports,
// and a second dtq on the same machine either starts or says which port setting to change.
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { request } from '../support/http-client.js';
import { REPO_ROOT, acceptsConnections, freePort, startNode, startProcess, type RunningChild } from '../support/processes.js';
import { waitFor } from '../support/wait-for.js';

const ENTRY = join(REPO_ROOT, 'dist/all-in-one/main.js');
if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run npm run build first (npm test does)`);

const running: RunningChild[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((child) => child.stop('SIGKILL')));
});


describe('npm start and SIGTERM', () => {
  // npm runs package.json's own `start` script, in a directory whose `build` script does nothing
  // (the build ran before the tests; rebuilding dist/ here would pull it from under other suites)
  // and whose dist/ is the repository's: the same npm, shell and node as `npm start`.
  const scratch = mkdtempSync(join(tmpdir(), 'dtq-npm-start-'));
  const { scripts } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'dtq-start', private: true, scripts: { build: 'true', start: scripts.start } }));
  symlinkSync(join(REPO_ROOT, 'dist'), join(scratch, 'dist'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('stops dtq and frees its ports when the npm process gets SIGTERM', async () => {
    const [port, workerPort] = [await freePort(), await freePort()];
    const npm = startProcess('npm', ['start', '--prefix', scratch], { PORT: String(port), WORKER_METRICS_PORT: String(workerPort) });
    running.push(npm);
    await npm.waitForLine(/dtq ready/, 30_000);
    expect(await acceptsConnections(port)).toBe(true);

    npm.child.kill('SIGTERM');
    await waitFor(async () => ((await acceptsConnections(port)) || (await acceptsConnections(workerPort)) ? undefined : true), {
      timeoutMs: 15_000,
      what: `ports ${port} and ${workerPort} to be freed after SIGTERM to npm start`,
    });
    await npm.exited;
    expect(npm.lines.some((line) => line.includes('shutdown complete'))).toBe(true);
  });
});

describe('a second dtq on the same machine', () => {
  async function startFirst(env: Record<string, string>): Promise<RunningChild> {
    const first = startNode(ENTRY, env);
    running.push(first);
    await first.waitForLine(/dtq ready/);
    return first;
  }

  it('starts with another PORT and WORKER_METRICS_PORT, beside the first', async () => {
    const [port, workerPort, secondPort, secondWorkerPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    await startFirst({ PORT: String(port), WORKER_METRICS_PORT: String(workerPort) });
    const second = startNode(ENTRY, { PORT: String(secondPort), WORKER_METRICS_PORT: String(secondWorkerPort) });
    running.push(second);
    await second.waitForLine(/dtq ready/);
    expect((await request(`http://127.0.0.1:${secondPort}/healthz`)).status).toBe(200);
    expect((await request(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });

  it.each([
    ['WORKER_METRICS_PORT', 'another PORT'],
    ['PORT', 'another WORKER_METRICS_PORT'],
  ])('with the first one\'s %s (%s) stops, naming the variable and the port taken', async (shared) => {
    const [port, workerPort, otherPort] = await Promise.all([freePort(), freePort(), freePort()]);
    await startFirst({ PORT: String(port), WORKER_METRICS_PORT: String(workerPort) });
    const taken = shared === 'PORT' ? port : workerPort;
    const second = startNode(ENTRY, shared === 'PORT'
      ? { PORT: String(port), WORKER_METRICS_PORT: String(otherPort) }
      : { PORT: String(otherPort), WORKER_METRICS_PORT: String(workerPort) });
    running.push(second);
    const { code } = await second.exited;
    expect(code).toBe(1);
    expect(second.stderr.join('\n')).toContain(`${shared}=${taken}: port ${taken} is already in use (another dtq process?); set ${shared} to a free port`);
    expect((await request(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });
});
