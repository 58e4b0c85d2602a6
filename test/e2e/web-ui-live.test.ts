import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factValue, inMemoryAppWithBrowser, openTab, screenshot, submitOverApi } from './web-ui-app.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

// The UI follows GET /v1/events: jobs sent by other clients (curl, services) show and move in an
// open UI without a reload, and no view polls the API for job changes.
const running = inMemoryAppWithBrowser({
  SIMULATED_PROVIDER_DELAY_MS: '1500',
  WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64')}`,
  CALLBACK_ALLOWED_HOSTS: '127.0.0.1',
  WEBHOOK_RETRY_SCHEDULE_MS: '1500,1500,1500',
  WEBHOOK_POLL_MS: '100',
});
let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(() => receiver?.close());
const openPage = (path: string) => openTab(running.context, `${running.app.baseUrl}${path}`);
const WEATHER = { job_type: 'weather', payload: { city: 'Austin', country_code: 'US', units: 'metric' } };
const QUOTE = { job_type: 'quote', payload: { tag: 'wisdom' } };
const JOB_DONE_MS = 20_000;
/** Far below the 15 s fallback refresh: only an event can bring a job this soon. */
const LIVE_MS = 8_000;

describe('the UI live from GET /v1/events in Chromium', () => {
  it('shows a job submitted over HTTP and moves it to completed, with no reload', async () => {
    const { page, problems } = await openPage('/');
    let navigations = 0;
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigations++;
    });
    await page.locator('.jobs').waitFor();
    const jobId = await submitOverApi(running.app.baseUrl, WEATHER);
    await page.locator(`tr[data-job-id="${jobId}"]`).waitFor({ timeout: LIVE_MS });
    await page.locator(`tr[data-job-id="${jobId}"][data-state="completed"]`).waitFor({ timeout: JOB_DONE_MS });
    await expect.poll(() => page.locator('.overview').textContent(), { timeout: LIVE_MS }).toMatch(/completed/i);
    expect(navigations).toBe(0);
    await screenshot(page, 'live-01-curl-job-completed.png');
    expect(problems).toEqual([]);
    await page.close();
  });

  // The stale-list defect: once every job the list showed had finished, it stopped asking, so a
  // job sent by another client never appeared until a reload.
  it('shows a new job after every listed job has finished', async () => {
    const first = await submitOverApi(running.app.baseUrl, QUOTE);
    const { page, problems } = await openPage('/');
    await page.locator(`tr[data-job-id="${first}"][data-state="completed"]`).waitFor({ timeout: JOB_DONE_MS });
    await expect.poll(() => page.locator('tr[data-job-id]:not([data-state="completed"]):not([data-state="failed"])').count()).toBe(0);
    const second = await submitOverApi(running.app.baseUrl, QUOTE);
    await page.locator(`tr[data-job-id="${second}"]`).waitFor({ timeout: LIVE_MS });
    await page.locator(`tr[data-job-id="${second}"][data-state="completed"]`).waitFor({ timeout: JOB_DONE_MS });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('moves the job page through its milestones without polling its status', async () => {
    const jobId = await submitOverApi(running.app.baseUrl, WEATHER);
    const page = await running.context.newPage();
    const statusReads: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === `/v1/jobs/${jobId}/status`) statusReads.push(request.url());
    });
    await page.goto(`${running.app.baseUrl}/jobs/${jobId}`);
    await page.locator('.status-line .state-running, .status-line .state-queued').waitFor({ timeout: JOB_DONE_MS });
    await page.locator('.status-line .state-completed').waitFor({ timeout: JOB_DONE_MS });
    await expect.poll(() => page.locator('.milestone-reached').count(), { timeout: LIVE_MS }).toBe(5);
    await page.getByRole('heading', { name: 'Result' }).waitFor();
    await page.locator('.job-detail').getByText('Austin').first().waitFor({ timeout: LIVE_MS });
    // One read when the page opens and one when the job ended (its final links and webhook
    // section); polling would read about once a second over the job's 1.5 s and more.
    expect(statusReads.length).toBeLessThanOrEqual(2);
    await screenshot(page, 'live-02-job-page-milestones.png');
    await page.close();
  });

  it("updates the job page's webhook section through a retry to delivered, with no reload", async () => {
    receiver.plan('/live', (nth) => ({ status: nth === 0 ? 503 : 200 }));
    const jobId = await submitOverApi(running.app.baseUrl, { ...QUOTE, callback_url: receiver.url('/live') });
    const { page, problems } = await openPage(`/jobs/${jobId}`);
    await page.getByRole('heading', { name: 'Webhook' }).waitFor({ timeout: JOB_DONE_MS });
    await expect.poll(() => factValue(page, 'Delivery'), { timeout: JOB_DONE_MS }).toBe('delivered');
    expect(await factValue(page, 'Attempts')).toBe('2');
    expect(receiver.at('/live')).toHaveLength(2);
    await screenshot(page, 'live-03-webhook-delivered.png');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('says quietly that live updates are off when the API has no event stream, and still shows jobs', async () => {
    const page = await running.context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // An API from before event streams: the route answers 404.
    await page.route('**/v1/events*', (route) =>
      route.fulfill({ status: 404, contentType: 'application/json', body: JSON.stringify({ error: { code: 'ROUTE_NOT_FOUND', message: 'no such route' } }) }),
    );
    await page.goto(`${running.app.baseUrl}/`);
    await page.locator('.live-state', { hasText: 'Live updates unavailable' }).waitFor({ timeout: LIVE_MS });
    expect(await page.locator('.notice-error').count()).toBe(0);
    await page.locator('.jobs-table').waitFor();
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
