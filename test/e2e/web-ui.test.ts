import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROGRESS_MILESTONES } from '../../contracts/index.js';
import { servicesMode } from '../support/services-mode.js';
import { launchChromium, requireBrowserAndBuild, startApp, type RunningApp } from './web-ui-app.js';

// The web UI in a real browser against the real app (API + worker + UI in this process, on every
// real server: Kafka, Redis, RabbitMQ, the MongoDB-wire server; simulated providers). The provider delay is longer than the UI's 1 s poll, so the
// middle milestone is on screen long enough to be seen.
const PROVIDER_DELAY_MS = 1_500;
const SCREENSHOTS = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url));
const JOB_DONE_MS = 20_000;

const services = servicesMode('dtq-web-ui');
let app: RunningApp;
let context: BrowserContext;
let userDataDir: string;

beforeAll(async () => {
  const staticDir = requireBrowserAndBuild();
  app = await startApp({ staticDir, providerDelayMs: PROVIDER_DELAY_MS, env: services.env });
  userDataDir = await mkdtemp(join(tmpdir(), 'dtq-chromium-'));
  await mkdir(SCREENSHOTS, { recursive: true });
  context = await launchChromium(userDataDir, { viewport: { width: 1280, height: 900 } });
  // Records every value each listed job's progress bar shows, as React renders it.
  await context.addInitScript(() => {
    const seen: Record<string, number[]> = {};
    (window as unknown as { dtqProgress: typeof seen }).dtqProgress = seen;
    const record = () => {
      for (const bar of document.querySelectorAll('tr[data-job-id] [role=progressbar]')) {
        const id = (bar.closest('tr[data-job-id]') as HTMLElement).dataset.jobId!;
        const value = Number(bar.getAttribute('aria-valuenow'));
        const values = (seen[id] ??= []);
        if (values[values.length - 1] !== value) values.push(value);
      }
    };
    const start = () =>
      new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-valuenow'] });
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
    else start();
  });
}, 60_000);

afterAll(async () => {
  await context?.close();
  await app?.close();
  await services.cleanup();
  if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
});

/**
 * A new tab whose console errors, warnings and uncaught exceptions are collected; `prepare`
 * runs before the first navigation (to intercept requests).
 */
async function openPage(path = '/', prepare?: (page: Page) => Promise<unknown>): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  await prepare?.(page);
  await page.goto(`${app.baseUrl}${path}`);
  return { page, problems };
}

/** Problems other than the browser's own log lines for failures a test provoked on purpose. */
function unexpected(problems: string[], provoked: RegExp[] = []): string[] {
  return problems.filter((problem) => !provoked.some((pattern) => pattern.test(problem)));
}

async function submitWeather(page: Page, values: { city: string; countryCode: string; units?: string }, how: 'click' | 'enter' = 'click') {
  await page.getByLabel('Job type').selectOption('weather');
  await page.getByLabel('City').fill(values.city);
  await page.getByLabel('Country code').fill(values.countryCode);
  await page.getByLabel('Units').selectOption(values.units ?? 'metric');
  if (how === 'enter') await page.getByLabel('City').press('Enter');
  else await page.getByRole('button', { name: 'Submit', exact: true }).click();
}

/** The id of the job the form just submitted, read from its "View details" link. */
async function submittedJobId(page: Page): Promise<string> {
  const href = await page.getByRole('status').getByRole('link', { name: 'View details' }).getAttribute('href');
  const id = /^\/jobs\/([0-9a-f-]{36})$/.exec(href ?? '')?.[1];
  if (!id) throw new Error(`unexpected details link ${href}`);
  return id;
}

/** The text of the error element a control's aria-describedby points at, and whether it sits in the control's field. */
async function fieldError(page: Page, label: string): Promise<{ text: string; besideControl: boolean }> {
  const control = page.getByLabel(label, { exact: true });
  const errorId = (await control.getAttribute('aria-describedby'))?.split(' ').find((id) => id.endsWith('-error'));
  if (!errorId) return { text: '', besideControl: false };
  const error = page.locator(`[id="${errorId}"]`);
  const besideControl = (await control.locator('xpath=ancestor::div[contains(@class,"field")][1]').locator(`[id="${errorId}"]`).count()) === 1;
  return { text: (await error.textContent()) ?? '', besideControl };
}

