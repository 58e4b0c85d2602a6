/**
 * In-flight jobs are safe when workers stop: API and workers run as separate built processes on
 * the real Kafka (topics and group of this run's own), Redis, RabbitMQ and MongoDB wire server
 * (FerretDB, a database of this run's own, dropped after). The workers call the weather provider
 * over HTTP (PROVIDER_MODE=http) at a stub of Open-Meteo in this test, which answers a set number
 * of forecasts and holds the rest: so a job is provably in flight, its provider call open, when
 * a worker is signalled. 30 jobs are submitted; the first worker is stopped with SIGTERM while
 * jobs are held (it drains them once released and exits 0), the second is killed with SIGKILL
 * while jobs are held (their uncommitted records are redelivered), a third finishes the rest.
 * Every job ends completed with exactly one result document.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESULT_COLLECTION } from '../../contracts/index.js';
import { jobTopics } from '../../core/domain/index.js';
import { deleteKafkaTopicsAndGroups } from '../support/kafka-admin.js';
import { postJson, request, weatherJob } from '../support/http-client.js';
import { REPO_ROOT, freePort, startNode, type RunningChild } from '../support/processes.js';
import { deleteRabbitQueues, deleteRedisKeys, TEST_KAFKA_BROKERS, TEST_MONGODB_URI, TEST_RABBITMQ_URL, TEST_REDIS_URL } from '../support/services.js';
import { uniqueName } from '../support/unique.js';
import { waitFor } from '../support/wait-for.js';

const API_ENTRY = join(REPO_ROOT, 'dist/functions/fallback-host/main.js');
const WORKER_ENTRY = join(REPO_ROOT, 'dist/worker-container/main.js');
const JOBS = 30;
const cityOf = (i: number) => `City ${i}`;

/**
 * Open-Meteo's geocoding and forecast endpoints, in their documented shapes. City i is placed at
 * latitude i, so a forecast request names its job. Forecasts are answered while `answersLeft`
 * lasts (or always once `open`); the others are held, their connection open, until released.
 */
