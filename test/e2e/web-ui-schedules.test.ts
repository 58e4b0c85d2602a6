import { describe, expect, it } from 'vitest';
import { axeViolations, inMemoryAppWithBrowser, openTab, screenshot } from './web-ui-app.js';

// The schedules page in Chromium, against API + worker + UI in this process on the in-memory
// adapters: create an every-second schedule, watch its jobs appear, pause it, delete it.
const DONE_MS = 20_000;

const running = inMemoryAppWithBrowser({ SIMULATED_PROVIDER_DELAY_MS: '20', SCHEDULE_POLL_MS: '100' });

describe('schedules in Chromium', () => {
  it('creates a schedule, lists its next runs and jobs, pauses and deletes it, and says what is wrong with a bad cron', async () => {
    const { page, problems } = await openTab(running.context, `${running.app.baseUrl}/schedules`);
    await page.getByRole('heading', { level: 1, name: 'Schedules' }).waitFor();
    // The heading shows before the list's first answer: wait for the list, then count.
    await page.getByText('No schedules yet.').waitFor({ timeout: DONE_MS });
    expect(await page.getByText('No schedules yet.').count()).toBe(1);

    // A cron that does not parse: the API's words, naming the field.
    await page.getByLabel('Cron').fill('every minute');
    await page.getByRole('button', { name: 'Create schedule' }).click();
    await expect.poll(() => page.getByRole('alert').textContent(), { timeout: DONE_MS }).toMatch(/cron: must have five fields/);

    await page.getByLabel('Cron').fill('* * * * * *');
    await page.getByRole('button', { name: 'Create schedule' }).click();
    const item = page.locator('.schedule-item');
    await item.waitFor({ timeout: DONE_MS });
    expect(await item.getAttribute('data-state')).toBe('active');
    expect(await item.locator('.next-runs li').count()).toBe(5);
    await expect.poll(() => item.locator('.schedule-jobs li').count(), { timeout: DONE_MS }).toBeGreaterThan(0);
    await screenshot(page, 'schedules-01-active.png');
    expect(await axeViolations(page)).toEqual([]);

    await item.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => item.getAttribute('data-state'), { timeout: DONE_MS }).toBe('paused');
    expect(await item.getByText('None while paused.').count()).toBe(1);

    await item.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No schedules yet.').waitFor({ timeout: DONE_MS });
    // The refused cron is the one failed request the browser reports.
    expect(problems.filter((problem) => !/status of 400/.test(problem))).toEqual([]);
    await page.close();
  }, 60_000);
});
