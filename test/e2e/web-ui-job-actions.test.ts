import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { quoteMessage, replayableDeadLetter } from '../support/dead-letters.js';
import { waitForTerminal, weatherJob } from '../support/http-client.js';
import { axeViolations, factValue, inMemoryAppWithBrowser, noHorizontalScroll, openTab, screenshot, submitOverApi } from './web-ui-app.js';

// Cancel and retry from a job's page, in Chromium, against API + worker + UI in this process on
// the in-memory adapters. The provider takes long enough for a running job to be cancelled.
const PROVIDER_DELAY_MS = 4_000;
const DONE_MS = 20_000;

const running = inMemoryAppWithBrowser({ SIMULATED_PROVIDER_DELAY_MS: String(PROVIDER_DELAY_MS) });
const openPage = (path: string): Promise<{ page: Page; problems: string[] }> => openTab(running.context, `${running.app.baseUrl}${path}`);
const submit = (job: unknown): Promise<string> => submitOverApi(running.app.baseUrl, job);

describe('job actions in Chromium', () => {
  it('cancels a running job from its page and shows it failed with CANCELLED, announced in the live region', async () => {
    const jobId = await submit(weatherJob('Lisbon'));
    const { page, problems } = await openPage(`/jobs/${jobId}`);
    await page.locator('.state-running').waitFor({ timeout: DONE_MS });
    expect(await page.locator('h1').allTextContents()).toEqual([`Weather job ${jobId}`]);
    // While it runs: when it was queued and started, and how long it has been running.
    await expect.poll(() => page.locator('.milestone-reached .milestone-name').allTextContents(), { timeout: DONE_MS }).toEqual(['Queued', 'Started', 'Calling its provider']);
    expect(await page.locator('.elapsed').textContent()).toMatch(/^Running for \d/);
    await screenshot(page, 'actions-01-running-with-cancel.png');
    expect(await axeViolations(page)).toEqual([]);

    // Reached and pressed with the keyboard.
    const cancel = page.getByRole('button', { name: 'Cancel job' });
    await cancel.focus();
    await page.keyboard.press('Enter');
    await page.locator('.state-failed').waitFor({ timeout: DONE_MS });
    await expect.poll(() => page.locator('.job-error code').first().textContent(), { timeout: DONE_MS }).toBe('CANCELLED');
    expect(await page.locator('[aria-live=polite]').textContent()).toContain('failed: CANCELLED');
    expect(await factValue(page, 'Cancel requested')).not.toBe('—');
    await expect.poll(() => page.locator('.milestone-failed .milestone-name').textContent(), { timeout: DONE_MS }).toBe('Failed (CANCELLED)');
    expect(await page.locator('.elapsed').count()).toBe(0);
    await screenshot(page, 'actions-02-cancelled.png');
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('retries a failed job and lands on the new one, which links back to it', async () => {
    const failed = await submit(weatherJob('Atlantis'));
    const { page, problems } = await openPage(`/jobs/${failed}`);
    await page.locator('.state-failed').waitFor({ timeout: DONE_MS });
    expect(await page.getByRole('button', { name: 'Cancel job' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Retry as a new job' }).click();

    await page.waitForURL((url) => /^\/jobs\/[0-9a-f-]{36}$/.test(url.pathname) && !url.pathname.endsWith(failed), { timeout: DONE_MS });
    const retryId = new URL(page.url()).pathname.split('/').pop()!;
    await page.getByRole('heading', { name: new RegExp(retryId) }).waitFor();
    await expect.poll(() => factValue(page, 'Retry of'), { timeout: DONE_MS }).toBe(failed.slice(0, 8));
    await page.locator('.state-failed').waitFor({ timeout: DONE_MS });
    await screenshot(page, 'actions-03-retry.png');

    // Back on the first job, its retry is linked.
    await page.locator('dl.facts a', { hasText: failed.slice(0, 8) }).click();
    await page.waitForURL((url) => url.pathname.endsWith(failed));
    await expect.poll(() => factValue(page, 'Retried as'), { timeout: DONE_MS }).toContain(retryId.slice(0, 8));
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('shows one clear message for a malformed job id, and the actions fit a phone screen', async () => {
    const { page, problems } = await openPage('/jobs/not-a-uuid');
    await page.getByRole('heading', { name: 'Not a job id' }).waitFor();
    expect(await page.locator('.card').count()).toBe(0);
    expect(await page.getByRole('alert').textContent()).toContain('not-a-uuid is not a job id');

    const jobId = await submit(weatherJob('Kyoto'));
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${running.app.baseUrl}/jobs/${jobId}`);
    await page.getByRole('button', { name: 'Cancel job' }).waitFor({ timeout: DONE_MS });
    expect(await noHorizontalScroll(page)).toBe(true);
    await screenshot(page, 'actions-04-phone-cancel.png');
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('keeps the list filters in the address across a reload, and opens a job found by its id', async () => {
    const failed = await submit(weatherJob('Atlantis'));
    await waitForTerminal(running.app.baseUrl, failed, DONE_MS);
    const { page, problems } = await openPage('/');
    await page.getByLabel('Filter by state').selectOption('failed');
    await page.getByLabel('Filter by type').selectOption('weather');
    await page.waitForURL((url) => url.search === '?state=failed&job_type=weather');
    await page.locator(`tr[data-job-id="${failed}"]`).waitFor({ timeout: DONE_MS });

    await page.reload();
    expect(await page.getByLabel('Filter by state').inputValue()).toBe('failed');
    expect(await page.getByLabel('Filter by type').inputValue()).toBe('weather');
    await page.locator(`tr[data-job-id="${failed}"]`).waitFor({ timeout: DONE_MS });
    expect(await page.locator('tr[data-job-id]:not([data-state="failed"])').count()).toBe(0);
    await screenshot(page, 'actions-05-filtered-after-reload.png');

    const search = page.getByLabel('Find a job by id');
    await search.fill('1234');
    await search.press('Enter');
    expect(await page.locator('.job-search .field-error').textContent()).toContain('Enter a whole job id');
    await search.fill(failed.toUpperCase());
    await search.press('Enter');
    await page.waitForURL((url) => url.pathname === `/jobs/${failed}`);
    await page.locator('.state-failed').waitFor({ timeout: DONE_MS });
    await page.goBack();
    await page.waitForURL((url) => url.search === '?state=failed&job_type=weather');
    expect(await page.getByLabel('Filter by state').inputValue()).toBe('failed');
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('shows the counts and the waiting dead letters on the overview, and replays one back onto its topic from their page', async () => {
    const message = quoteMessage();
    const jobId = message.job_id;
    await running.app.adapters.queue.publish(replayableDeadLetter(message, 'jobs.quote.v1', 'payload.tag: not a known tag'));
    const { page, problems } = await openPage('/');
    expect(await page.locator('h1').count()).toBe(1);
    await page.getByRole('link', { name: /^\d+ waiting$/ }).waitFor({ timeout: DONE_MS });
    expect(Number(await page.locator('.overview .count-badge').textContent())).toBeGreaterThanOrEqual(1);
    expect(Number(await page.locator('.count-failed .count-value').textContent())).toBeGreaterThanOrEqual(1);
    expect(await page.locator('.last-hour figcaption').textContent()).toMatch(/^Last hour: \d+ completed, \d+ failed$/);
    await screenshot(page, 'actions-06-overview-dead-letters.png');
    expect(await axeViolations(page)).toEqual([]);

    await page.getByRole('link', { name: /^\d+ waiting$/ }).click();
    await page.waitForURL((url) => url.pathname === '/dead-letters');
    const letter = page.locator('tr[data-dead-letter-id]', { hasText: 'payload.tag: not a known tag' });
    await letter.waitFor({ timeout: DONE_MS });
    // Its headers name the source topic only: no placeholders for the partition and offset.
    expect(await letter.locator('td').nth(2).textContent()).toBe('jobs.quote.v1');
    await letter.getByRole('button', { name: 'Replay', exact: true }).click();
    await letter.getByText('Back on jobs.quote.v1').waitFor({ timeout: DONE_MS });
    await letter.getByRole('link', { name: 'view the job' }).click();
    await page.waitForURL((url) => url.pathname === `/jobs/${jobId}`);
    await page.locator('.state-completed').waitFor({ timeout: DONE_MS });
    await page.goBack();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('checkbox', { name: 'Show handled' }).check();
    await page.locator('tr[data-dead-letter-id]').first().waitFor({ timeout: DONE_MS });
    expect(await noHorizontalScroll(page)).toBe(true);
    await screenshot(page, 'actions-07-phone-dead-letters.png');
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});
