import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { inMemoryAppWithBrowser, openTab, screenshot } from './web-ui-app.js';

// The console's visual defects an operator met, each pinned down in Chromium at desktop width.
const running = inMemoryAppWithBrowser({ SIMULATED_PROVIDER_DELAY_MS: '50' });
const openPage = (path: string) => openTab(running.context, `${running.app.baseUrl}${path}`);

describe('console defects in Chromium', () => {
  it('does not paint the dead-letter count red when there are none', async () => {
    const { page, problems } = await openPage('/');
    const badge = page.locator('.overview .count-badge');
    await badge.waitFor();
    expect(await badge.textContent()).toBe('0');
    const colours = await badge.evaluate((node) => {
      const probe = document.createElement('span');
      probe.style.color = 'var(--error)';
      document.body.append(probe);
      const error = getComputedStyle(probe).color;
      probe.remove();
      return { badge: getComputedStyle(node).color, error };
    });
    expect(colours.badge).not.toBe(colours.error);
    await screenshot(page, 'defects-01-badge-at-zero.png');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('keeps "Open" in line with the id field when the id error shows', async () => {
    const { page, problems } = await openPage('/');
    const field = page.getByLabel('Find a job by id');
    await field.fill('not-an-id');
    await page.getByRole('button', { name: 'Open' }).click();
    await page.locator('.job-search .field-error').waitFor();
    const input = (await field.boundingBox())!;
    const button = (await page.getByRole('button', { name: 'Open' }).boundingBox())!;
    expect(Math.abs(button.y + button.height / 2 - (input.y + input.height / 2))).toBeLessThan(3);
    await screenshot(page, 'defects-02-open-in-line.png');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('gives the job page the desktop width', async () => {
    const jobId = (await fetch(`${running.app.baseUrl}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ job_type: 'quote', payload: { tag: 'wisdom' } }),
    }).then((response) => response.json())) as { job_id: string };
    const { page, problems } = await openPage(`/jobs/${jobId.job_id}`);
    await page.getByRole('heading', { name: 'Status' }).waitFor();
    const width = await page.locator('.job-detail').evaluate((node) => node.getBoundingClientRect().width / window.innerWidth);
    expect(width).toBeGreaterThan(0.85);
    await screenshot(page, 'defects-03-job-page-width.png');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('says a job that is not found is not found, without an empty Result card', async () => {
    const { page } = await openPage(`/jobs/${randomUUID()}`);
    await page.getByRole('heading', { name: 'Job not found' }).waitFor({ timeout: 10_000 });
    expect(await page.getByRole('heading', { name: 'Result' }).count()).toBe(0);
    await screenshot(page, 'defects-04-job-not-found.png');
    await page.close();
  });
});
