// A submit answers by its deadline at the server (SUBMIT_DEADLINE_MS, 5 s from when its
// duration is measured) however many submits wait beside it on a dependency that hangs: Kafka
// frozen behind the fault proxy, many submits at once. Every answer comes back, each a 202 or
// a 503, and the API's own duration histogram has none above the deadline's bucket.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUBMIT_DEADLINE_MS } from '../../core/domain/index.js';
import { startEmbeddedApp, type EmbeddedApp } from '../support/embedded-app.js';
import { postJson, request, waitForTerminal, weatherJob } from '../support/http-client.js';
import { startKafkaProxy, type KafkaProxy } from '../support/kafka-proxy.js';
import { TEST_KAFKA_BROKERS } from '../support/services.js';
import { servicesMode } from '../support/services-mode.js';

const SUBMITS = 150;
/** Far past the deadline: a client still waiting then has been held, which is the failure. */
const CLIENT_PATIENCE_MS = 60_000;

/** Submits answered so far and those of them above the deadline's bucket, from the API's own histogram. */
async function submitDurations(app: EmbeddedApp): Promise<{ count: number; overDeadline: number }> {
  const { values } = await app.api.deps.metrics.httpDuration.get();
  const ofSubmit = values.filter((v) => v.labels.route === '/v1/jobs' && v.labels.method === 'POST');
  const count = ofSubmit.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0;
  const withinDeadline = ofSubmit.find((v) => v.metricName?.endsWith('_bucket') && Number((v.labels as { le?: number }).le) === SUBMIT_DEADLINE_MS / 1000)?.value ?? 0;
  return { count, overDeadline: count - withinDeadline };
}

describe('submits while Kafka hangs, many at once', () => {
  const services = servicesMode('dtq-submit-deadline');
  let proxy: KafkaProxy;
  let app: EmbeddedApp;

  beforeAll(async () => {
    proxy = await startKafkaProxy(TEST_KAFKA_BROKERS[0]!);
    app = await startEmbeddedApp({ ...services.env, KAFKA_BROKERS: proxy.brokers.join(',') });
    const { body } = await postJson(`${app.baseUrl}/v1/jobs`, weatherJob());
    expect((await waitForTerminal(app.baseUrl, body.job_id, 60_000)).state).toBe('completed');
  }, 120_000);

  afterAll(async () => {
    proxy?.restore();
    await app?.close();
    await proxy?.close();
    await services.cleanup();
  }, 120_000);

  it(`answers all ${SUBMITS} with 202 or 503, none of them past the deadline at the server`, async () => {
    const before = await submitDurations(app);
    proxy.freeze();
    try {
      const answers = await Promise.all(
        Array.from({ length: SUBMITS }, (_, i) =>
          request(`${app.baseUrl}/v1/jobs`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...(i % 2 === 0 ? { 'idempotency-key': `deadline-${randomUUID()}` } : {}) },
            body: JSON.stringify(weatherJob(`City ${i}`)),
            signal: AbortSignal.timeout(CLIENT_PATIENCE_MS),
          }),
        ),
      );
      const statuses = answers.map((answer) => answer.status);
      expect(statuses.filter((status) => status !== 202 && status !== 503)).toEqual([]);
      expect(statuses).toContain(503);
      const after = await submitDurations(app);
      expect(after.count - before.count).toBe(SUBMITS);
      expect(after.overDeadline - before.overDeadline).toBe(0);
    } finally {
      proxy.restore();
    }
  }, 120_000);
});
