// The worker's /metrics reads consumer lag from Kafka's admin API (committed offsets and end
// offsets). A burst of scrapes must not become a burst of admin requests: counted on the wire,
// by Kafka API key, in a proxy between this worker and the broker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_TYPES } from '../../contracts/index.js';
import { startEmbeddedApp, type EmbeddedApp } from '../support/embedded-app.js';
import { postJson, waitForTerminal, weatherJob } from '../support/http-client.js';
import { API_LIST_OFFSETS, API_OFFSET_FETCH, startKafkaProxy, type KafkaProxy } from '../support/kafka-proxy.js';
import { TEST_KAFKA_BROKERS } from '../support/services.js';
import { servicesMode } from '../support/services-mode.js';
import { waitFor } from '../support/wait-for.js';

const SCRAPES = 60;

describe('worker /metrics under a burst of scrapes, on Kafka', () => {
  const services = servicesMode('dtq-scrape-load');
  let proxy: KafkaProxy;
  let app: EmbeddedApp;
  let metricsUrl: string;

  beforeAll(async () => {
    proxy = await startKafkaProxy(TEST_KAFKA_BROKERS[0]!);
    app = await startEmbeddedApp({ ...services.env, KAFKA_BROKERS: proxy.brokers.join(',') });
    metricsUrl = `http://127.0.0.1:${app.worker.healthPort}/metrics`;
    const { body } = await postJson(`${app.baseUrl}/v1/jobs`, weatherJob());
    expect((await waitForTerminal(app.baseUrl, body.job_id, 60_000)).state).toBe('completed');
    // The lag series appear once the worker owns partitions and a lag read has come back.
    await waitFor(async () => /^dtq_worker_consumer_lag\{/m.test(await (await fetch(metricsUrl)).text()) || undefined, {
      timeoutMs: 60_000,
      intervalMs: 200,
      what: 'the worker to export consumer lag',
    });
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await proxy?.close();
    await services.cleanup();
  }, 60_000);

  it('answers every scrape with the lag while making at most one admin read of it', async () => {
    const before = { offsets: proxy.requestsSeen(API_OFFSET_FETCH), ends: proxy.requestsSeen(API_LIST_OFFSETS) };
    const scrapes = await Promise.all(Array.from({ length: SCRAPES }, () => fetch(metricsUrl).then(async (r) => ({ status: r.status, text: await r.text() }))));
    for (const scrape of scrapes) {
      expect(scrape.status).toBe(200);
      expect(scrape.text).toMatch(/^dtq_worker_consumer_lag\{topic="[^"]+",partition="\d+"\} \d+$/m);
    }
    // One read: the group's committed offsets in one request, each job topic's end offsets in one.
    expect(proxy.requestsSeen(API_OFFSET_FETCH) - before.offsets).toBeLessThanOrEqual(1);
    expect(proxy.requestsSeen(API_LIST_OFFSETS) - before.ends).toBeLessThanOrEqual(JOB_TYPES.length);
  });
});
