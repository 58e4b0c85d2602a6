import { cpuMeter } from '../lib/cpu.js';
import { processedJobs } from '../lib/dtq-stack.js';
import { httpClient, runBounded } from '../lib/http.js';
import { SUBMIT_BODY } from '../lib/job-body.js';
import { waitUntil, type BenchProcess } from '../lib/processes.js';
import { round } from '../lib/stats.js';

export interface EndToEndResult {
  jobs: number;
  inFlight: number;
  /** From the first submit to the moment the last result was seen stored. */
  seconds: number;
  jobsPerSecond: number;
  /** Submit alone: from the first submit to the last 202. */
  submitSeconds: number;
  /** How often the stored count was polled; bounds the end time's error. */
  pollIntervalMs: number;
  /** CPU seconds each process used during the run (bench = the load generator). */
  cpuSeconds: Record<string, number>;
}

export interface Submitted {
  result: EndToEndResult;
  jobIds: string[];
}

export const POLL_INTERVAL_MS = 50;

/**
 * Submits `jobs` weather jobs over HTTP with `inFlight` requests at once and waits until the
 * worker's jobs_processed_total (counted after the result is stored and the final status
 * written) has grown by as many.
 */
export async function runDtqEndToEnd(options: {
  apiUrl: string;
  workerMetricsUrl: string;
  jobs: number;
  inFlight: number;
  watch: BenchProcess[];
  /** Processes whose CPU time to count, by label. */
  cpuPids: Record<string, number>;
}): Promise<Submitted> {
  const before = await processedJobs(options.workerMetricsUrl);
  const client = httpClient(options.apiUrl, options.inFlight);
  const jobIds: string[] = new Array(options.jobs);
  const meter = cpuMeter(options.cpuPids);
  const started = performance.now();
  let submitSeconds: number;
  try {
    await runBounded(options.jobs, options.inFlight, async (index) => {
      const reply = await client.post('/v1/jobs', SUBMIT_BODY);
      if (reply.status !== 202) throw new Error(`submit ${index} answered ${reply.status}: ${reply.body}`);
      jobIds[index] = (JSON.parse(reply.body) as { job_id: string }).job_id;
    });
    submitSeconds = (performance.now() - started) / 1000;
    await waitUntil(
      `${options.jobs} stored results`,
      async () => ((await processedJobs(options.workerMetricsUrl)) - before >= options.jobs ? true : undefined),
      { timeoutMs: 300_000, intervalMs: POLL_INTERVAL_MS, watch: options.watch },
    );
  } finally {
    client.close();
  }
  return { jobIds, result: endToEndResult({ ...options, started, submitSeconds, cpuSeconds: meter.stop() }) };
}

/** The figures of one run that started at `started` (performance.now()) and ends now. */
export function endToEndResult(run: {
  jobs: number;
  inFlight: number;
  started: number;
  submitSeconds: number;
  cpuSeconds: Record<string, number>;
}): EndToEndResult {
  const seconds = (performance.now() - run.started) / 1000;
  return {
    jobs: run.jobs,
    inFlight: run.inFlight,
    seconds: round(seconds, 3),
    jobsPerSecond: round(run.jobs / seconds, 1),
    submitSeconds: round(run.submitSeconds, 3),
    pollIntervalMs: POLL_INTERVAL_MS,
    cpuSeconds: run.cpuSeconds,
  };
}
