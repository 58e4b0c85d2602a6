/**
 * The OpenAPI document against a live API, checked by schemathesis (PyPI; `npm test` installs
 * it, pinned, in scripts/test-prerequisites.sh): it generates requests from the document, valid
 * and invalid, and checks each answer against it. No server error, no answer outside the
 * document, no request the document allows refused, none it forbids accepted. Bounded: a fixed
 * seed and a few examples per operation, so a run takes seconds and repeats.
 *
 * The API is the embedded default (the hosts' wiring on in-memory adapters), run once open and
 * once with API_KEYS (sending the key, and checking that requests without it are refused).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedApp, type EmbeddedApp } from '../support/embedded-app.js';
import { REPO_ROOT } from '../support/processes.js';

const run = promisify(execFile);

/** The document as published; its $refs ('./x.json') resolve beside it. */
const OPENAPI = join(REPO_ROOT, 'contracts/json-schema/openapi.json');
const HOOKS_DIR = join(REPO_ROOT, 'test/support/schemathesis');
const API_KEY = 'fuzz-key-5e1b7c9a3d2f4608';

interface FuzzRun {
  code: number;
  output: string;
}

/** `schemathesis run` on the document against `baseUrl`; its working files go to a temporary directory. */
async function schemathesis(baseUrl: string, extra: string[]): Promise<FuzzRun> {
  const cwd = await mkdtemp(join(tmpdir(), 'dtq-fuzz-'));
  const args = [
    '-m', 'schemathesis.cli', 'run', OPENAPI,
    '--url', baseUrl,
    '--max-examples', '20',
    '--seed', '1',
    // One worker: the generator is not safe to share between threads, and the machine is small.
    '--workers', '1',
    '--request-timeout', '10',
    // The event routes answer a stream that lasts (GET /v1/events never ends): a request-reply
    // fuzzer would only time out on them. test/e2e/event-streams.test.ts covers them.
    '--exclude-path-regex', '/events$',
    ...extra,
  ];
  try {
    const { stdout, stderr } = await run('python3', args, {
      cwd,
      env: { ...process.env, PYTHONPATH: HOOKS_DIR, SCHEMATHESIS_HOOKS: 'dtq_fuzz_hooks', NO_COLOR: '1', COLUMNS: '120' },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 150_000,
    });
    return { code: 0, output: `${stdout}${stderr}` };
  } catch (error) {
    const failed = error as { code?: number | string; stdout?: string; stderr?: string; message: string };
    if (failed.code === 'ENOENT') throw new Error('python3 is not on PATH: scripts/test-prerequisites.sh installs schemathesis for it', { cause: error });
    return { code: typeof failed.code === 'number' ? failed.code : -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}${failed.message}` };
  } finally {
    await rm(cwd, { recursive: true, force: true });
  }
}

/** Exit 0 is no failure and no error; otherwise the failing cases, with their curl lines, are the assertion's message. */
function expectClean(result: FuzzRun): void {
  expect(result.output, 'schemathesis did not run (is it installed? npm test installs it)').toMatch(/test cases|Test cases|generated/i);
  expect(result.code, `schemathesis found failures:\n${result.output}`).toBe(0);
}

describe('the OpenAPI document against the live API (schemathesis)', () => {
  describe('without API_KEYS', () => {
    let app: EmbeddedApp;
    beforeAll(async () => {
      app = await startEmbeddedApp({});
    });
    afterAll(async () => {
      await app?.close();
    });

    it('finds no server error, no schema violation and no disagreement', async () => {
      // The document declares the keys a deployment may require; this one requires none by design.
      expectClean(await schemathesis(app.baseUrl, ['--exclude-checks', 'ignored_auth']));
    }, 180_000);
  });

  describe('with API_KEYS', () => {
    let app: EmbeddedApp;
    beforeAll(async () => {
      app = await startEmbeddedApp({ API_KEYS: API_KEY });
    });
    afterAll(async () => {
      await app?.close();
    });

    it('finds no server error, no schema violation and no disagreement, and the routes that need a key refuse requests without one', async () => {
      expectClean(await schemathesis(app.baseUrl, ['--header', `x-api-key: ${API_KEY}`]));
    }, 180_000);
  });
});
