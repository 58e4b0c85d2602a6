import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, requireBrowserAndBuild, startApp, type RunningApp } from './web-ui-app.js';

// With API_KEYS configured the job routes answer 401/403; the UI asks for a key in words and
// sends it with every request once given.
const KEY = 'web-ui-test-key-8c1f';
let app: RunningApp;
let context: BrowserContext;
let userDataDir: string;

beforeAll(async () => {
  const staticDir = requireBrowserAndBuild();
  app = await startApp({ staticDir, providerDelayMs: 50, env: { API_KEYS: KEY } });
  userDataDir = await mkdtemp(join(tmpdir(), 'dtq-chromium-keys-'));
  context = await launchChromium(userDataDir);
}, 60_000);

afterAll(async () => {
  await context?.close();
  await app?.close();
  if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
});

describe('web UI against an API that requires keys', () => {
  it('asks for a key, refuses a wrong one in words, and works with the right one', async () => {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !/status of 40[13]/.test(message.text())) problems.push(message.text());
    });
    await page.goto(app.baseUrl);

    const listAlert = page.getByRole('alert').filter({ hasText: 'The jobs could not be loaded' });
    await listAlert.getByText('UNAUTHORIZED').waitFor();
    await listAlert.getByLabel('API key', { exact: true }).fill('not-the-key');
    await listAlert.getByRole('button', { name: 'Use key' }).click();
    await listAlert.getByText('FORBIDDEN').waitFor();

    await listAlert.getByLabel('API key', { exact: true }).fill(KEY);
    await listAlert.getByLabel('API key', { exact: true }).press('Enter');
    await listAlert.waitFor({ state: 'detached' });

    await page.getByLabel('Job type').selectOption('quote');
    await page.getByRole('button', { name: 'Submit', exact: true }).click();
    const jobId = await page.locator('tr[data-job-id]').first().getAttribute('data-job-id');
    await page.waitForSelector(`tr[data-job-id="${jobId}"][data-state="completed"]`, { timeout: 20_000 });
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});
