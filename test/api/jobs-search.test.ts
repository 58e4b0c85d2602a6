/** GET /v1/jobs's time range and search over HTTP, on the embedded adapters: found by label words, refused with the field named. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedApp, type EmbeddedApp } from '../support/embedded-app.js';
import { expectErrorBody, postJson, request, waitForTerminal, weatherJob } from '../support/http-client.js';

describe('jobs list search over HTTP', () => {
  let app: EmbeddedApp;
  beforeAll(async () => {
    app = await startEmbeddedApp({});
  });
  afterAll(() => app.close());

  it('finds jobs by words of their label within a time range, and names a bad field', async () => {
    const since = new Date().toISOString();
    const submit = async (city: string) => (await postJson(`${app.baseUrl}/v1/jobs`, weatherJob(city))).body.job_id as string;
    const oslo = await submit('Oslo');
    const austin = await submit('Austin');
    await Promise.all([oslo, austin].map((id) => waitForTerminal(app.baseUrl, id)));
    const found = await request(`${app.baseUrl}/v1/jobs?q=${encodeURIComponent('oslo us')}&submitted_after=${since}`);
    expect(found.status).toBe(200);
    expect(found.body.items.map((job: { job_id: string }) => job.job_id)).toEqual([oslo]);
    const before = await request(`${app.baseUrl}/v1/jobs?submitted_before=${since}&label=${encodeURIComponent('Oslo, US')}`);
    expect(before.body.items).toEqual([]);
    const refused = expectErrorBody(await request(`${app.baseUrl}/v1/jobs?submitted_after=today`), 400, 'INVALID_QUERY');
    expect(refused.message).toContain('submitted_after');
  });
});
