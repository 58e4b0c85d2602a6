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
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../support/http-client.js';
import { jobsLogged, jobsRunning, metricValue, startJobStack, type JobStack, type StackWorker } from '../support/job-stack.js';
import { waitFor } from '../support/wait-for.js';

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
  const provider = new OpenMeteoStub();
  let stack: JobStack;

  beforeAll(async () => {
    await provider.start();
    stack = await startJobStack({
      name: 'shutdown',
      partitions: 3,
      concurrency: 3,
      providerDelayMs: 0,
      env: {
        PROVIDER_MODE: 'http',
        OPEN_METEO_GEOCODING_URL: provider.url,
        OPEN_METEO_FORECAST_URL: provider.url,
        // Held requests wait for the test, however loaded the machine.
        PROVIDER_TIMEOUT_MS: '300000',
        SHUTDOWN_TIMEOUT_MS: '10000',
      },
    });
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
    await provider.stop();
  });

  /** How many result documents the jobs have. */
  const stored = async (ids: string[]) => [...(await stack.resultCounts(ids)).values()].reduce((sum, n) => sum + n, 0);
  const inFlight = (worker: StackWorker) => metricValue(worker, 'dtq_worker_jobs_in_flight');
  const hung = (ms: number) => new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), ms).unref());

  it('drains on SIGTERM, survives SIGKILL, and completes all 30 jobs once', { timeout: 300_000 }, async () => {
    provider.answersLeft = 3;
    const first = await stack.startWorker('first');
    // Cities "City 0" … "City 29": the stub places city i at latitude i.
    const ids = await stack.submit(JOBS, 'City');

    // SIGTERM while jobs run (every job in flight waits on its held forecast, so nothing moves):
    // in-flight work finishes and commits once released, and the process exits 0.
    await waitFor(async () => (provider.held.size > 0 && (await inFlight(first)) === provider.held.size && (await stored(ids)) >= 3 ? true : undefined), {
      timeoutMs: 60_000,
      what: 'the first worker mid-run',
    });
    const heldAtSigterm = [...provider.held.keys()].map((i) => ids[i]!);
    const stopping = first.process.stop('SIGTERM');
    await first.process.waitForLine(/draining in-flight jobs/, 30_000);
    provider.releaseHeld();
    const drained = await Promise.race([stopping, hung(60_000)]);
    expect(drained).toEqual({ code: 0, signal: null });
    expect(first.process.lines.some((l) => l.includes('worker stopped'))).toBe(true);
    const afterFirst = await stored(ids);
    expect(afterFirst).toBeGreaterThanOrEqual(3);
    expect(afterFirst).toBeLessThan(JOBS);
    expect(await stored(heldAtSigterm)).toBe(heldAtSigterm.length);

    // SIGKILL while jobs run (their forecasts held, their start logged): nothing drains, the
    // uncommitted records go to the next worker.
    provider.answersLeft = 2;
    const second = await stack.startWorker('second');
    const heldAtSigkill = await waitFor(
      async () => {
        if (provider.held.size === 0 || (await stored(ids)) <= afterFirst) return undefined;
        const running = new Set(jobsRunning(second));
        const held = [...provider.held.keys()].map((i) => ids[i]!).filter((id) => running.has(id));
        return held.length > 0 && held.length === provider.held.size && (await inFlight(second)) === held.length ? held : undefined;
      },
      { timeoutMs: 60_000, what: 'the second worker mid-run' },
    );
    expect(await second.process.stop('SIGKILL')).toMatchObject({ signal: 'SIGKILL' });
    expect(await stored(ids)).toBeLessThan(JOBS);
    expect(await stored(heldAtSigkill)).toBe(0);

    provider.open = true;
    provider.releaseHeld();
    const third = await stack.startWorker('third');
    // Every job has one result document, completed, and Redis says completed.
    await stack.expectAllCompletedOnce(ids, 120_000);

    // The jobs the killed worker had started but not finished were run again by the third.
    const interrupted = jobsRunning(second);
    expect(interrupted.length).toBeGreaterThan(0);
    expect(interrupted).toEqual(expect.arrayContaining(heldAtSigkill));
    const finishedByThird = new Set([...jobsLogged(third, 'job finished'), ...jobsLogged(third, 'not executing it again')]);
    for (const id of interrupted) expect(finishedByThird.has(id), `job ${id} interrupted by SIGKILL`).toBe(true);

    for (const id of ids) {
      const status = await request(`${stack.apiBase}/v1/jobs/${id}/status`);
      expect(status.body).toMatchObject({ state: 'completed', progress_percent: 100 });
    }
  });
});
