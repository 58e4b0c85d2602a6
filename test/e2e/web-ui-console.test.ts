import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { waitForTerminal } from '../support/http-client.js';
import { axeViolations, inMemoryAppWithBrowser, noHorizontalScroll, openTab, screenshot, submitOverApi } from './web-ui-app.js';

// The operator's views of the list and of one job, in Chromium, against API + worker + UI in
// this process on the in-memory adapters, with a quick simulated provider.
const DONE_MS = 20_000;
/** The UI's page size. */
const PAGE_SIZE = 20;

const running = inMemoryAppWithBrowser({ SIMULATED_PROVIDER_DELAY_MS: '50' });
const openPage = (path: string): Promise<{ page: Page; problems: string[] }> => openTab(running.context, `${running.app.baseUrl}${path}`);
const submit = (job: unknown): Promise<string> => submitOverApi(running.app.baseUrl, job);
const rowNames = (page: Page) => page.locator('tr[data-job-id] .job-link').allTextContents();

describe('operator console in Chromium', () => {
  it('keeps a paged, filtered list in the address across a reload, with rows that say what each job is about', async () => {
    // More exchange-rate jobs than one page holds, told apart by their amount; one job of another type.
    const amounts = Array.from({ length: PAGE_SIZE + 5 }, (_, i) => i + 1);
    const ids: string[] = [];
    for (const amount of amounts) ids.push(await submit({ job_type: 'exchange_rate', payload: { base: 'USD', target: 'EUR', amount } }));
    const other = await submit({ job_type: 'github_user', payload: { username: 'octocat' } });
    await Promise.all([...ids, other].map((id) => waitForTerminal(running.app.baseUrl, id, DONE_MS)));

    const { page, problems } = await openPage('/?job_type=exchange_rate');
    await page.locator(`tr[data-job-id="${ids[ids.length - 1]}"]`).waitFor({ timeout: DONE_MS });
    const newest = amounts.slice(-PAGE_SIZE).reverse().map((amount) => `Exchange rate · ${amount} USD → EUR`);
    // The newest page, in the API's order: newest first, and two jobs submitted in the same
    // millisecond in the order the API breaks that tie (by id), which is not always submission order.
    const listed = (await (await fetch(`${running.app.baseUrl}/v1/jobs?job_type=exchange_rate&limit=${PAGE_SIZE}`)).json()) as { items: Array<{ label: string }> };
    const shown = await rowNames(page);
    expect(shown).toEqual(listed.items.map((item) => `Exchange rate · ${item.label}`));
    expect([...shown].sort()).toEqual([...newest].sort());
    const first = page.locator(`tr[data-job-id="${ids[ids.length - 1]}"]`);
    expect(await first.locator('.job-duration').textContent()).toMatch(/^took \d+(\.\d+)? m?s$/);
    await screenshot(page, 'console-01-list-labels.png');

    await page.getByRole('button', { name: 'Older jobs' }).click();
    await page.waitForURL((url) => url.searchParams.get('page') === '2' && url.searchParams.has('cursor'));
    const older = amounts.slice(0, 5).reverse().map((amount) => `Exchange rate · ${amount} USD → EUR`);
    await expect.poll(() => rowNames(page), { timeout: DONE_MS }).toEqual(older);
    const pagedUrl = page.url();

    // A reload, and the same link in a new tab, show the same page with the same filter.
    await page.reload();
    await expect.poll(() => rowNames(page), { timeout: DONE_MS }).toEqual(older);
    expect(await page.getByLabel('Filter by type').inputValue()).toBe('exchange_rate');
    await page.getByRole('heading', { name: 'Recent jobs · page 2' }).waitFor();
    const shared = await running.context.newPage();
    await shared.goto(pagedUrl);
    await expect.poll(() => rowNames(shared), { timeout: DONE_MS }).toEqual(older);
    await shared.close();
    await screenshot(page, 'console-02-page-2-after-reload.png');

    // Back returns to the first page; a new filter starts at the first page again.
    await page.goBack();
    await page.waitForURL((url) => url.search === '?job_type=exchange_rate');
    await expect.poll(() => rowNames(page), { timeout: DONE_MS }).toEqual(newest);
    // A job older than the status window comes from its stored result, after the window's jobs.
    const twoDaysAgo = Date.now() - 48 * 3_600_000;
    const oldJob = randomUUID();
    await running.app.adapters.results.save({
      schema_version: '1.0',
      job_id: oldJob,
      job_type: 'github_user',
      input: { username: 'torvalds' },
      output: null,
      final_state: 'failed',
      started_at: new Date(twoDaysAgo).toISOString(),
      completed_at: new Date(twoDaysAgo + 1_500).toISOString(),
      error: { code: 'GITHUB_USER_NOT_FOUND', message: 'no such user' },
      trace_id: randomUUID(),
    });
    await page.getByLabel('Filter by type').selectOption('github_user');
    await page.waitForURL((url) => url.search === '?job_type=github_user');
    await expect.poll(() => rowNames(page), { timeout: DONE_MS }).toEqual(['GitHub user · @octocat', 'GitHub user · @torvalds']);
    const stored = page.locator(`tr[data-job-id="${oldJob}"]`);
    expect(await stored.locator('.job-source').textContent()).toBe('older than 24 h: from the stored result');
    expect(await stored.locator('.job-duration').textContent()).toBe('took 1.50 s');
    expect(await stored.getByRole('progressbar').count()).toBe(0);
    await screenshot(page, 'console-06-history-row.png');

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(pagedUrl);
    await expect.poll(() => rowNames(page), { timeout: DONE_MS }).toEqual(older);
    expect(await noHorizontalScroll(page)).toBe(true);
    await screenshot(page, 'console-03-phone-page-2.png');
    expect(problems).toEqual([]);
    await page.close();
  }, 90_000);

  it('shows each milestone of a finished job with its time', async () => {
    const jobId = await submit({ job_type: 'quote', payload: { tag: 'wisdom' } });
    await waitForTerminal(running.app.baseUrl, jobId, DONE_MS);
    const { page, problems } = await openPage(`/jobs/${jobId}`);
    await page.locator('.state-completed').first().waitFor({ timeout: DONE_MS });
    const milestones = page.getByRole('list', { name: 'Milestones' }).getByRole('listitem');
    await expect.poll(() => milestones.locator('.milestone-name').allTextContents()).toEqual([
      'Queued',
      'Started',
      'Calling its provider',
      'Storing its result',
      'Completed',
    ]);
    expect(await page.locator('.milestone-reached').count()).toBe(5);
    const times = await milestones.locator('time').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('datetime') ?? ''));
    expect(times).toHaveLength(5);
    expect([...times].sort()).toEqual(times);
    expect(await milestones.nth(4).locator('.milestone-time').textContent()).toMatch(/· \+\d+(\.\d+)? m?s$/);
    // What the job is about, under its title.
    expect(await page.locator('.job-label').textContent()).toBe('tag wisdom');
    await screenshot(page, 'console-04-milestones.png');
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await noHorizontalScroll(page)).toBe(true);
    await screenshot(page, 'console-05-phone-milestones.png');
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('is axe-clean on the overview, the list, the submit form with its errors, and job pages, at desktop and phone width', async () => {
    const completed = await submit({ job_type: 'weather', payload: { city: 'Austin', country_code: 'US', units: 'metric' } });
    const failed = await submit({ job_type: 'weather', payload: { city: 'Atlantis', country_code: 'US', units: 'metric' } });
    await Promise.all([completed, failed].map((id) => waitForTerminal(running.app.baseUrl, id, DONE_MS)));
    const { page, problems } = await openPage('/');
    const found: Record<string, string[]> = {};
    for (const viewport of [{ width: 1280, height: 900 }, { width: 390, height: 844 }]) {
      await page.setViewportSize(viewport);
      const at = `${viewport.width} px`;
      await page.goto(`${running.app.baseUrl}/`);
      await page.locator(`tr[data-job-id="${completed}"]`).waitFor({ timeout: DONE_MS });
      await page.locator('.last-hour').waitFor({ timeout: DONE_MS });
      found[`home, ${at}`] = await axeViolations(page);

      // The form with a client-side error on each field it checks.
      await page.getByLabel('Job type').selectOption('weather');
      await page.getByLabel('Country code').fill('usa');
      await page.getByRole('button', { name: 'Submit', exact: true }).click();
      await page.locator('.field-error').first().waitFor();
      found[`submit form with errors, ${at}`] = await axeViolations(page);

      for (const [name, jobId] of [['completed job', completed], ['failed job', failed]] as const) {
        await page.goto(`${running.app.baseUrl}/jobs/${jobId}`);
        await page.locator('.milestones').waitFor({ timeout: DONE_MS });
        await page.getByRole('heading', { name: 'Result' }).waitFor();
        await page.locator('.state-completed, .state-failed').first().waitFor({ timeout: DONE_MS });
        found[`${name}, ${at}`] = await axeViolations(page);
      }
      await page.goto(`${running.app.baseUrl}/jobs/not-a-uuid`);
      await page.getByRole('heading', { name: 'Not a job id' }).waitFor();
      found[`malformed job id, ${at}`] = await axeViolations(page);
    }
    expect(found).toEqual(Object.fromEntries(Object.keys(found).map((view) => [view, []])));
    expect(problems).toEqual([]);
    await page.close();
  }, 90_000);
});
