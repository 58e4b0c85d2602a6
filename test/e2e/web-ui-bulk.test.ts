import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { request, waitForTerminal } from '../support/http-client.js';
import { axeViolations, inMemoryAppWithBrowser, openTab, screenshot, submitOverApi } from './web-ui-app.js';

// Acting on many jobs from the jobs table, in Chromium, against API + worker + UI on the
// in-memory adapters. One job runs at a time and each takes seconds, so jobs wait queued long
// enough to be cancelled.
const running = inMemoryAppWithBrowser({ SIMULATED_PROVIDER_DELAY_MS: '2500', WORKER_CONCURRENCY: '1' });
const openPage = (path: string) => openTab(running.context, `${running.app.baseUrl}${path}`);
const submit = (job: unknown) => submitOverApi(running.app.baseUrl, job);
const status = async (jobId: string) => (await request(`${running.app.baseUrl}/v1/jobs/${jobId}/status`)).body;
const DONE_MS = 60_000;

async function confirmAndWait(page: Page, verb: string, count: number) {
  const dialog = page.getByRole('alertdialog');
  await dialog.getByText(`${verb} ${count} jobs?`).waitFor({ timeout: DONE_MS });
  await screenshot(page, `bulk-${verb.toLowerCase()}-confirm.png`);
  expect(await axeViolations(page)).toEqual([]);
  await dialog.getByRole('button', { name: `${verb} ${count} jobs` }).click();
  await page.locator('.bulk-progress[data-state="finished"]').waitFor({ timeout: DONE_MS });
}

describe('bulk actions from the jobs table in Chromium', () => {
  it('retries every failed job of a type, from the filtered table, after a confirmation that states the count', async () => {
    const failedWeather = [await submit({ job_type: 'weather', payload: { city: 'Atlantis', country_code: 'US', units: 'metric' } })];
    failedWeather.push(await submit({ job_type: 'weather', payload: { city: 'Atlantis', country_code: 'GR', units: 'metric' } }));
    const failedOther = await submit({ job_type: 'github_user', payload: { username: 'no-such-user' } });
    await Promise.all([...failedWeather, failedOther].map((id) => waitForTerminal(running.app.baseUrl, id, DONE_MS)));

    const { page, problems } = await openPage('/?state=failed&job_type=weather');
    await page.locator(`tr[data-job-id="${failedWeather[0]}"]`).waitFor({ timeout: DONE_MS });
    await page.getByRole('button', { name: 'Select all matching this filter' }).click();
    await page.getByRole('button', { name: 'Retry matching this filter' }).click();
    await confirmAndWait(page, 'Retry', 2);
    expect(await page.locator('.bulk-progress').textContent()).toBe('Done: 2 of 2 acted on (2 retried)');
    await screenshot(page, 'bulk-retry-done.png');

    for (const jobId of failedWeather) expect((await status(jobId)).retries).toHaveLength(1);
    expect((await status(failedOther)).retries).toBeUndefined();
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  it('cancels the selected rows and leaves the others', async () => {
    const ids: string[] = [];
    for (const tag of ['love', 'life', 'time', 'hope']) ids.push(await submit({ job_type: 'quote', payload: { tag } }));
    const [oldest, second, third, newest] = ids as [string, string, string, string];

    const { page, problems } = await openPage('/?job_type=quote');
    await page.locator(`tr[data-job-id="${newest}"]`).waitFor({ timeout: DONE_MS });
    await page.getByRole('checkbox', { name: 'Select Quote · tag hope' }).check();
    await page.getByRole('checkbox', { name: 'Select Quote · tag time' }).check();
    await page.getByText('2 selected').waitFor();
    await page.getByRole('button', { name: 'Cancel selected' }).click();
    await confirmAndWait(page, 'Cancel', 2);
    expect(await page.locator('.bulk-progress').textContent()).toMatch(/^Done: 2 of 2 acted on \(2 cancelled\)$/);
    await page.locator(`tr[data-job-id="${newest}"][data-state="failed"]`).waitFor({ timeout: DONE_MS });
    await screenshot(page, 'bulk-cancel-done.png');

    for (const jobId of [third, newest]) expect(await status(jobId)).toMatchObject({ state: 'failed', error_code: 'CANCELLED' });
    for (const jobId of [oldest, second]) expect((await status(jobId)).error_code).toBeUndefined();
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);
});
