import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BulkOperationResponseSchema } from '../../contracts/index.js';
import { startEmbeddedApp, type EmbeddedApp } from '../support/embedded-app.js';
import { postJson, request, waitForTerminal, weatherJob } from '../support/http-client.js';
import { waitFor } from '../support/wait-for.js';

/** Batch and bulk routes on the embedded default (in-memory adapters): the operation store in process memory. */
describe('batch and bulk routes on the embedded adapters', () => {
  let app: EmbeddedApp;
  beforeAll(async () => {
    // One slow job at a time: the others wait queued for the cancel.
    app = await startEmbeddedApp({ WORKER_CONCURRENCY: '1', SIMULATED_PROVIDER_DELAY_MS: '2000', BULK_OPERATION_STALE_MS: '1000' });
  });
  afterAll(() => app.close());

  const operation = async (id: string) => BulkOperationResponseSchema.strict().parse((await request(`${app.baseUrl}/v1/bulk/${id}?limit=2`)).body);

  it('cancels a batch by job ids, pages the outcomes, and counts them', async () => {
    const batch = await postJson(`${app.baseUrl}/v1/jobs/batch`, { jobs: Array.from({ length: 5 }, (_, i) => weatherJob(`Embedded ${i}`)) });
    expect(batch.body).toMatchObject({ accepted: 5, rejected: 0 });
    const ids = (batch.body.items as Array<{ job_id: string }>).map((item) => item.job_id);
    const accepted = await postJson(`${app.baseUrl}/v1/bulk/cancel`, { job_ids: [...ids, ids[0]] });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ kind: 'cancel', matched: 5 });
    const done = await waitFor(async () => {
      const seen = await operation(accepted.body.operation_id);
      return seen.state === 'finished' ? seen : undefined;
    }, { what: 'the bulk cancel to finish' });
    expect(done).toMatchObject({ done: 5, total: 5, outcomes: { cancelled: 5 }, request: { job_ids: 6 } });
    expect(done.items).toHaveLength(2);
    expect(done.next_cursor).toBe('1');
    const rest = BulkOperationResponseSchema.parse((await request(`${app.baseUrl}/v1/bulk/${accepted.body.operation_id}?limit=10&cursor=1`)).body);
    expect([...done.items, ...rest.items].map((item) => item.job_id)).toEqual(ids);
    for (const id of ids) expect(await waitForTerminal(app.baseUrl, id)).toMatchObject({ state: 'failed', error_code: 'CANCELLED' });
    const metrics = await fetch(`${app.baseUrl}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/^dtq_api_bulk_jobs_total\{kind="cancel",outcome="cancelled"\} 5$/m);
    expect(metrics).toMatch(/^dtq_api_bulk_operations_total\{kind="cancel",outcome="finished"\} 1$/m);
  }, 30_000);

  it('shows an operation whose process stopped as interrupted, and a resume acts on what is pending', async () => {
    const queued = (await postJson(`${app.baseUrl}/v1/jobs/batch`, { jobs: [weatherJob('Left A'), weatherJob('Left B')] })).body.items.map((i: { job_id: string }) => i.job_id);
    // As an API killed after storing its targets leaves it: running, a heartbeat that stopped, targets pending.
    const operationId = randomUUID();
    const long = new Date(Date.now() - 60_000).toISOString();
    await app.adapters.bulkOperations.create({
      operation_id: operationId, kind: 'cancel', requested_by: 'address:127.0.0.1', selector: { job_ids: queued }, fingerprint: 'x',
      state: 'running', created_at: long, updated_at: long, heartbeat_at: long, total: 2,
    });
    await app.adapters.bulkOperations.putTargets(operationId, queued.map((job_id: string, seq: number) => ({ seq, job_id })));
    expect(await operation(operationId)).toMatchObject({ state: 'interrupted', done: 0, total: 2 });

    const resumed = await postJson(`${app.baseUrl}/v1/bulk/${operationId}/resume`, {});
    expect(resumed.body).toMatchObject({ operation_id: operationId, resumed: true, state: 'running' });
    const done = await waitFor(async () => {
      const seen = await operation(operationId);
      return seen.state === 'finished' ? seen : undefined;
    }, { what: 'the resumed operation to finish' });
    expect(done.outcomes).toEqual({ cancelled: 2 });
    expect((await postJson(`${app.baseUrl}/v1/bulk/${operationId}/resume`, {})).body).toMatchObject({ resumed: false, state: 'finished' });
  }, 30_000);

  it('takes /v1/bulk/cancel for the cancel route, never for an operation id', async () => {
    const get = await request(`${app.baseUrl}/v1/bulk/cancel`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect((await request(`${app.baseUrl}/v1/bulk/not-an-id`)).body.error.code).toBe('INVALID_OPERATION_ID');
  });
});