class OpenMeteoStub {
  answersLeft = 0;
  open = false;
  /** Held forecast requests, by city number. */
  readonly held = new Map<number, () => void>();
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://stub');
      const answer = (body: unknown) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (url.pathname === '/v1/search') {
        const city = Number(/^City (\d+)$/.exec(url.searchParams.get('name') ?? '')?.[1] ?? NaN);
        return answer(Number.isNaN(city) ? { generationtime_ms: 0.1 } : { results: [{ id: city, name: cityOf(city), latitude: city, longitude: 0, country_code: 'US' }], generationtime_ms: 0.1 });
      }
      if (url.pathname === '/v1/forecast') {
        const forecast = () =>
          answer({ latitude: 0, longitude: 0, current: { time: '2026-02-14T15:00', interval: 900, temperature_2m: 20.4, relative_humidity_2m: 61, wind_speed_10m: 13.2, weather_code: 3 } });
        if (this.open || this.answersLeft > 0) {
          this.answersLeft -= 1;
          return forecast();
        }
        this.held.set(Number(url.searchParams.get('latitude')), forecast);
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: true, reason: 'Not Found' }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Answers every held request (a killed worker's are answered into closed connections). */
  releaseHeld(): void {
    for (const answer of this.held.values()) answer();
    this.held.clear();
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

describe('worker shutdown and crash keep every job exactly once', () => {
  const groupId = uniqueName('dtq-worker');
  const keyPrefix = `${uniqueName('dtq-shutdown-e2e')}:`;
  const requestQueue = uniqueName('progress.shutdown-e2e');
  const database = uniqueName('dtq').replace(/-/g, '_');
  const topicTemplate = `jobs.%s.${database}.v1`;
  const provider = new OpenMeteoStub();
  let mongoClient: MongoClient;
  let api: RunningChild;
  const workers: RunningChild[] = [];
  let services: Record<string, string>;
  let apiBase: string;

  beforeAll(async () => {
    for (const entry of [API_ENTRY, WORKER_ENTRY]) {
      if (!existsSync(entry)) throw new Error(`${entry} is missing: run npm run build:server first (npm test does)`);
    }
    await provider.start();
    mongoClient = new MongoClient(TEST_MONGODB_URI);
    services = {
      KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(','),
      KAFKA_TOPIC_TEMPLATE: topicTemplate,
      KAFKA_TOPIC_PARTITIONS: '3',
      KAFKA_CONSUMER_GROUP: groupId,
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: keyPrefix,
      RABBITMQ_URL: TEST_RABBITMQ_URL,
      PROGRESS_REQUEST_QUEUE: requestQueue,
      MONGODB_URI: TEST_MONGODB_URI,
      MONGODB_DATABASE: database,
      PROVIDER_MODE: 'http',
      OPEN_METEO_GEOCODING_URL: provider.url,
      OPEN_METEO_FORECAST_URL: provider.url,
      // Held requests wait for the test, however loaded the machine.
      PROVIDER_TIMEOUT_MS: '300000',
      WORKER_CONCURRENCY: '3',
      SHUTDOWN_TIMEOUT_MS: '10000',
    };
    const apiPort = await freePort();
    apiBase = `http://127.0.0.1:${apiPort}`;
    api = startNode(API_ENTRY, { ...services, PORT: String(apiPort), SERVE_WEB: 'false' });
    await api.waitForLine(/dtq API ready/, 60_000);
  }, 120_000);

  afterAll(async () => {
    for (const worker of workers) await worker.stop('SIGKILL');
    await api?.stop('SIGKILL');
    await mongoClient?.db(database).dropDatabase();
    await mongoClient?.close();
    await provider.stop();
    await deleteKafkaTopicsAndGroups(TEST_KAFKA_BROKERS, new RegExp(`^(${groupId}|${jobTopics(topicTemplate).join('|').replace(/\./g, '\\.')})$`));
    await deleteRedisKeys(keyPrefix);
    await deleteRabbitQueues([requestQueue]);
  });

  async function startWorker(): Promise<{ worker: RunningChild; metrics: string }> {
    const port = await freePort();
    const worker = startNode(WORKER_ENTRY, { ...services, WORKER_METRICS_PORT: String(port) });
    workers.push(worker);
    await worker.waitForLine(/worker started/, 90_000);
    return { worker, metrics: `http://127.0.0.1:${port}/metrics` };
  }

  async function gauge(metricsUrl: string, name: string): Promise<number> {
    const text = await fetch(metricsUrl).then((r) => r.text());
    const values = [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+(?:\\.\\d+)?)$`, 'gm'))].map((m) => Number(m[1]));
    return values.reduce((a, b) => a + b, 0);
  }

  /** Job ids of a worker's log lines whose message contains `text`. */
  function jobsLogged(worker: RunningChild, text: string): Set<string> {
    const ids = new Set<string>();
    for (const line of worker.lines) {
      const entry = JSON.parse(line) as { msg?: string; job_id?: string };
      if (entry.job_id && entry.msg?.includes(text)) ids.add(entry.job_id);
    }
    return ids;
  }

  const results = () => mongoClient.db(database).collection(RESULT_COLLECTION);

  /** Jobs a worker's log says it started and has not finished. */
  function jobsRunning(worker: RunningChild): Set<string> {
    const finished = jobsLogged(worker, 'job finished');
    return new Set([...jobsLogged(worker, 'job running')].filter((id) => !finished.has(id)));
  }

  const hung = (ms: number) => new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), ms).unref());

  it('drains on SIGTERM, survives SIGKILL, and completes all 30 jobs once', { timeout: 300_000 }, async () => {
    provider.answersLeft = 3;
    const first = await startWorker();
    const submitted = await Promise.all(Array.from({ length: JOBS }, (_, i) => postJson(`${apiBase}/v1/jobs`, weatherJob(cityOf(i)))));
    expect(submitted.map((r) => r.status)).toEqual(Array(JOBS).fill(202));
    const ids = submitted.map((r) => r.body.job_id as string);

    // SIGTERM while jobs run (every job in flight waits on its held forecast, so nothing moves):
    // in-flight work finishes and commits once released, and the process exits 0.
    await waitFor(async () => (provider.held.size > 0 && (await gauge(first.metrics, 'dtq_worker_jobs_in_flight')) === provider.held.size && (await results().countDocuments()) >= 3 ? true : undefined), {
      timeoutMs: 60_000,
      what: 'the first worker mid-run',
    });
    const heldAtSigterm = [...provider.held.keys()].map((i) => ids[i]!);
    const stopping = first.worker.stop('SIGTERM');
    await first.worker.waitForLine(/draining in-flight jobs/, 30_000);
    provider.releaseHeld();
    const drained = await Promise.race([stopping, hung(60_000)]);
    expect(drained).toEqual({ code: 0, signal: null });
    expect(first.worker.lines.some((l) => l.includes('worker stopped'))).toBe(true);
    const afterFirst = await results().countDocuments();
    expect(afterFirst).toBeGreaterThanOrEqual(3);
    expect(afterFirst).toBeLessThan(JOBS);
    expect(await results().countDocuments({ job_id: { $in: heldAtSigterm } })).toBe(heldAtSigterm.length);

    // SIGKILL while jobs run (their forecasts held, their start logged): nothing drains, the
    // uncommitted records go to the next worker.
    provider.answersLeft = 2;
    const second = await startWorker();
    const heldAtSigkill = await waitFor(
      async () => {
        if (provider.held.size === 0 || (await results().countDocuments()) <= afterFirst) return undefined;
        const running = jobsRunning(second.worker);
        const held = [...provider.held.keys()].map((i) => ids[i]!).filter((id) => running.has(id));
        return held.length > 0 && held.length === provider.held.size && (await gauge(second.metrics, 'dtq_worker_jobs_in_flight')) === held.length ? held : undefined;
      },
      { timeoutMs: 60_000, what: 'the second worker mid-run' },
    );
    expect(await second.worker.stop('SIGKILL')).toMatchObject({ signal: 'SIGKILL' });
    expect(await results().countDocuments()).toBeLessThan(JOBS);
    expect(await results().countDocuments({ job_id: { $in: heldAtSigkill } })).toBe(0);

    provider.open = true;
    provider.releaseHeld();
    const third = await startWorker();
    await waitFor(async () => ((await results().countDocuments()) === JOBS ? true : undefined), { timeoutMs: 120_000, intervalMs: 250, what: 'all 30 results' });

    const docs = await results().find({}, { projection: { _id: 0, job_id: 1, final_state: 1 } }).toArray();
    expect(docs.map((d) => d.job_id).sort()).toEqual([...ids].sort());
    expect(docs.every((d) => d.final_state === 'completed')).toBe(true);
    // The jobs the killed worker had started but not finished were run again by the third.
    const interrupted = [...jobsRunning(second.worker)];
    expect(interrupted.length).toBeGreaterThan(0);
    expect(interrupted).toEqual(expect.arrayContaining(heldAtSigkill));
    const finishedByThird = new Set([...jobsLogged(third.worker, 'job finished'), ...jobsLogged(third.worker, 'not executing it again')]);
    for (const id of interrupted) expect(finishedByThird.has(id), `job ${id} interrupted by SIGKILL`).toBe(true);

    for (const id of ids) {
      const status = await request(`${apiBase}/v1/jobs/${id}/status`);
      expect(status.body).toMatchObject({ state: 'completed', progress_percent: 100 });
    }
  });
});
