/**
 * GET /v1/fleet on the real servers it reads (Kafka, Redis): every running worker
 * with what its heartbeat says, and the consumer group's lag per topic and partition, read from
 * Kafka, so it grows while no worker runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetResponseSchema, type FleetResponse } from '../../contracts/index.js';
import { buildWorker } from '../../composition/build-worker.js';
import type { Worker } from '../../worker/worker.js';
import { startEmbeddedApp, type EmbeddedApp } from '../support/embedded-app.js';
import { expectErrorBody, postJson, request, waitForTerminal, weatherJob } from '../support/http-client.js';
import { servicesMode, type ServicesMode } from '../support/services-mode.js';
import { testLogger } from '../support/test-logger.js';
import { waitFor } from '../support/wait-for.js';

describe('fleet on the real servers', () => {
  let run: ServicesMode;
  let app: EmbeddedApp;
  let second: Worker | undefined;
  beforeAll(async () => {
    // Results and progress stay in this process: the fleet reads neither.
    run = servicesMode('fleet', { without: ['mongodb', 'rabbitmq'] });
    app = await startEmbeddedApp({ ...run.env, WORKER_CONCURRENCY: '3' });
  }, 60_000);
  afterAll(async () => {
    await second?.close();
    await app?.close();
    await run?.cleanup();
  }, 30_000);

  const fleet = async (): Promise<FleetResponse> => {
    const response = await request(`${app.baseUrl}/v1/fleet`);
    expect(response.status).toBe(200);
    return FleetResponseSchema.strict().parse(response.body);
  };
  const totalLag = (answer: FleetResponse) => (answer.lag ?? []).reduce((sum, partition) => sum + partition.lag, 0);

  it('shows two running workers, then none, and a lag that grows while they are stopped', async () => {
    second = buildWorker({ config: app.config, adapters: app.adapters, logger: testLogger(), healthPort: null });
    await second.start();
    // The lag is null while it cannot be read (the workers are still creating their topics).
    const both = await waitFor(
      async () => {
        const answer = await fleet();
        return answer.workers.length === 2 && answer.lag ? answer : undefined;
      },
      { timeoutMs: 15_000, what: 'two workers and their lag' },
    );
    expect(both.consumer_group).toBe(run.env.KAFKA_CONSUMER_GROUP);
    for (const worker of both.workers) {
      expect(worker).toMatchObject({ version: '0.1.0', concurrency: 3, in_flight: 0 });
      expect(Date.now() - Date.parse(worker.last_heartbeat_at)).toBeLessThan(both.heartbeat_ttl_ms + 5_000);
    }
    expect(new Set(both.workers.map((worker) => worker.instance)).size).toBe(2);
    // Every partition of every job topic, each once.
    const topics = new Set(both.lag!.map((partition) => partition.topic));
    expect([...topics].every((topic) => topic.startsWith(`${run.id}.jobs.`))).toBe(true);
    expect(new Set(both.lag!.map((p) => `${p.topic}/${p.partition}`)).size).toBe(both.lag!.length);

    // A job goes through while they run: the lag comes back to what it was.
    const done = (await postJson(`${app.baseUrl}/v1/jobs`, weatherJob())).body.job_id as string;
    await waitForTerminal(app.baseUrl, done, 30_000);
    const before = await waitFor(async () => {
      const answer = await fleet();
      return totalLag(answer) === 0 ? answer : undefined;
    }, { timeoutMs: 30_000, intervalMs: 250, what: 'no lag while the workers run' });
    expect(totalLag(before)).toBe(0);

    await Promise.all([second.close(), app.worker.close()]);
    expect((await fleet()).workers).toEqual([]);
    for (const city of ['Oslo', 'Lagos', 'Quito']) expect((await postJson(`${app.baseUrl}/v1/jobs`, weatherJob(city))).status).toBe(202);
    const stopped = await waitFor(async () => {
      const answer = await fleet();
      return totalLag(answer) === 3 ? answer : undefined;
    }, { timeoutMs: 15_000, intervalMs: 250, what: 'a lag of three jobs' });
    expect(stopped.workers).toEqual([]);
  }, 120_000);

  it('takes no query parameters', async () => {
    expectErrorBody(await request(`${app.baseUrl}/v1/fleet?worker=a`), 400, 'INVALID_QUERY');
  });
});
