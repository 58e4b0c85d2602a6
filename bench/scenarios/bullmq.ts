import { Queue } from 'bullmq';
import { servicePids } from '../lib/cpu.js';
import { REDIS_URL, portOpen, type BenchSettings } from '../lib/dtq-stack.js';
import { freePort, startProcess, waitUntil, type BenchProcess } from '../lib/processes.js';
import type { DoneCounter } from './end-to-end.js';

const BULLMQ_LABEL = 'BullMQ (node:http + Queue.add, worker process, same Redis)';

export interface BullmqStack {
  label: string;
  submitUrl: string;
  progress: DoneCounter;
  processes: BenchProcess[];
  cpuPids: Record<string, number>;
  /** Fails when any job of the run failed. */
  checkNoFailures(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * BullMQ as its users run it: a node:http submit server calling `Queue.add`, and a worker process
 * with the same concurrency and simulated provider delay as dtq's, on the same Redis.
 */
export async function startBullmqStack(settings: BenchSettings, options: { runId: string; withWorker?: boolean }): Promise<BullmqStack> {
  const queueName = `bench-${options.runId}`;
  const prefix = `bench-bull-${options.runId}`;
  const redis = new URL(REDIS_URL);
  const queue = new Queue(queueName, { connection: { host: redis.hostname, port: Number(redis.port), maxRetriesPerRequest: null }, prefix });
  const shared = { BULLMQ_QUEUE: queueName, BULLMQ_PREFIX: prefix, REDIS_URL };
  const submitPort = await freePort();
  const processes: BenchProcess[] = [];
  const stop = async () => {
    await Promise.all(processes.map((proc) => proc.stop()));
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  };
  try {
    const submit = startProcess({ name: `bullmq-submit-${options.runId}`, script: 'bench/servers/bullmq-submit-http.ts', env: { ...shared, SUBMIT_PORT: String(submitPort) } });
    processes.push(submit);
    await queue.waitUntilReady();
    await waitUntil('BullMQ submit server', () => portOpen(submitPort), { timeoutMs: 30_000, watch: [submit] });
    const cpuPids: Record<string, number> = { 'submit server': submit.pid };
    if (options.withWorker !== false) {
      const worker = startProcess({
        name: `bullmq-worker-${options.runId}`,
        script: 'bench/servers/bullmq-worker.ts',
        env: { ...shared, WORKER_CONCURRENCY: String(settings.workerConcurrency), SIMULATED_PROVIDER_DELAY_MS: String(settings.providerDelayMs) },
      });
      processes.push(worker);
      cpuPids.worker = worker.pid;
      await waitUntil('BullMQ worker', async () => ((await queue.getWorkersCount()) > 0 ? true : undefined), { timeoutMs: 30_000, watch: [worker] });
    }
    return {
      label: BULLMQ_LABEL,
      submitUrl: `http://127.0.0.1:${submitPort}`,
      progress: async () => ({ processed: (await queue.getCompletedCount()) + (await queue.getFailedCount()), inFlight: await queue.getActiveCount() }),
      processes,
      cpuPids: { ...cpuPids, ...servicePids() },
      checkNoFailures: async () => {
        const failed = await queue.getFailedCount();
        if (failed > 0) throw new Error(`${failed} BullMQ jobs failed`);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
