import { cpuMeter } from '../lib/cpu.js';
import { httpClient, runBounded } from '../lib/http.js';
import { SUBMIT_BODY } from '../lib/job-body.js';
import { waitUntil, type BenchProcess } from '../lib/processes.js';
import { round } from '../lib/stats.js';

export interface EndToEndResult {
  jobs: number;
  inFlight: number;
  /** From the first submit to the moment the last job was seen done. */
  seconds: number;
  jobsPerSecond: number;
  /** Submit alone: from the first submit to the last 202. */
  submitSeconds: number;
  /** How often the done count was polled; bounds the end time's error. */
  pollIntervalMs: number;
  /** The most jobs the workers reported running at once, when they report it. */
  peakJobsInFlight?: number;
  /** CPU seconds each process used during the run (bench = the load generator). */
  cpuSeconds: Record<string, number>;
}

export interface Submitted {
  result: EndToEndResult;
  jobIds: string[];
}

const POLL_INTERVAL_MS = 50;

/** How far the system under test has got: jobs done, and jobs running now when it can say. */
export type DoneCounter = () => Promise<{ processed: number; inFlight?: number }>;

/**
 * Submits `jobs` weather jobs with `POST /v1/jobs` to `submitUrl`, `inFlight` requests at once,
 * and waits until `progress` says as many more jobs are done. The same for dtq and for BullMQ,
 * so both sides pay the same HTTP submit.
 */
export async function runEndToEnd(options: {
  submitUrl: string;
  progress: DoneCounter;
  jobs: number;
  inFlight: number;
  watch: BenchProcess[];
  /** Processes whose CPU time to count, by label. */
  cpuPids: Record<string, number>;
}): Promise<Submitted> {
  const before = (await options.progress()).processed;
  const client = httpClient(options.submitUrl, options.inFlight);
  const jobIds: string[] = new Array(options.jobs);
  const meter = cpuMeter(options.cpuPids);
  let peakJobsInFlight: number | undefined;
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
      `${options.jobs} jobs done`,
      async () => {
        const now = await options.progress();
        if (now.inFlight !== undefined) peakJobsInFlight = Math.max(peakJobsInFlight ?? 0, now.inFlight);
        return now.processed - before >= options.jobs ? true : undefined;
      },
      { timeoutMs: 300_000, intervalMs: POLL_INTERVAL_MS, watch: options.watch },
    );
  } finally {
    client.close();
  }
  const result = endToEndResult({ ...options, started, submitSeconds, cpuSeconds: meter.stop() });
  return { jobIds, result: peakJobsInFlight === undefined ? result : { ...result, peakJobsInFlight } };
}

/** The figures of one run that started at `started` (performance.now()) and ends now. */
function endToEndResult(run: {
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
