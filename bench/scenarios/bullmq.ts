import { Queue } from 'bullmq';
import { cpuMeter, servicePids } from '../lib/cpu.js';
import { REDIS_URL, type BenchSettings } from '../lib/dtq-stack.js';
import { runBounded } from '../lib/http.js';
import { WEATHER_PAYLOAD } from '../lib/job-body.js';
import { startProcess, waitUntil } from '../lib/processes.js';
import { POLL_INTERVAL_MS, endToEndResult, type EndToEndResult } from './end-to-end.js';

/**
 * BullMQ on the same Redis: `queue.add` from this process with `inFlight` adds at once, a
 * worker process with the same concurrency doing four progress updates and returning the
 * simulated provider's output; done when the completed count reaches `jobs`.
 */
export async function runBullmqEndToEnd(
  settings: BenchSettings,
  options: { runId: string; jobs: number; inFlight: number },
): Promise<EndToEndResult> {
  const queueName = `bench-${options.runId}`;
  const prefix = `bench-bull-${options.runId}`;
  const redis = new URL(REDIS_URL);
  const connection = { host: redis.hostname, port: Number(redis.port), maxRetriesPerRequest: null };
  const queue = new Queue(queueName, { connection, prefix });
  const worker = startProcess({
    name: 'bullmq-worker',
    script: 'bench/servers/bullmq-worker.ts',
    env: { BULLMQ_QUEUE: queueName, BULLMQ_PREFIX: prefix, WORKER_CONCURRENCY: String(settings.workerConcurrency), REDIS_URL },
  });
  try {
    await queue.waitUntilReady();
    await waitUntil('BullMQ worker', async () => ((await queue.getWorkersCount()) > 0 ? true : undefined), { timeoutMs: 30_000, watch: [worker] });
    const meter = cpuMeter({ 'bullmq worker': worker.pid, ...servicePids() });
    const started = performance.now();
    await runBounded(options.jobs, options.inFlight, async () => {
      await queue.add('weather', WEATHER_PAYLOAD);
    });
    const submitSeconds = (performance.now() - started) / 1000;
    await waitUntil(
      `${options.jobs} completed BullMQ jobs`,
      async () => ((await queue.getCompletedCount()) >= options.jobs ? true : undefined),
      { timeoutMs: 300_000, intervalMs: POLL_INTERVAL_MS, watch: [worker] },
    );
    const result = endToEndResult({ ...options, started, submitSeconds, cpuSeconds: meter.stop() });
    const failed = await queue.getFailedCount();
    if (failed > 0) throw new Error(`${failed} BullMQ jobs failed`);
    return result;
  } finally {
    await worker.stop();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
}
