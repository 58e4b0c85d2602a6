import type { AxeResults } from 'axe-core';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { findWebDistDir } from '../../composition/web-dist-dir.js';
import { startEmbeddedApp, type EmbeddedApp } from '../support/embedded-app.js';
import { postJson } from '../support/http-client.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export interface RunningApp {
  baseUrl: string;
  close(): Promise<void>;
}

/** Fails with what to do when the browser or the built web app is missing, instead of skipping. */
export function requireBrowserAndBuild(): string {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing: the web UI test drives Debian's Chromium; run \`apt-get install chromium\``);
  }
  const staticDir = findWebDistDir();
  if (!staticDir) throw new Error('web/dist/index.html is missing: run `npm run build:web` (npm test builds it first)');
  return staticDir;
}

/** The whole product in this process, as `npm start` runs it: API + worker + web UI, on the adapters `env` selects (in-memory when it names no service). */
export async function startApp(options: { staticDir: string; providerDelayMs: number; env?: Record<string, string> }): Promise<RunningApp> {
  return startEmbeddedApp({ SIMULATED_PROVIDER_DELAY_MS: String(options.providerDelayMs), ...options.env }, { staticDir: options.staticDir });
}

/** Debian's Chromium, headless, with everything that would reach the (closed) network turned off. */
export function launchChromium(userDataDir: string, options: { viewport?: { width: number; height: number } } = {}): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    ...(options.viewport ? { viewport: options.viewport } : {}),
  });
}

export const SCREENSHOTS_DIR = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url));

/**
 * For one test file: API + worker + UI in this process on the in-memory adapters (`env` on top),
 * and a Chromium at desktop size; both closed after the file. Read `app` and `context` in tests.
 */
export function inMemoryAppWithBrowser(env: Record<string, string>): { readonly app: EmbeddedApp; readonly context: BrowserContext } {
  let app: EmbeddedApp | undefined;
  let context: BrowserContext | undefined;
  let userDataDir: string | undefined;
  beforeAll(async () => {
    const staticDir = requireBrowserAndBuild();
    app = await startEmbeddedApp(env, { staticDir });
    userDataDir = await mkdtemp(join(tmpdir(), 'dtq-chromium-'));
    await mkdir(SCREENSHOTS_DIR, { recursive: true });
    context = await launchChromium(userDataDir, { viewport: { width: 1280, height: 900 } });
  }, 60_000);
  afterAll(async () => {
    await context?.close();
    await app?.close();
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
  });
  return {
    get app() {
      if (!app) throw new Error('the app is not started yet');
      return app;
    },
    get context() {
      if (!context) throw new Error('Chromium is not started yet');
      return context;
    },
  };
}

/** A new tab at `url` whose console errors, warnings and uncaught exceptions are collected. */
export async function openTab(context: BrowserContext, url: string): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  await page.goto(url);
  return { page, problems };
}

/** Submits a job over the API and answers its id. */
export async function submitOverApi(baseUrl: string, job: unknown): Promise<string> {
  const response = await postJson(`${baseUrl}/v1/jobs`, job);
  if (response.status !== 202) throw new Error(`submit answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body.job_id as string;
}

/** A full-page picture for people to look at; transitions are finished first so bars show their value. */
export const screenshot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS_DIR, name), fullPage: true, animations: 'disabled' });
export const noHorizontalScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
/** The value beside a term of a facts table. */
export const factValue = async (page: Page, term: string) =>
  (await page.locator('dl.facts > div').filter({ has: page.locator('dt', { hasText: new RegExp(`^${term}$`) }) }).locator('dd').textContent()) ?? '';

/**
 * axe-core's browser build, evaluated in the page under test through the DevTools protocol: the
 * UI's Content-Security-Policy (script-src 'self') refuses an injected <script>, rightly, and the
 * browser tests keep that policy on rather than bypass it.
 */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * The axe-core violations on the page as it is now (WCAG 2.1 A and AA rules), one line each:
 * rule, impact and the elements it found, so a failing test says what to fix.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(
    () =>
      (window as unknown as { axe: { run(context: Document, options: object): Promise<AxeResults> } }).axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      }),
  );
  return results.violations.map(
    (violation) => `${violation.id} (${violation.impact ?? 'unknown'}): ${violation.help} — ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
  );
}
