import { describe, expect, it } from 'vitest';
import { MemoryJobQueue } from '../../adapters/memory/index.js';
import { DEAD_LETTER_TOPIC } from '../../contracts/index.js';
import { createWorkerMetrics } from '../../telemetry/index.js';
import { startEmbeddedApp } from '../support/embedded-app.js';
import { postJson, waitForTerminal, weatherJob } from '../support/http-client.js';
import { uniqueName } from '../support/unique.js';
import { deferred, waitFor } from '../support/wait-for.js';

const sample = async (registry: { metrics(): Promise<string> }, pattern: RegExp) => {
  const match = pattern.exec(await registry.metrics());
  return match ? Number(match[1]) : undefined;
};

describe('worker metrics read at scrape time', () => {
  it('dtq_worker_consumer_lag follows the in-memory consumer: uncommitted records per partition', async () => {
    const queue = new MemoryJobQueue({ partitions: 1 });
    const topic = uniqueName('lag-topic');
    const release = deferred();
    const consumer = queue.createConsumer({
      groupId: uniqueName('lag-group'),
      topics: [topic],
      concurrency: 1,
      deadLetterTopic: DEAD_LETTER_TOPIC,
      handler: async () => {
        await release.promise;
        return { kind: 'done' };
      },
    });
    const metrics = createWorkerMetrics({ defaultMetrics: false });
    metrics.bindSources({ ready: () => consumer.ready(), consumerLag: () => consumer.lag!() });
    try {
      await consumer.start();
      for (let i = 0; i < 3; i++) await queue.publish({ topic, key: 'same-key', value: Buffer.from('{}'), headers: {} });
      const lagLine = new RegExp(`dtq_worker_consumer_lag\\{topic="${topic}",partition="0"\\} (\\d+)`);
      expect(await sample(metrics.registry, lagLine)).toBe(3);
      expect(await sample(metrics.registry, /^dtq_worker_ready (\d+)$/m)).toBe(1);
      release.resolve();
      await waitFor(async () => ((await sample(metrics.registry, lagLine)) === 0 ? true : undefined), { what: 'lag to reach 0' });
    } finally {
      await consumer.close({ drainTimeoutMs: 0 });
      await queue.close();
    }
    expect(await sample(metrics.registry, /^dtq_worker_ready (\d+)$/m)).toBe(0);
  });

  it('dtq_worker_jobs_cancelled_total counts the jobs the worker ended because of a cancel, by type', async () => {
    const app = await startEmbeddedApp({ SIMULATED_PROVIDER_DELAY_MS: '2000' });
    try {
      const cancelled = /^dtq_worker_jobs_cancelled_total\{job_type="weather"\} (\d+)$/m;
      const metricsUrl = `http://127.0.0.1:${app.worker.healthPort}/metrics`;
      const read = async () => sample({ metrics: () => fetch(metricsUrl).then((r) => r.text()) }, cancelled);
      expect(await read()).toBeUndefined();
      const done = (await postJson(`${app.baseUrl}/v1/jobs`, weatherJob('Not cancelled'))).body.job_id as string;
      const jobId = (await postJson(`${app.baseUrl}/v1/jobs`, weatherJob('Cancelled'))).body.job_id as string;
      expect((await postJson(`${app.baseUrl}/v1/jobs/${jobId}/cancel`, {})).status).toBe(202);
      expect(await waitForTerminal(app.baseUrl, jobId)).toMatchObject({ state: 'failed', error_code: 'CANCELLED' });
      expect(await waitForTerminal(app.baseUrl, done)).toMatchObject({ state: 'completed' });
      await waitFor(async () => ((await read()) === 1 ? true : undefined), { what: 'the cancelled job to be counted' });
      expect(await fetch(metricsUrl).then((r) => r.text())).toMatch(/^dtq_worker_jobs_processed_total\{job_type="weather",outcome="failed"\} 1$/m);
    } finally {
      await app.close();
    }
  });

  it('the worker exports readiness, lag of its partitions and, once closed, how long its shutdown took', async () => {
    const app = await startEmbeddedApp();
    try {
      const submitted = await postJson(`${app.baseUrl}/v1/jobs`, weatherJob());
      await waitForTerminal(app.baseUrl, submitted.body.job_id);
      const text = await fetch(`http://127.0.0.1:${app.worker.healthPort}/metrics`).then((r) => r.text());
      expect(text).toMatch(/^dtq_worker_ready 1$/m);
      expect(text).toMatch(/^dtq_worker_consumer_lag\{topic="jobs\.weather\.v1",partition="\d+"\} 0$/m);
      expect(text).toMatch(/^dtq_worker_shutdown_duration_seconds 0$/m);
      app.worker.beginShutdown();
      expect((await fetch(`http://127.0.0.1:${app.worker.healthPort}/readyz`)).status).toBe(503);
      expect(await sample(app.worker.metrics.registry, /^dtq_worker_ready (\d+)$/m)).toBe(0);
      await app.worker.close();
      expect(await sample(app.worker.metrics.registry, /^dtq_worker_shutdown_duration_seconds (\S+)$/m)).toBeGreaterThan(0);
    } finally {
      await app.close();
    }
  });
});
