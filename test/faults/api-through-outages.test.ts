import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBodySchema, JobStatusResponseSchema, SubmitJobResponseSchema } from '../../contracts/index.js';
import { loadConfig } from '../../config/index.js';
import { buildApi, type BuiltApi } from '../../composition/build-api.js';
import { buildWorker } from '../../composition/build-worker.js';
import { createAdapters, type PortAdapters } from '../../composition/create-adapters.js';
import { createApiServer } from '../../composition/node-http/api-server.js';
import { ROUTES } from '../../api/route-table.js';
import type { Worker } from '../../worker/worker.js';
import { deleteRabbitQueues, deleteRedisKeys, TEST_RABBITMQ_URL, TEST_REDIS_URL } from '../support/services.js';
import { startFaultProxy, type FaultProxy } from '../../testkit/fault-proxy.js';
import { testLogger } from '../support/test-logger.js';
import { uniqueName } from '../support/unique.js';
import { waitFor } from '../support/wait-for.js';

/**
 * The whole process (API + worker, as `npm start` builds it) on real Redis and RabbitMQ, each
 * behind a proxy that can cut it off: the API must answer 503/504 while a dependency is away
 * and serve again once it is back, without a restart.
 */
describe('HTTP API while Redis or RabbitMQ is cut off', () => {
  const keyPrefix = `${uniqueName('dtq-api-fault')}:`;
  const requestQueue = uniqueName('progress.api-fault');
  let redisProxy: FaultProxy;
  let rabbitProxy: FaultProxy;
  let adapters: PortAdapters;
  let api: BuiltApi;
  let worker: Worker;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const redisTarget = new URL(TEST_REDIS_URL);
    const rabbitTarget = new URL(TEST_RABBITMQ_URL);
    redisProxy = await startFaultProxy({ host: redisTarget.hostname, port: Number(redisTarget.port || 6379) });
    rabbitProxy = await startFaultProxy({ host: rabbitTarget.hostname, port: Number(rabbitTarget.port || 5672) });
    const redisUrl = new URL(TEST_REDIS_URL);
    redisUrl.host = `127.0.0.1:${redisProxy.port}`;
    const rabbitUrl = new URL(TEST_RABBITMQ_URL);
    rabbitUrl.host = `127.0.0.1:${rabbitProxy.port}`;
    const config = loadConfig({
      REDIS_URL: redisUrl.toString(),
      RABBITMQ_URL: rabbitUrl.toString(),
      REDIS_KEY_PREFIX: keyPrefix,
      PROGRESS_REQUEST_QUEUE: requestQueue,
      PROGRESS_RPC_TIMEOUT_MS: '1500',
      SIMULATED_PROVIDER_DELAY_MS: '10',
      LOG_LEVEL: 'silent',
    });
    const logger = testLogger();
    adapters = createAdapters(config, logger);
    api = buildApi({ config, adapters, logger });
    worker = buildWorker({ config, adapters, logger, healthPort: 0 });
    await worker.start();
    server = createApiServer({ routes: ROUTES, deps: api.deps, logger });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.close();
    server?.closeAllConnections();
    await worker?.close();
    await api?.close();
    await adapters?.close();
    await redisProxy?.close();
    await rabbitProxy?.close();
    await deleteRedisKeys(keyPrefix);
    await deleteRabbitQueues([requestQueue]);
  });

  const get = async (path: string) => {
    const response = await fetch(`${base}${path}`);
    return { status: response.status, body: (await response.json()) as unknown };
  };
  const statusIs = (path: string, status: number) => async () => ((await get(path)).status === status ? true : undefined);

  it('runs a job end to end, answers 503 while either dependency is away, and recovers without a restart', async () => {
    await waitFor(statusIs('/readyz', 200), { what: 'ready', timeoutMs: 15_000 });
    const submitted = await fetch(`${base}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ job_type: 'weather', payload: { city: 'Lisbon', country_code: 'PT', units: 'metric' } }),
    });
    expect(submitted.status).toBe(202);
    const job = SubmitJobResponseSchema.parse(await submitted.json());
    const statusPath = `/v1/jobs/${job.job_id}/status`;
    const final = await waitFor(
      async () => {
        const { status, body } = await get(statusPath);
        return status === 200 && JobStatusResponseSchema.parse(body).state === 'completed' ? body : undefined;
      },
      { what: 'job to complete' },
    );
    expect(final).toMatchObject({ job_id: job.job_id, progress_percent: 100, result_url: `/v1/jobs/${job.job_id}/result` });
    expect((await get(`/v1/jobs/${job.job_id}/result`)).status).toBe(200);

    for (const [name, proxy] of [
      ['redis', redisProxy],
      ['rabbitmq', rabbitProxy],
    ] as const) {
      proxy.cut();
      const during = await get(statusPath);
      expect([503, 504], `${name} cut: status answered ${during.status}`).toContain(during.status);
      expect(ErrorBodySchema.parse(during.body).error.code).toMatch(/^(SERVICE_UNAVAILABLE|STATUS_TIMEOUT)$/);
      const ready = await get('/readyz');
      expect(ready.status).toBe(503);
      // Anonymous clients learn what is down, never where it runs.
      for (const body of [during.body, ready.body]) expect(JSON.stringify(body)).not.toMatch(/127\.0\.0\.1|localhost|ECONNREFUSED|:\d{4,5}\b/);
      expect(ready.body).toMatchObject({ status: 'unavailable', checks: { [name]: { ok: false } } });

      proxy.restore();
      await waitFor(statusIs('/readyz', 200), { what: `ready after ${name} is back`, timeoutMs: 20_000 });
      const after = await get(statusPath);
      expect(after.status).toBe(200);
      expect(after.body).toMatchObject({ job_id: job.job_id, state: 'completed' });
    }
  });
});
