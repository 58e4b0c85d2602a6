/**
 * A worker SIGKILLed while its job holds a key's only slot gives the slot back within seconds
 * (its lease lapses), and the job that waited for the key runs in another worker. Built
 * processes (npm run build:server first) on the real Kafka, Redis and RabbitMQ, with topics,
 * group, keys and queue of the test's own; results stay in each process's memory.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { postJson, request } from '../support/http-client.js';
import { deleteKafkaTopicsAndGroups } from '../support/kafka-admin.js';
import { REPO_ROOT, freePort, startNode, type RunningChild } from '../support/processes.js';
import { deleteRabbitQueues, deleteRedisKeys } from '../support/services.js';
import { servicesMode } from '../support/services-mode.js';
import { waitFor } from '../support/wait-for.js';

const API_ENTRY = join(REPO_ROOT, 'dist/functions/fallback-host/main.js');
const WORKER_ENTRY = join(REPO_ROOT, 'dist/worker-container/main.js');

describe('a key slot held by a worker that dies', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  });

  function started(child: RunningChild): RunningChild {
    closers.push(async () => void (await child.stop('SIGKILL')));
    return child;
  }

  it('is free again within seconds: the job waiting for the key runs in another worker', { timeout: 180_000 }, async () => {
    const { id, env: services } = servicesMode('kl-sigkill');
    closers.push(async () => {
      await Promise.allSettled([
        deleteRedisKeys(services.REDIS_KEY_PREFIX!),
        deleteRabbitQueues([services.PROGRESS_REQUEST_QUEUE!]),
        deleteKafkaTopicsAndGroups(services.KAFKA_BROKERS!.split(','), new RegExp(`^${id}\\.`)),
      ]);
    });
    const env = {
      ...services,
      MONGODB_URI: '',
      MONGODB_DATABASE: '',
      JOB_LIMITS_WEATHER_CONCURRENCY_KEY: 'country_code',
      JOB_LIMITS_WEATHER_CONCURRENCY_MAX: '1',
      SIMULATED_PROVIDER_DELAY_MS: '4000',
      WORKER_CONCURRENCY: '2',
      KAFKA_TOPIC_PARTITIONS: '2',
      LOG_LEVEL: 'info',
    };
    const apiPort = await freePort();
    const api = started(startNode(API_ENTRY, { ...env, PORT: String(apiPort), SERVE_WEB: 'false' }));
    await api.waitForLine(/dtq API ready/, 60_000);
    const base = `http://127.0.0.1:${apiPort}`;
    const startWorker = async () => {
      const worker = started(startNode(WORKER_ENTRY, { ...env, WORKER_METRICS_PORT: String(await freePort()) }));
      await worker.waitForLine(/worker started/, 60_000);
      return worker;
    };
    const status = async (jobId: string) => (await request(`${base}/v1/jobs/${jobId}/status`)).body as { state: string; message: string };
    const submit = async (city: string) => {
      const response = await postJson(`${base}/v1/jobs`, { job_type: 'weather', payload: { city, country_code: 'US', units: 'metric' } });
      expect(response.status).toBe(202);
      return response.body.job_id as string;
    };

    const doomed = await startWorker();
    const holder = await submit('Austin');
    await waitFor(async () => ((await status(holder)).state === 'running' ? true : undefined), { what: 'the first job running', timeoutMs: 60_000 });
    const waiter = await submit('Boston');
    await waitFor(async () => (/^waiting for key US: 1 running, limit 1$/.test((await status(waiter)).message) ? true : undefined), {
      what: 'the second job waiting for the key',
      timeoutMs: 30_000,
    });

    await doomed.stop('SIGKILL');
    await startWorker();
    // The lease lapses within its TTL (10 s); the waiting job is handed back and runs (4 s).
    await waitFor(async () => ((await status(waiter)).state === 'completed' ? true : undefined), { what: 'the waiting job completed', timeoutMs: 60_000 });
    await waitFor(async () => ((await status(holder)).state === 'completed' ? true : undefined), { what: 'the first job, redelivered, completed', timeoutMs: 60_000 });
  });
});
