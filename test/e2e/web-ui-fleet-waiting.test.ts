import { describe, expect, it } from 'vitest';
import { axeViolations, inMemoryAppWithBrowser, noHorizontalScroll, openTab, screenshot, submitOverApi } from './web-ui-app.js';

// The fleet page's delayed-jobs and limits cards, in Chromium against API + worker + UI on the
// in-memory adapters: weather runs one job per country at once, each for a few seconds, so the
// jobs of one country wait in its line while the page reads them.
process.env.JOB_LIMITS_WEATHER_CONCURRENCY_KEY = 'country_code';
process.env.JOB_LIMITS_WEATHER_CONCURRENCY_MAX = '1';
const running = inMemoryAppWithBrowser({ SIMULATED_PROVIDER_DELAY_MS: '4000' });
const DONE_MS = 20_000;

describe('fleet: delayed jobs and limits in Chromium', () => {
  it('shows the held jobs with their next start, and per type its limits and the keys waiting', async () => {
    const submit = (job: unknown) => submitOverApi(running.app.baseUrl, job);
    await submit({ job_type: 'weather', payload: { city: 'Berlin', country_code: 'DE', units: 'metric' }, delay_ms: 3_600_000 });
    for (const city of ['Paris', 'Lyon', 'Nice', 'Lille', 'Brest']) await submit({ job_type: 'weather', payload: { city, country_code: 'FR', units: 'metric' } });
    const { page, problems } = await openTab(running.context, `${running.app.baseUrl}/fleet`);
    for (const viewport of [{ width: 1280, height: 900 }, { width: 390, height: 844 }]) {
      await page.setViewportSize(viewport);
      await page.reload();
      await page.locator('.delayed-count').waitFor({ timeout: DONE_MS });
      expect(await page.locator('.delayed-count').textContent()).toBe('1');
      expect(await page.locator('.delayed-next').textContent()).toMatch(/^1 job held; the next starts at .+\.$/);
      const weather = page.locator('li[data-limit-type="weather"]');
      await expect.poll(() => weather.textContent(), { timeout: DONE_MS }).toContain('1 at once per country_code');
      const fr = weather.locator('li[data-waiting-key="FR"]');
      await fr.waitFor({ timeout: DONE_MS });
      expect(await fr.textContent()).toMatch(/^FR: \d jobs? waiting for a slot$/);
      expect(await page.locator('li[data-limit-type="exchange_rate"]').textContent()).toContain('nobody waits');
      expect(await page.getByText('Not reported by this API yet').count()).toBe(0);
      expect(await axeViolations(page)).toEqual([]);
      expect(await noHorizontalScroll(page)).toBe(true);
      await screenshot(page, `fleet-03-delayed-and-limits-${viewport.width}.png`);
    }
    expect(problems).toEqual([]);
    await page.close();
    delete process.env.JOB_LIMITS_WEATHER_CONCURRENCY_KEY;
    delete process.env.JOB_LIMITS_WEATHER_CONCURRENCY_MAX;
  }, 90_000);
});
