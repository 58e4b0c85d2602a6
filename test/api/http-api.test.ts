import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobResultDocumentSchema, JobStatusResponseSchema, ListJobsResponseSchema, SubmitJobResponseSchema } from '../../contracts/index.js';
import { startEmbeddedApp, type EmbeddedApp } from '../support/embedded-app.js';
import { expectErrorBody, postJson, request, waitForTerminal, weatherJob } from '../support/http-client.js';
import { makeWebFolder } from '../support/web-folder.js';

describe('HTTP API on the fallback host, embedded adapters', () => {
  let app: EmbeddedApp;
  beforeAll(async () => {
    app = await startEmbeddedApp({ PROGRESS_RPC_TIMEOUT_MS: '1000' });
  });
  afterAll(() => app.close());

  it('runs a weather job from submit to stored result', async () => {
    const submitted = await postJson(`${app.baseUrl}/v1/jobs`, weatherJob());
    expect(submitted.status).toBe(202);
    const body = SubmitJobResponseSchema.parse(submitted.body);
    expect(submitted.headers.get('location')).toBe(`/v1/jobs/${body.job_id}/status`);
    expect(body.status_url).toBe(`/v1/jobs/${body.job_id}/status`);

    const status = JobStatusResponseSchema.parse(await waitForTerminal(app.baseUrl, body.job_id));
    expect(status).toMatchObject({ state: 'completed', progress_percent: 100, result_url: `/v1/jobs/${body.job_id}/result` });
    // Each milestone with its time, in order, from the submission on.
    const times = ['0', '20', '50', '80', '100'].map((milestone) => status.milestones?.[milestone as '0']);
    expect(times[0]).toBe(body.submitted_at);
    expect(times.every((time) => time !== undefined)).toBe(true);
    expect([...times].sort()).toEqual(times);

    const result = await request(`${app.baseUrl}/v1/jobs/${body.job_id}/result`);
    expect(result.status).toBe(200);
    const doc = JobResultDocumentSchema.strict().parse(result.body);
    expect(doc).toMatchObject({ job_id: body.job_id, trace_id: body.trace_id, final_state: 'completed', error: null });
    expect(doc.input).toEqual(weatherJob().payload);
    expect(doc.output).toMatchObject({ simulated: true, source: 'simulated' });
    expect(typeof doc.output?.temperature).toBe('number');
  });

  it('completes 40 jobs submitted at once', async () => {
    const responses = await Promise.all(Array.from({ length: 40 }, (_, i) => postJson(`${app.baseUrl}/v1/jobs`, weatherJob(`City ${i}`))));
    expect(responses.map((r) => r.status)).toEqual(Array(40).fill(202));
    const ids = responses.map((r) => r.body.job_id as string);
    expect(new Set(ids).size).toBe(40);
    const finals = await Promise.all(ids.map((id) => waitForTerminal(app.baseUrl, id, 30_000)));
    expect(finals.every((s) => s.state === 'completed' && s.progress_percent === 100)).toBe(true);
  });

  it('records a provider failure as a failed job with its error', async () => {
    const submitted = await postJson(`${app.baseUrl}/v1/jobs`, weatherJob('Atlantis'));
    const status = JobStatusResponseSchema.parse(await waitForTerminal(app.baseUrl, submitted.body.job_id));
    expect(status).toMatchObject({ state: 'failed', error_code: 'CITY_NOT_FOUND' });
    // It failed at its provider call: it never reached 80 or 100.
    expect(Object.keys(status.milestones ?? {}).sort()).toEqual(['0', '20', '50']);
    const result = await request(`${app.baseUrl}/v1/jobs/${submitted.body.job_id}/result`);
    expect(result.body).toMatchObject({ final_state: 'failed', output: null, error: { code: 'CITY_NOT_FOUND' } });
  });

  describe('bad input gets its status code and one error shape', () => {
    const cases: Array<[string, () => Promise<any>, number, string, string?]> = [
      ['malformed JSON', () => postJson(`${app.baseUrl}/v1/jobs`, '{"job_type": "weather",'), 400, 'INVALID_JSON'],
      ['an empty body', () => postJson(`${app.baseUrl}/v1/jobs`, ''), 400, 'INVALID_JSON'],
      ['a JSON array', () => postJson(`${app.baseUrl}/v1/jobs`, [1, 2]), 400, 'INVALID_BODY', '(body)'],
      ['a JSON string', () => postJson(`${app.baseUrl}/v1/jobs`, '"weather"'), 400, 'INVALID_BODY', '(body)'],
      ['a missing job_type', () => postJson(`${app.baseUrl}/v1/jobs`, { payload: {} }), 400, 'INVALID_BODY', 'job_type'],
      ['an unknown top-level field', () => postJson(`${app.baseUrl}/v1/jobs`, { ...weatherJob(), priority: 1 }), 400, 'INVALID_BODY', 'priority'],
      ['an unknown job type', () => postJson(`${app.baseUrl}/v1/jobs`, { job_type: 'email', payload: {} }), 400, 'UNKNOWN_JOB_TYPE', 'job_type'],
      ['a missing payload field', () => postJson(`${app.baseUrl}/v1/jobs`, { job_type: 'weather', payload: { country_code: 'US', units: 'metric' } }), 400, 'INVALID_PAYLOAD', 'payload.city'],
      ['an invalid enum', () => postJson(`${app.baseUrl}/v1/jobs`, { job_type: 'weather', payload: { city: 'Austin', country_code: 'US', units: 'kelvin' } }), 400, 'INVALID_PAYLOAD', 'payload.units'],
      ['a payload that is not an object', () => postJson(`${app.baseUrl}/v1/jobs`, { job_type: 'weather', payload: 'Austin' }), 400, 'INVALID_BODY', 'payload'],
      ['a body over 1 MiB', () => postJson(`${app.baseUrl}/v1/jobs`, { job_type: 'weather', payload: { city: 'x'.repeat(1024 * 1024 + 10) } }), 413, 'PAYLOAD_TOO_LARGE'],
      ['an idempotency key that is too long', () => postJson(`${app.baseUrl}/v1/jobs`, weatherJob(), { 'idempotency-key': 'k'.repeat(300) }), 400, 'INVALID_IDEMPOTENCY_KEY', 'Idempotency-Key'],
      ['a malformed job id (status)', () => request(`${app.baseUrl}/v1/jobs/not-a-uuid/status`), 400, 'INVALID_JOB_ID', 'job_id'],
      ['a malformed job id (result)', () => request(`${app.baseUrl}/v1/jobs/123/result`), 400, 'INVALID_JOB_ID', 'job_id'],
      ['an unknown job (status)', () => request(`${app.baseUrl}/v1/jobs/${randomUUID()}/status`), 404, 'JOB_NOT_FOUND'],
      ['an unknown job (result)', () => request(`${app.baseUrl}/v1/jobs/${randomUUID()}/result`), 404, 'JOB_NOT_FOUND'],
      ['a bad list filter', () => request(`${app.baseUrl}/v1/jobs?state=sleeping`), 400, 'INVALID_QUERY', 'state'],
      ['a cursor the API never gave out', () => request(`${app.baseUrl}/v1/jobs?cursor=garbage`), 400, 'INVALID_QUERY', 'cursor'],
      ['a list filter given twice', () => request(`${app.baseUrl}/v1/jobs?state=queued&state=failed`), 400, 'INVALID_QUERY', 'state'],
      ['an unknown route', () => request(`${app.baseUrl}/v2/jobs`), 404, 'ROUTE_NOT_FOUND'],
      ['a wrong method', () => request(`${app.baseUrl}/v1/jobs/${randomUUID()}/status`, { method: 'DELETE' }), 405, 'METHOD_NOT_ALLOWED'],
      ['a payload with a __proto__ key (refused as the worker refuses it)', () => postJson(`${app.baseUrl}/v1/jobs`, '{"job_type":"weather","payload":{"city":"Austin","country_code":"US","units":"metric","__proto__":{"admin":true}}}'), 400, 'INVALID_PAYLOAD', 'payload.__proto__'],
      ['a body sent as text/plain', () => postJson(`${app.baseUrl}/v1/jobs`, weatherJob(), { 'content-type': 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE', 'content-type'],
      ['a body sent as a form', () => postJson(`${app.baseUrl}/v1/jobs`, weatherJob(), { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'UNSUPPORTED_MEDIA_TYPE', 'content-type'],
    ];
    it.each(cases)('%s', async (_name, send, status, code, field) => {
      const error = expectErrorBody(await send(), status, code);
      if (field) expect(error.details?.fields?.map((f) => f.field)).toContain(field);
      expect(error.message.length).toBeGreaterThan(0);
    });
  });

  it('finds a job by its id in upper case too, and answers HEAD on the probes', async () => {
    const submitted = await postJson(`${app.baseUrl}/v1/jobs`, weatherJob());
    const id = submitted.body.job_id as string;
    await waitForTerminal(app.baseUrl, id);
    const status = await request(`${app.baseUrl}/v1/jobs/${id.toUpperCase()}/status`);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ job_id: id, state: 'completed' });
    expect((await request(`${app.baseUrl}/v1/jobs/${id.toUpperCase()}/result`)).body).toMatchObject({ job_id: id });
    for (const probe of ['/healthz', '/readyz']) {
      const head = await fetch(`${app.baseUrl}${probe}`, { method: 'HEAD' });
      expect(head.status, probe).toBe(200);
      expect(await head.text()).toBe('');
    }
  });

  it('reports a value of the wrong type as the wrong type, not as missing, in its own words', async () => {
    const cases: Array<[unknown, string, string]> = [
      [{ job_type: 'weather', payload: { city: 123, country_code: 'US', units: 'metric' } }, 'payload.city', 'must be a string, not a number'],
      [{ job_type: 'exchange_rate', payload: { base: 'USD', target: 'EUR', amount: '100' } }, 'payload.amount', 'must be a number, not a string'],
      [{ job_type: 'weather', payload: [] }, 'payload', 'must be an object, not an array'],
      [{ job_type: 7, payload: {} }, 'job_type', 'must be a string, not a number'],
    ];
    for (const [body, field, message] of cases) {
      const error = expectErrorBody(await postJson(`${app.baseUrl}/v1/jobs`, body), 400, field === 'job_type' || field === 'payload' ? 'INVALID_BODY' : 'INVALID_PAYLOAD');
      expect(error.details?.fields).toContainEqual({ field, message });
    }
    const broken = expectErrorBody(await postJson(`${app.baseUrl}/v1/jobs`, '{"job_type": "weather",\n "payload": }'), 400, 'INVALID_JSON');
    // The parser's own text (it quotes the body back, and changes between Node versions) stays inside.
    expect(broken.message).toMatch(/^request body is not valid JSON: syntax error/);
    expect(broken.message).not.toMatch(/payload|Unexpected|token/);
  });

  it('answers a retried submit with the same Idempotency-Key with the original job, even when racing', async () => {
    const key = `order-${randomUUID()}`;
    const body = weatherJob('Racing City');
    const processedBefore = await completedWeatherJobs(app);
    const responses = await Promise.all(Array.from({ length: 10 }, () => postJson(`${app.baseUrl}/v1/jobs`, body, { 'idempotency-key': key })));
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(202));
    const ids = new Set(responses.map((r) => r.body.job_id));
    expect(ids.size).toBe(1);
    expect(responses.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(9);
    const [jobId] = [...ids];
    await waitForTerminal(app.baseUrl, jobId);
    const listed = await request(`${app.baseUrl}/v1/jobs?limit=100`);
    expect(listed.body.items.filter((j: any) => j.job_id === jobId)).toHaveLength(1);
    expect((await completedWeatherJobs(app)) - processedBefore).toBe(1);

    const conflict = await postJson(`${app.baseUrl}/v1/jobs`, weatherJob('Another City'), { 'idempotency-key': key });
    expectErrorBody(conflict, 409, 'IDEMPOTENCY_CONFLICT');
  });

  it('lists recent jobs newest first with filters and pages', async () => {
    const ids: string[] = [];
    for (const city of ['List A', 'List B', 'List C']) ids.push((await postJson(`${app.baseUrl}/v1/jobs`, weatherJob(city))).body.job_id);
    const quote = (await postJson(`${app.baseUrl}/v1/jobs`, { job_type: 'quote', payload: {} })).body.job_id as string;
    await Promise.all([...ids, quote].map((id) => waitForTerminal(app.baseUrl, id)));

    const first = ListJobsResponseSchema.parse((await request(`${app.baseUrl}/v1/jobs?limit=2`)).body);
    expect(first.items).toHaveLength(2);
    expect(first.next_cursor).not.toBeNull();
    const second = ListJobsResponseSchema.parse((await request(`${app.baseUrl}/v1/jobs?limit=2&cursor=${first.next_cursor}`)).body);
    const paged = [...first.items, ...second.items];
    // These four are the newest jobs; jobs submitted within one millisecond tie on time.
    expect(new Set(paged.map((j) => j.job_id))).toEqual(new Set([...ids, quote]));
    const times = paged.map((j) => j.submitted_at);
    expect(times).toEqual([...times].sort().reverse());

    // Each row says what its job is about, from the input it was submitted with.
    expect(Object.fromEntries(paged.map((j) => [j.job_id, j.label]))).toEqual({
      [ids[0]!]: 'List A, US',
      [ids[1]!]: 'List B, US',
      [ids[2]!]: 'List C, US',
      [quote]: 'any tag',
    });

    const quotes = ListJobsResponseSchema.parse((await request(`${app.baseUrl}/v1/jobs?job_type=quote&state=completed`)).body);
    expect(quotes.items.map((j) => j.job_id)).toContain(quote);
    expect(quotes.items.every((j) => j.job_type === 'quote' && j.state === 'completed')).toBe(true);
  });

  it('serves liveness, readiness and metrics', async () => {
    expect((await request(`${app.baseUrl}/healthz`)).body).toEqual({ status: 'ok' });
    const ready = await request(`${app.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    const metrics = await fetch(`${app.baseUrl}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/dtq_api_http_requests_total\{route="\/v1\/jobs",method="POST",status="202"\} \d+/);
    expect(metrics).toMatch(/dtq_api_jobs_submitted_total\{job_type="weather",replayed="false"\} \d+/);
    const workerMetrics = await fetch(`http://127.0.0.1:${app.worker.healthPort}/metrics`).then((r) => r.text());
    expect(workerMetrics).toMatch(/dtq_worker_jobs_processed_total\{job_type="weather",outcome="completed"\} \d+/);
  });
});

/** Weather jobs the worker completed so far, read from its /metrics. */
async function completedWeatherJobs(app: EmbeddedApp): Promise<number> {
  const text = await fetch(`http://127.0.0.1:${app.worker.healthPort}/metrics`).then((r) => r.text());
  const match = /dtq_worker_jobs_processed_total\{job_type="weather",outcome="completed"\} (\d+)/.exec(text);
  return match ? Number(match[1]) : 0;
}

describe('HTTP API when the worker does not answer', () => {
  it('answers 504 when no progress reply arrives in time, and readiness stays honest', async () => {
    const app = await startEmbeddedApp({ PROGRESS_RPC_TIMEOUT_MS: '200' });
    try {
      const submitted = await postJson(`${app.baseUrl}/v1/jobs`, weatherJob());
      await waitForTerminal(app.baseUrl, submitted.body.job_id);
      await app.worker.close();
      const error = expectErrorBody(await request(`${app.baseUrl}/v1/jobs/${submitted.body.job_id}/status`), 504, 'STATUS_TIMEOUT');
      expect(error.details).toMatchObject({ timeout_ms: 200 });
      app.api.stopAccepting();
      expect((await request(`${app.baseUrl}/readyz`)).status).toBe(503);
    } finally {
      await app.close();
    }
  });
});

describe('fallback host static files', () => {
  it('never serves files outside the web folder and answers malformed paths with the error shape', async () => {
    const dir = await makeWebFolder('dtq-web', { 'index.html': '<!doctype html><div id="root"></div>' });
    const app = await startEmbeddedApp({}, { staticDir: dir });
    try {
      const page = await fetch(`${app.baseUrl}/jobs/some-client-route`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('id="root"');
      for (const path of ['/%2e%2e/%2e%2e/etc/passwd', '/..%2fpackage.json', '/%E0%A4%A']) {
        const response = await request(`${app.baseUrl}${path}`);
        expect(String(response.body)).not.toContain('root:');
        if (response.status !== 200) expectErrorBody(response, 404, 'ROUTE_NOT_FOUND');
        else expect(String(response.body)).toContain('id="root"');
      }
    } finally {
      await app.close();
    }
  });

  it('serves index.html for the UI routes only: unknown API paths get the JSON 404, with or without keys', async () => {
    const dir = await makeWebFolder('dtq-web', {
      'index.html': '<!doctype html><div id="root"></div>',
      'assets/app-1a2b.js': 'console.log(1)',
    });
    const envs: Array<Record<string, string>> = [{}, { API_KEYS: 'static-route-test-key' }];
    for (const env of envs) {
      const app = await startEmbeddedApp(env, { staticDir: dir });
      try {
        for (const path of ['/', '/jobs/some-client-route', '/jobs/4f1c2a9e-7b1d-4c7e-9a53-2f1e8f0b6c11/']) {
          const page = await fetch(`${app.baseUrl}${path}`);
          expect(page.status, path).toBe(200);
          expect(page.headers.get('cache-control')).toBe('no-cache');
          expect(await page.text()).toContain('id="root"');
        }
        const asset = await fetch(`${app.baseUrl}/assets/app-1a2b.js`);
        expect(asset.headers.get('cache-control')).toContain('immutable');
        expect(await asset.text()).toBe('console.log(1)');
        for (const path of ['/v1/nope', '/v1/jobs/4f1c2a9e-7b1d-4c7e-9a53-2f1e8f0b6c11', '/v2/jobs', '/jobs', '/jobs/a/b', '/healthzz', '/missing.js']) {
          expectErrorBody(await request(`${app.baseUrl}${path}`), 404, 'ROUTE_NOT_FOUND');
        }
        const head = await fetch(`${app.baseUrl}/jobs/x`, { method: 'HEAD' });
        expect(head.status).toBe(200);
      } finally {
        await app.close();
      }
    }
  });
});
