import { startServicesWorker, workerProgress, type BenchSettings } from '../lib/dtq-stack.js';
import { httpClient, runBounded } from '../lib/http.js';
import { SUBMIT_BODY } from '../lib/job-body.js';
import { cpuSeconds } from '../lib/cpu.js';
import { readRss, waitUntil } from '../lib/processes.js';
import { round } from '../lib/stats.js';

export interface WorkerMemoryResult {
  backlog: number;
  /** VmHWM of the worker process when the backlog had drained. */
  peakRssMb: number;
  /** Highest VmRSS seen by sampling every `sampleIntervalMs`. */
  sampledMaxRssMb: number;
  rssAfterDrainMb: number;
  drainSeconds: number;
  drainJobsPerSecond: number;
  /** CPU the worker process used from its start until the backlog had drained, per job: what the heap settings cost. */
  workerCpuMsPerJob?: number;
  sampleIntervalMs: number;
}

const SAMPLE_INTERVAL_MS = 100;

/**
 * Publishes a backlog through the API with no worker running, then starts the worker process
 * and follows its resident memory until the backlog has drained.
 */
export async function runWorkerMemory(
  settings: BenchSettings,
  options: { apiUrl: string; env: Record<string, string>; backlog: number; inFlight: number },
): Promise<WorkerMemoryResult> {
  const client = httpClient(options.apiUrl, options.inFlight);
  try {
    await runBounded(options.backlog, options.inFlight, async (index) => {
      const reply = await client.post('/v1/jobs', SUBMIT_BODY);
      if (reply.status !== 202) throw new Error(`submit ${index} answered ${reply.status}: ${reply.body}`);
    });
  } finally {
    client.close();
  }
  const started = performance.now();
  const worker = await startServicesWorker(settings, options.env, 'memory-worker', { waitReady: false });
  let sampledMax = 0;
  const sampler = setInterval(() => {
    sampledMax = Math.max(sampledMax, readRss(worker.proc.pid)?.rss ?? 0);
  }, SAMPLE_INTERVAL_MS);
  try {
    await waitUntil(
      `the worker to drain ${options.backlog} jobs`,
      async () => (((await workerProgress(worker.baseUrl).catch(() => undefined))?.processed ?? 0) >= options.backlog ? true : undefined),
      { timeoutMs: 300_000, intervalMs: 100, watch: [worker.proc] },
    );
    const drainSeconds = (performance.now() - started) / 1000;
    const memory = readRss(worker.proc.pid);
    const workerCpu = cpuSeconds(worker.proc.pid);
    if (!memory) throw new Error('could not read the worker process memory from /proc');
    const mb = (bytes: number) => round(bytes / 1024 / 1024, 1);
    return {
      backlog: options.backlog,
      peakRssMb: mb(memory.peak),
      sampledMaxRssMb: mb(Math.max(sampledMax, memory.rss)),
      rssAfterDrainMb: mb(memory.rss),
      drainSeconds: round(drainSeconds, 2),
      drainJobsPerSecond: round(options.backlog / drainSeconds, 1),
      ...(workerCpu === undefined ? {} : { workerCpuMsPerJob: round((workerCpu * 1000) / options.backlog, 3) }),
      sampleIntervalMs: SAMPLE_INTERVAL_MS,
    };
  } finally {
    clearInterval(sampler);
    await worker.proc.stop();
  }
}
