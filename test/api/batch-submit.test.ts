import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchSubmitResponseSchema, IDEMPOTENCY_KEY_HEADER, MAX_BATCH_JOBS } from '../../contracts/index.js';
import { startEmbeddedApp, type EmbeddedApp } from '../support/embedded-app.js';
import { expectErrorBody, postJson, request, waitForTerminal, weatherJob } from '../support/http-client.js';
import { servicesMode } from '../support/services-mode.js';

/** POST /v1/jobs/batch on the real servers (Kafka, Redis, RabbitMQ, the MongoDB-wire server), API and worker in this process. */
describe('batch submit on the real servers', () => {
  const services = servicesMode('dtq-batch');
  let app: EmbeddedApp;
  beforeAll(async () => {
    app = await startEmbeddedApp({ ...services.env, PROGRESS_RPC_TIMEOUT_MS: '2000', KAFKA_TOPIC_PARTITIONS: '3' });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await services.cleanup();
  }, 60_000);

  const batch = (body: unknown, headers: Record<string, string> = {}) => postJson(`${app.baseUrl}/v1/jobs/batch`, body, headers);

  it('answers every item in its place: bad ones with the error naming their field, good ones accepted and run', async () => {
    const jobs = [
      weatherJob('Batch One'),
      { job_type: 'weather', payload: { country_code: 'US', units: 'metric' } },
      { job_type: 'teleport', payload: {} },
      'not a job',
      { ...weatherJob('Batch Two'), extra: true },
      weatherJob('Batch Three'),
    ];
    const response = await batch({ jobs });
    expect(response.status).toBe(202);
    const body = BatchSubmitResponseSchema.parse(response.body);
    expect(body).toMatchObject({ accepted: 2, rejected: 4 });
    expect(body.items).toHaveLength(6);
    const [first, noCity, unknownType, notObject, extraField, last] = body.items as any[];
    expect(first).toEqual({ job_id: expect.any(String), status_url: `/v1/jobs/${first.job_id}/status` });
    expect(last.status_url).toBe(`/v1/jobs/${last.job_id}/status`);
    expect(noCity.error).toMatchObject({ code: 'INVALID_PAYLOAD', trace_id: response.headers.get('x-trace-id') });
    expect(noCity.error.details.fields.map((f: { field: string }) => f.field)).toEqual(['jobs[1].payload.city']);
    expect(noCity.error.message).toContain('jobs[1]');
    expect(unknownType.error).toMatchObject({ code: 'UNKNOWN_JOB_TYPE', details: { fields: [{ field: 'jobs[2].job_type' }] } });
    expect(notObject.error).toMatchObject({ code: 'INVALID_BODY', details: { fields: [{ field: 'jobs[3]' }] } });
    expect(extraField.error).toMatchObject({ code: 'INVALID_BODY', details: { fields: [{ field: 'jobs[4].extra' }] } });

    for (const item of [first, last]) {
      expect(await waitForTerminal(app.baseUrl, item.job_id, 30_000)).toMatchObject({ state: 'completed' });
    }
    expect((await request(`${app.baseUrl}/v1/jobs/${first.job_id}/result`)).body).toMatchObject({ input: { city: 'Batch One' } });
  }, 60_000);

  it('refuses a wrong envelope with 400 naming it: not an object, no jobs, 0 items, over 1,000 items, an unknown field', async () => {
    const fieldOf = async (body: unknown) => expectErrorBody(await batch(body), 400, 'INVALID_BODY').details?.fields?.map((f) => f.field);
    expect(await fieldOf([weatherJob()])).toEqual(['(body)']);
    expect(await fieldOf({})).toEqual(['jobs']);
    expect(await fieldOf({ jobs: weatherJob() })).toEqual(['jobs']);
    expect(await fieldOf({ jobs: [] })).toEqual(['jobs']);
    expect(await fieldOf({ jobs: Array.from({ length: MAX_BATCH_JOBS + 1 }, () => weatherJob()) })).toEqual(['jobs']);
    expect(await fieldOf({ jobs: [weatherJob()], priority: 1 })).toEqual(['priority']);
    expectErrorBody(await batch('{"jobs": ['), 400, 'INVALID_JSON');
  });

  it('accepts 1,000 jobs in one request', async () => {
    const response = await batch({ jobs: Array.from({ length: MAX_BATCH_JOBS }, (_, i) => weatherJob(`Many ${i}`)) });
    expect(response.status).toBe(202);
    const body = BatchSubmitResponseSchema.parse(response.body);
    expect(body).toMatchObject({ accepted: MAX_BATCH_JOBS, rejected: 0 });
    expect(new Set(body.items.map((item) => (item as { job_id: string }).job_id)).size).toBe(MAX_BATCH_JOBS);
    const lastId = (body.items.at(-1) as { job_id: string }).job_id;
    expect((await request(`${app.baseUrl}/v1/jobs/${lastId}/status`)).status).toBe(200);
  }, 60_000);

  it('answers a repeat with the same Idempotency-Key with the same items, once; another body under that key is 409', async () => {
    const key = { [IDEMPOTENCY_KEY_HEADER]: randomUUID() };
    const body = { jobs: [weatherJob('Keyed A'), { job_type: 'weather', payload: {} }, weatherJob('Keyed B')] };
    const first = await batch(body, key);
    expect(first.status).toBe(202);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const again = await batch(body, key);
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const ids = (response: typeof first) => (response.body.items as Array<{ job_id?: string }>).map((item) => item.job_id ?? null);
    expect(ids(again)).toEqual(ids(first));
    expect(again.body).toMatchObject({ accepted: 2, rejected: 1 });
    expectErrorBody(await batch({ jobs: [weatherJob('Other')] }, key), 409, 'IDEMPOTENCY_CONFLICT');
    // The same key on a single submit is another key: batches and single jobs never meet.
    expect((await postJson(`${app.baseUrl}/v1/jobs`, weatherJob('Single'), key)).status).toBe(202);

    for (const jobId of ids(first).filter((id): id is string => id !== null)) {
      expect(await waitForTerminal(app.baseUrl, jobId, 30_000)).toMatchObject({ state: 'completed' });
    }
    const metrics = await fetch(`${app.baseUrl}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/^dtq_api_batch_items_total\{outcome="replayed"\} [1-9]/m);
    expect(metrics).toMatch(/^dtq_api_batch_items_total\{outcome="rejected"\} [1-9]/m);
  }, 60_000);
});
