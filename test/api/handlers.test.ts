import { randomUUID } from 'node:crypto';
import azureFunctions from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.js';
import { buildApi, type BuiltApi } from '../../composition/build-api.js';
import { buildWorker } from '../../composition/build-worker.js';
import { createAdapters, type PortAdapters } from '../../composition/create-adapters.js';
import { instrumentRoute } from '../../api/http/instrument-route.js';
import { ROUTES } from '../../api/route-table.js';
import type { Worker } from '../../worker/worker.js';
import { testLogger } from '../support/test-logger.js';
import { waitFor } from '../support/wait-for.js';

const { HttpRequest, InvocationContext } = azureFunctions;

/** The handlers exactly as the Functions runtime calls them: HttpRequest + InvocationContext. */
describe('Functions handlers through @azure/functions HttpRequest and InvocationContext', () => {
  let adapters: PortAdapters;
  let api: BuiltApi;
  let worker: Worker;
  const handler = (name: string) => {
    const route = ROUTES.find((r) => r.name === name)!;
    return (init: ConstructorParameters<typeof HttpRequest>[0]) =>
      instrumentRoute(route, api.deps)(new HttpRequest(init), new InvocationContext({ functionName: name, logHandler: () => {} }));
  };

  beforeAll(async () => {
    const config = loadConfig({ SIMULATED_PROVIDER_DELAY_MS: '0', LOG_LEVEL: 'silent' });
    adapters = createAdapters(config, testLogger());
    api = buildApi({ config, adapters, logger: testLogger() });
    worker = buildWorker({ config, adapters, logger: testLogger(), healthPort: null });
    await worker.start();
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
    await adapters.close();
  });

  it('jobs-post answers 202 with a Location header, and the job completes', async () => {
    const response = await handler('jobs-post')({
      method: 'POST',
      url: 'http://localhost/v1/jobs',
      headers: { 'content-type': 'application/json' },
      body: { string: JSON.stringify({ job_type: 'exchange_rate', payload: { base: 'USD', target: 'EUR', amount: 10 } }) },
    });
    expect(response.status).toBe(202);
    const body = response.jsonBody as { job_id: string };
    expect((response.headers as Record<string, string>).location).toBe(`/v1/jobs/${body.job_id}/status`);

    const status = await waitFor(async () => {
      const r = await handler('job-status-get')({ method: 'GET', url: `http://localhost/v1/jobs/${body.job_id}/status`, params: { job_id: body.job_id } });
      return (r.jsonBody as { state: string }).state === 'completed' ? r : undefined;
    });
    expect(status.status).toBe(200);
    const result = await handler('job-result-get')({ method: 'GET', url: 'http://localhost/x', params: { job_id: body.job_id } });
    expect(result.jsonBody).toMatchObject({ job_type: 'exchange_rate', output: { base: 'USD', target: 'EUR', amount: 10 } });
  });

  it('maps domain errors to the error body in one place', async () => {
    const bad = await handler('jobs-post')({ method: 'POST', url: 'http://localhost/v1/jobs', headers: { 'content-type': 'application/json' }, body: { string: '{"job_type":"quote","payload":{"max_length":5}}' } });
    expect(bad.status).toBe(400);
    expect(bad.jsonBody).toMatchObject({ error: { code: 'INVALID_PAYLOAD', details: { fields: [{ field: 'payload.max_length' }] } } });
    const unknown = await handler('job-result-get')({ method: 'GET', url: 'http://localhost/x', params: { job_id: randomUUID() } });
    expect(unknown.status).toBe(404);
    const traceId = (unknown.headers as Record<string, string>)['x-trace-id'];
    expect(unknown.jsonBody).toMatchObject({ error: { code: 'JOB_NOT_FOUND', trace_id: traceId } });
  });

  it('readyz and healthz answer without a body reader', async () => {
    expect((await handler('healthz-get')({ method: 'GET', url: 'http://localhost/healthz' })).status).toBe(200);
    expect((await handler('readyz-get')({ method: 'GET', url: 'http://localhost/readyz' })).status).toBe(200);
  });
});
