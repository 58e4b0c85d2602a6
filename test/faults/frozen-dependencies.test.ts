// Whatever a dependency does, a request gets an answer within seconds: a 503 with Retry-After
// when a broker or store hangs (frozen with SIGSTOP, or a connection that forwards nothing),
// never a client held for the half-minute a driver would wait. Kafka is a broker of this test's
// own, so freezing it stops nobody else.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedApp, type EmbeddedApp } from '../support/embedded-app.js';
import { startFaultProxy, type FaultProxy } from '../../testkit/fault-proxy.js';
import { expectErrorBody, postJson, request, waitForTerminal, weatherJob } from '../support/http-client.js';
import { startPrivateKafkaBroker, type PrivateKafkaBroker } from '../support/kafka-broker.js';
import { mongoUriVia, testMongoAddress } from '../support/mongo-server.js';
import { servicesMode } from '../support/services-mode.js';

/** Longer than any deadline dtq sets, far shorter than a driver's own waits (30 s and more). */
const CLIENT_PATIENCE_MS = 15_000;
const patient = (init: RequestInit = {}): RequestInit => ({ ...init, signal: AbortSignal.timeout(CLIENT_PATIENCE_MS) });

describe('requests while a dependency hangs', () => {
  const services = servicesMode('dtq-frozen');
  let broker: PrivateKafkaBroker;
  let mongo: FaultProxy;
  let app: EmbeddedApp;
  let completedJob: string;

  beforeAll(async () => {
    broker = await startPrivateKafkaBroker();
    mongo = await startFaultProxy(testMongoAddress(), { whileFrozen: 'drop' });
    app = await startEmbeddedApp({
      ...services.env,
      KAFKA_BROKERS: broker.brokers.join(','),
      MONGODB_URI: mongoUriVia(mongo.port),
      SIMULATED_PROVIDER_DELAY_MS: '20',
    });
    const submitted = await postJson(`${app.baseUrl}/v1/jobs`, weatherJob());
    completedJob = submitted.body.job_id;
    expect((await waitForTerminal(app.baseUrl, completedJob, 30_000)).state).toBe('completed');
  }, 180_000);

  afterAll(async () => {
    broker?.thaw();
    await app?.close();
    await mongo?.close();
    await broker?.close();
    await services.cleanup();
  }, 120_000);

  it('answers a submit 503 with Retry-After while Kafka is frozen', async () => {
    broker.freeze();
    try {
      const response = await request(`${app.baseUrl}/v1/jobs`, patient({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(weatherJob()) }));
      const error = expectErrorBody(response, 503, 'SERVICE_UNAVAILABLE');
      expect(response.headers.get('retry-after')).toBeTruthy();
      expect(error.message).toMatch(/job queue is unavailable/);
    } finally {
      broker.thaw();
    }
  }, 30_000);

  it('answers a result request and both readiness probes 503 while MongoDB forwards nothing', async () => {
    mongo.freeze();
    const result = await request(`${app.baseUrl}/v1/jobs/${completedJob}/result`, patient());
    expect(response503(result)).toBe(true);
    const apiReady = await request(`${app.baseUrl}/readyz`, patient());
    expect(apiReady.status).toBe(503);
    const workerReady = await request(`http://127.0.0.1:${app.worker.healthPort}/readyz`, patient());
    expect(workerReady.status).toBe(503);
    expect(workerReady.body.not_ready).toContain('result_store');
    const unknown = await request(`${app.baseUrl}/v1/jobs/${randomUUID()}/result`, patient());
    expect(response503(unknown)).toBe(true);
  }, 60_000);
});

function response503(response: { status: number; headers: Headers; body: unknown }): boolean {
  expectErrorBody(response, 503, 'SERVICE_UNAVAILABLE');
  return response.headers.get('retry-after') !== null;
}