async function factValue(page: Page, term: string): Promise<string> {
  return (await page.locator('dl.facts > div').filter({ has: page.locator('dt', { hasText: new RegExp(`^${term}$`) }) }).locator('dd').textContent()) ?? '';
}

/** A full-page picture for people to look at; transitions are finished first so bars show their value. */
async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, name), fullPage: true, animations: 'disabled' });
}

async function hasNoHorizontalScroll(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
}

describe('web UI in Chromium', () => {
  it('submits a weather job with Enter, shows it at once, moves its progress live to completed, and shows the result', async () => {
    const { page, problems } = await openPage('/');
    await submitWeather(page, { city: 'Austin', countryCode: 'US' }, 'enter');
    const jobId = await submittedJobId(page);
    const item = page.locator(`tr[data-job-id="${jobId}"]`);
    await item.waitFor();
    await item.locator('[role=progressbar][aria-valuenow="50"]').waitFor({ timeout: JOB_DONE_MS });
    await screenshot(page, '01-running.png');

    await page.waitForSelector(`tr[data-job-id="${jobId}"][data-state="completed"]`, { timeout: JOB_DONE_MS });
    const seen = await page.evaluate((id) => (window as unknown as { dtqProgress: Record<string, number[]> }).dtqProgress[id] ?? [], jobId);
    // Shown at once, at the latest while it calls its provider: queued (0), or started (20) or
    // calling (50) when its first events reach the page before the submit's answer does (the
    // page shows the newest state it knows; on a busy machine the events win that race).
    expect(seen[0]).toBeLessThanOrEqual(50);
    expect(seen).toContain(50);
    expect(seen[seen.length - 1]).toBe(100);
    expect(seen.every((value) => (PROGRESS_MILESTONES as readonly number[]).includes(value))).toBe(true);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    expect(await item.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
    await screenshot(page, '02-form-and-list.png');

    await item.getByRole('link').click();
    await page.waitForURL(`**/jobs/${jobId}`);
    await page.locator('[role=progressbar][aria-valuenow="100"]').waitFor();
    await page.locator('.state-completed').first().waitFor();
    expect(await page.locator('.headline-figure').textContent()).toMatch(/^-?\d+(\.\d)? °C$/);
    await page.getByText('simulated', { exact: true }).waitFor();
    expect(await factValue(page, 'City')).toBe('Austin');
    expect(await factValue(page, 'Country code')).toBe('US');
    expect(await factValue(page, 'Humidity')).toMatch(/^\d+ %$/);
    expect(await factValue(page, 'Wind')).toMatch(/km\/h$/);
    for (const term of ['Submitted', 'Started', 'Completed', 'Duration']) expect(await factValue(page, term), term).not.toBe('—');
    expect(await factValue(page, 'Trace id')).toMatch(/^[0-9a-f-]{36}$/);
    await screenshot(page, '03-detail-completed.png');

    await page.reload();
    await page.locator('.headline-figure').waitFor();
    await page.getByRole('link', { name: '← All jobs' }).click();
    await page.reload();
    await page.locator(`tr[data-job-id="${jobId}"][data-state="completed"]`).waitFor();

    await page.getByLabel('Filter by state').selectOption('failed');
    await page.locator(`tr[data-job-id="${jobId}"]`).waitFor({ state: 'detached' });
    await page.getByLabel('Filter by state').selectOption('completed');
    await page.getByLabel('Filter by type').selectOption('weather');
    await page.locator(`tr[data-job-id="${jobId}"]`).waitFor();

    expect(unexpected(problems)).toEqual([]);
    await page.close();
  }, 60_000);

  it('shows client-side and server-side field errors next to the field, and a provider failure in the detail view', async () => {
    const { page, problems } = await openPage('/');
    const posts: string[] = [];
    page.on('request', (request) => request.method() === 'POST' && posts.push(request.url()));

    await submitWeather(page, { city: 'Austin', countryCode: 'usa' });
    const clientSide = await fieldError(page, 'Country code');
    expect(clientSide).toEqual({ text: 'Country code must be an ISO 3166-1 alpha-2 code in capitals, e.g. "US"', besideControl: true });
    expect(posts).toEqual([]);
    await screenshot(page, '04-form-invalid.png');

    // What only the server sees: the body is changed in flight, the real API rejects it.
    await page.route(
      (url) => url.pathname === '/v1/jobs',
      async (route) => {
        const request = route.request();
        if (request.method() !== 'POST') return route.continue();
        const body = JSON.parse(request.postData() ?? '{}') as { payload: Record<string, unknown> };
        body.payload.country_code = 'usa';
        await route.continue({ postData: JSON.stringify(body) });
      },
    );
    await page.getByLabel('Country code').fill('US');
    await page.getByRole('button', { name: 'Submit', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'INVALID_PAYLOAD' }).waitFor();
    expect(await fieldError(page, 'Country code')).toEqual(clientSide);
    expect(posts).toHaveLength(1);
    await page.unrouteAll();

    await submitWeather(page, { city: 'Atlantis', countryCode: 'US' });
    const jobId = await submittedJobId(page);
    await page.getByRole('status').getByRole('link', { name: 'View details' }).click();
    await page.waitForURL(`**/jobs/${jobId}`);
    await page.locator('.state-failed').first().waitFor({ timeout: JOB_DONE_MS });
    expect(await factValue(page, 'Error code')).toBe('CITY_NOT_FOUND');
    expect(await factValue(page, 'Error message')).toBe('no city "Atlantis" in US');
    await page.getByText('No output: the job failed.').waitFor();
    expect(await factValue(page, 'City')).toBe('Atlantis');
    await screenshot(page, '05-detail-failed.png');

    expect(unexpected(problems, [/Failed to load resource: the server responded with a status of 400/])).toEqual([]);
    await page.close();
  }, 60_000);

  it('offers Retry when the API cannot be reached, and recovers', async () => {
    const { page, problems } = await openPage('/', (tab) => tab.route((url) => url.pathname === '/v1/jobs', (route) => route.abort('failed')));

    const alert = page.getByRole('alert').filter({ hasText: 'The jobs could not be loaded: Could not reach the dtq API' });
    await alert.waitFor();
    await page.getByRole('heading', { name: 'Submit a job' }).waitFor();
    await screenshot(page, '06-network-error.png');

    await page.unrouteAll();
    await alert.getByRole('button', { name: 'Retry' }).click();
    await page.locator('tr[data-job-id]').first().waitFor();
    await alert.waitFor({ state: 'detached' });

    expect(unexpected(problems, [/Failed to load resource: net::ERR_FAILED/])).toEqual([]);
    await page.close();
  }, 60_000);

  it('runs under the Static Web App content security policy', async () => {
    const swaConfig = JSON.parse(await readFile(join(requireBrowserAndBuild(), 'staticwebapp.config.json'), 'utf8')) as {
      globalHeaders: Record<string, string>;
    };
    // Every response carries the SWA's global headers, as the Static Web App would send them;
    // the event stream passes untouched (route.fetch waits for a whole body, and it never ends).
    const { page, problems } = await openPage('/', (tab) =>
      tab.route((url) => url.pathname !== '/v1/events', async (route) => {
        const response = await route.fetch();
        await route.fulfill({ response, headers: { ...response.headers(), ...swaConfig.globalHeaders } });
      }),
    );
    await page.getByLabel('Job type').selectOption('quote');
    await page.getByLabel('Tag').fill('wisdom');
    await page.getByRole('button', { name: 'Submit', exact: true }).click();
    const jobId = await submittedJobId(page);
    await page.waitForSelector(`tr[data-job-id="${jobId}"][data-state="completed"]`, { timeout: JOB_DONE_MS });
    await page.getByRole('status').getByRole('link', { name: 'View details' }).click();
    await page.getByText('Well begun is half done.', { exact: true }).waitFor();

    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('fits a phone screen without horizontal scrolling', async () => {
    const { page, problems } = await openPage('/');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('tr[data-job-id]').first().waitFor();
    expect(await hasNoHorizontalScroll(page)).toBe(true);
    await screenshot(page, '07-phone-list.png');

    await page.locator('tr[data-job-id] a').first().click();
    await page.locator('.state-completed, .state-failed').first().waitFor({ timeout: JOB_DONE_MS });
    await page.getByRole('heading', { name: 'Result' }).waitFor();
    expect(await hasNoHorizontalScroll(page)).toBe(true);
    await screenshot(page, '08-phone-detail.png');

    expect(unexpected(problems)).toEqual([]);
    await page.close();
  }, 60_000);
});
