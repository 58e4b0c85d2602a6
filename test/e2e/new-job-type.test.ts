import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../support/http-client.js';
import { REPO_ROOT, freePort, startNode, type RunningChild } from '../support/processes.js';
import { waitFor } from '../support/wait-for.js';
import { CHROMIUM_PATH, factValue, launchChromium, openTab, screenshot } from './web-ui-app.js';

// What the issue "a job type is one folder" promises a newcomer, on a copy of this working tree:
// `npm run job:new -- my_type` gives a type that builds, is listed with its schemas, submits
// from the web form and runs on the embedded default, with no other edit; and a definition that
// leaves out a required part fails the type check, naming the part and the file.

const JOB_TYPE = 'my_type';
const CONTRACT = `jobs/${JOB_TYPE}/contract.ts`;
const HANDLER = `jobs/${JOB_TYPE}/handler.ts`;
/** Scaffold, type check, two builds and a browser: minutes on a busy 2-core machine, not seconds. */
const STEP_MS = 240_000;

const exec = promisify(execFile);

interface Outcome {
  code: number;
  output: string;
}

describe('a job type added with npm run job:new', () => {
  let scratch: string;
  let app: RunningChild | undefined;
  let context: BrowserContext | undefined;

  /** Runs node with `args` in the copy; answers the exit code and everything it printed. */
  async function node(args: string[]): Promise<Outcome> {
    try {
      const { stdout, stderr } = await exec(process.execPath, args, { cwd: scratch, maxBuffer: 64 * 1024 * 1024 });
      return { code: 0, output: stdout + stderr };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof failed.code === 'number' ? failed.code : 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
    }
  }

  async function nodeOk(args: string[]): Promise<string> {
    const outcome = await node(args);
    if (outcome.code !== 0) throw new Error(`node ${args.join(' ')} exited ${outcome.code}:\n${outcome.output}`);
    return outcome.output;
  }

  const inScratch = (path: string) => join(scratch, path);

  beforeAll(async () => {
    if (!existsSync(CHROMIUM_PATH)) {
      throw new Error(`${CHROMIUM_PATH} is missing: this test drives Debian's Chromium; run \`apt-get install chromium\``);
    }
    // The working tree as git sees it (tracked and new files, nothing ignored), and the repository's node_modules.
    scratch = await mkdtemp(join(tmpdir(), 'dtq-new-job-type-'));
    const { stdout } = await exec('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 });
    for (const path of stdout.split('\0').filter(Boolean)) {
      if (!existsSync(join(REPO_ROOT, path))) continue; // deleted in the working tree, not yet committed
      await mkdir(dirname(inScratch(path)), { recursive: true });
      await cp(join(REPO_ROOT, path), inScratch(path));
    }
    await symlink(await realpath(join(REPO_ROOT, 'node_modules')), inScratch('node_modules'), 'dir');
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await app?.stop('SIGKILL');
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('scaffolds one folder and one catalog line, and rewrites the derived files', async () => {
    await nodeOk(['--import', 'tsx', 'scripts/new-job-type.ts', JOB_TYPE]);
    for (const path of [CONTRACT, HANDLER, `jobs/${JOB_TYPE}/${JOB_TYPE}.test.ts`]) expect(existsSync(inScratch(path)), path).toBe(true);
    expect(await readFile(inScratch('jobs/catalog.ts'), 'utf8')).toContain(`export { default as ${JOB_TYPE} } from './${JOB_TYPE}/contract.js';`);
    const openapi = await readFile(inScratch('contracts/json-schema/openapi.json'), 'utf8');
    expect(openapi).toContain(`"const": "${JOB_TYPE}"`);
  }, STEP_MS);

  it('fails the type check when a definition leaves out a required part, naming it and its file', async () => {
    const contract = await readFile(inScratch(CONTRACT), 'utf8');
    const handler = await readFile(inScratch(HANDLER), 'utf8');
    const withoutLine = (text: string, start: RegExp) => text.split('\n').filter((line) => !start.test(line)).join('\n');
    // One type check for both: the contract without its label, the handler without its simulation.
    await writeFile(inScratch(CONTRACT), withoutLine(contract, /^ {2}label:/));
    await writeFile(inScratch(HANDLER), withoutLine(handler, /^ {2}simulate:/));
    try {
      const { code, output } = await node(['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--noEmit']);
      expect(code, output).not.toBe(0);
      const errors = output.split(/\n(?=\S)/);
      expect(errors.find((error) => error.startsWith(`${CONTRACT}(`)), output).toContain("Property 'label' is missing");
      // A handler declares `simulate` or `offline: true`: without either, the compiler names the
      // arm of that choice it tried last, so either name says what is missing.
      expect(errors.find((error) => error.startsWith(`${HANDLER}(`)), output).toMatch(/Property '(simulate|offline)' is missing/);
    } finally {
      await writeFile(inScratch(CONTRACT), contract);
      await writeFile(inScratch(HANDLER), handler);
    }
  }, STEP_MS);

  it('builds, lists the type with its schemas, and runs a job submitted from the web form to a stored result', async () => {
    await nodeOk(['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json']);
    await nodeOk(['node_modules/vite/bin/vite.js', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn']);

    // npm start's process, with no service configured: the embedded default.
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    app = startNode(inScratch('dist/all-in-one/main.js'), { PORT: String(port), WORKER_METRICS_PORT: String(await freePort()), SIMULATED_PROVIDER_DELAY_MS: '50' }, [], { cwd: scratch });
    await app.waitForLine(/dtq ready/, 30_000);

    const listed = (await request(`${base}/v1/job-types`)).body as { job_types: Array<Record<string, unknown>> };
    const described = listed.job_types.find((type) => type.job_type === JOB_TYPE);
    expect(described).toMatchObject({
      display_name: 'My type',
      payload_schema: { type: 'object', properties: { text: { type: 'string', description: 'The text to work on', examples: ['hello dtq'] } }, required: ['text'] },
      output_schema: { type: 'object', properties: { words: { type: 'integer' }, characters: { type: 'integer' } } },
      example_payload: { text: 'hello dtq' },
    });

    context = await launchChromium(await mkdtemp(join(scratch, 'chromium-')), { viewport: { width: 1280, height: 900 } });
    const { page, problems } = await openTab(context, base);
    await page.getByLabel('Job type').selectOption({ label: 'My type' });
    await page.getByLabel('Text').fill('one two three');
    await screenshot(page, 'new-job-type-01-form.png');
    await page.getByRole('button', { name: 'Submit', exact: true }).click();
    const href = await page.getByRole('status').getByRole('link', { name: 'View details' }).getAttribute('href');
    const jobId = /^\/jobs\/([0-9a-f-]{36})$/.exec(href ?? '')?.[1];
    expect(jobId, `details link ${href}`).toBeTruthy();

    await page.locator(`tr[data-job-id="${jobId}"][data-state="completed"]`).waitFor({ timeout: 30_000 });
    await page.getByRole('status').getByRole('link', { name: 'View details' }).click();
    await page.getByRole('heading', { name: 'Result' }).waitFor();
    await page.locator('.output dl.facts').waitFor({ timeout: 30_000 });
    expect(await factValue(page, 'Words')).toBe('3');
    expect(await factValue(page, 'Characters')).toBe('13');
    await screenshot(page, 'new-job-type-02-result.png');
    expect(problems).toEqual([]);

    const result = await waitFor(async () => {
      const response = await request(`${base}/v1/jobs/${jobId}/result`);
      return response.status === 200 ? response.body : undefined;
    });
    expect(result).toMatchObject({ job_type: JOB_TYPE, final_state: 'completed', input: { text: 'one two three' }, output: { words: 3, characters: 13 }, error: null });
  }, STEP_MS);
});
