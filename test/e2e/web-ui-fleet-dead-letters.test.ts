import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { buildWorker } from '../../composition/build-worker.js';
import { quoteMessage, replayableDeadLetter } from '../support/dead-letters.js';
import { request, waitForTerminal } from '../support/http-client.js';
import { testLogger } from '../support/test-logger.js';
import { axeViolations, inMemoryAppWithBrowser, noHorizontalScroll, openTab, screenshot, submitOverApi } from './web-ui-app.js';

// The fleet and dead-letter pages, and every page's accessibility at desktop and phone width,
// in Chromium against API + worker + UI on the in-memory adapters.
const running = inMemoryAppWithBrowser({ SIMULATED_PROVIDER_DELAY_MS: '50' });
const openPage = (path: string) => openTab(running.context, `${running.app.baseUrl}${path}`);
const submit = (job: unknown) => submitOverApi(running.app.baseUrl, job);
const DONE_MS = 20_000;
const lagTotal = async (page: Page) => Number(await page.locator('.lag-total').textContent());

describe('fleet and dead letters in Chromium', () => {
  it('replays a corrected dead letter from the dead-letter page', async () => {
    // A weather job whose units the contract refuses: replayed as it is, it is refused again.
    const message = { ...quoteMessage(), job_type: 'weather', payload: { city: 'Austin', country_code: 'US', units: 'kelvin' } };
    await running.app.adapters.queue.publish(replayableDeadLetter(message as never, 'jobs.weather.v1', 'payload.units: must be metric or imperial'));
    const { page, problems } = await openPage('/dead-letters');
    const row = page.locator('tr[data-dead-letter-id]', { hasText: 'payload.units: must be metric or imperial' });
    await row.waitFor({ timeout: DONE_MS });
    await row.getByRole('button', { name: 'Replay', exact: true }).click();
    await row.locator('.field-error').waitFor({ timeout: DONE_MS });
    expect(await row.locator('.field-error').textContent()).toContain('payload.units');

    await row.getByRole('button', { name: 'Correct…' }).click();
    const editor = page.getByRole('textbox', { name: /^Corrected value of / });
    expect(JSON.parse(await editor.inputValue())).toEqual(message);
    await editor.fill(JSON.stringify({ ...message, payload: { ...message.payload, units: 'metric' } }, null, 2));
    await screenshot(page, 'dead-letters-01-correcting.png');
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Replay corrected' }).click();
    await row.getByText('Back on jobs.weather.v1').waitFor({ timeout: DONE_MS });
    await screenshot(page, 'dead-letters-02-replayed.png');
    expect(await waitForTerminal(running.app.baseUrl, message.job_id, DONE_MS)).toMatchObject({ state: 'completed' });
    expect((await request(`${running.app.baseUrl}/v1/jobs/${message.job_id}/result`)).body.input).toEqual({ city: 'Austin', country_code: 'US', units: 'metric' });
    // Marked handled: the overview no longer counts it as waiting.
    const letters = (await request(`${running.app.baseUrl}/v1/dead-letters`)).body;
    expect(letters.handled).toBe(1);
    // 422 of the first try is the browser's console error for a failed request, not the page's.
    expect(problems.filter((problem) => !problem.includes('422'))).toEqual([]);
    await page.close();
  }, 60_000);

  it('copies a job\'s raw input JSON', async () => {
    await running.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: running.app.baseUrl });
    const jobId = await submit({ job_type: 'quote', payload: { tag: 'wisdom' } });
    await waitForTerminal(running.app.baseUrl, jobId, DONE_MS);
    const { page, problems } = await openPage(`/jobs/${jobId}`);
    await page.getByRole('button', { name: 'Copy input JSON' }).click();
    await page.getByText('Copied').waitFor();
    expect(JSON.parse(await page.evaluate(() => navigator.clipboard.readText()))).toEqual({ tag: 'wisdom' });
    expect(JSON.parse((await page.locator('pre[aria-label="Result JSON"]').textContent()) ?? '')).toMatchObject({ tags: ['wisdom'] });
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('is axe-clean on every page at desktop and phone width, without sideways scrolling on a phone', async () => {
    const jobId = await submit({ job_type: 'weather', payload: { city: 'Atlantis', country_code: 'US', units: 'metric' } });
    await waitForTerminal(running.app.baseUrl, jobId, DONE_MS);
    const { page, problems } = await openPage('/');
    const found: Record<string, string[]> = {};
    for (const viewport of [{ width: 1280, height: 900 }, { width: 390, height: 844 }]) {
      await page.setViewportSize(viewport);
      for (const [path, ready] of [
        ['/', `tr[data-job-id="${jobId}"]`],
        [`/jobs/${jobId}`, '.raw-json-body'],
        ['/fleet', '.lag-total'],
        ['/dead-letters', 'tr[data-dead-letter-id], .dead-letter-page p.muted'],
        ['/schedules', 'h1'],
      ] as const) {
        await page.goto(`${running.app.baseUrl}${path}`);
        await page.locator(ready).first().waitFor({ timeout: DONE_MS });
        const at = `${path} at ${viewport.width} px`;
        found[at] = [...(await axeViolations(page)), ...((await noHorizontalScroll(page)) ? [] : ['scrolls sideways'])];
        await screenshot(page, `pages-${viewport.width}${path.replace(/[^a-z]+/g, '-')}.png`.replace('--', '-'));
      }
    }
    expect(found).toEqual(Object.fromEntries(Object.keys(found).map((view) => [view, []])));
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  it('shows two running workers, and a lag that grows while they are stopped', async () => {
    const second = buildWorker({ config: running.app.config, adapters: running.app.adapters, logger: testLogger(), healthPort: null });
    await second.start();
    try {
      const { page, problems } = await openPage('/fleet');
      const workers = page.getByRole('table', { name: 'Running workers' }).locator('tbody tr');
      await expect.poll(() => workers.count(), { timeout: DONE_MS }).toBe(2);
      expect(await workers.first().locator('td').nth(2).textContent()).toBe(String(running.app.config.WORKER_CONCURRENCY));
      await expect.poll(() => lagTotal(page), { timeout: DONE_MS }).toBe(0);
      await screenshot(page, 'fleet-01-two-workers.png');

      await Promise.all([second.close(), running.app.worker.close()]);
      await page.getByText(/^No worker running/).waitFor({ timeout: DONE_MS });
      const seen: number[] = [await lagTotal(page)];
      for (const city of ['Oslo', 'Lagos', 'Quito']) {
        await submit({ job_type: 'weather', payload: { city, country_code: 'NO', units: 'metric' } });
        await expect.poll(() => lagTotal(page), { timeout: DONE_MS }).toBe(seen.length);
        seen.push(await lagTotal(page));
      }
      expect(seen).toEqual([0, 1, 2, 3]);
      expect(await page.locator('tr.row-lagging').count()).toBeGreaterThan(0);
      await screenshot(page, 'fleet-02-stopped-lag-growing.png');
      expect(problems).toEqual([]);
      await page.close();
    } finally {
      await second.close();
    }
  }, 90_000);
});
