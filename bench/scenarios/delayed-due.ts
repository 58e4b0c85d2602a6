import { httpClient, runBounded } from '../lib/http.js';
import { WEATHER_PAYLOAD } from '../lib/job-body.js';
import { waitUntil, type BenchProcess } from '../lib/processes.js';
import { round } from '../lib/stats.js';
import type { DoneCounter } from './end-to-end.js';

/** One way of starting `jobs` jobs at once: all due at one moment, or all submitted without delay. */
export interface DueAtOnceRun {
  jobs: number;
  /** From the due moment (delayed) or the first submit (no delay) until every job had started. */
  secondsUntilAllStarted: number;
  /** Submit alone, from the first submit to the last 202. */
  submitSeconds: number;
}

export interface DelayedDueResult {
  jobs: number;
  /** How far ahead the delayed jobs were due, from the first submit. */
  leadSeconds: number;
  delayed: DueAtOnceRun;
  noDelay: DueAtOnceRun;
}

const POLL_INTERVAL_MS = 50;

/**
 * `jobs` weather jobs all due at the same moment (run_at a lead ahead, every submit in before
 * it), and the same number submitted without delay, on one dtq stack: the seconds until every
 * job has started (the workers' processed plus in-flight counts), from the due moment and from
 * the first submit.
 */
export async function runDelayedDue(options: {
  submitUrl: string;
  progress: DoneCounter;
  jobs: number;
  inFlight: number;
  leadMs: number;
  watch: BenchProcess[];
}): Promise<DelayedDueResult> {
  const started = await startedCount(options.progress);
  const dueAt = Date.now() + options.leadMs;
  const delayedBody = JSON.stringify({ job_type: 'weather', payload: WEATHER_PAYLOAD, run_at: new Date(dueAt).toISOString() });
  const delayedSubmit = await submitAll(options, delayedBody);
  if (Date.now() >= dueAt) throw new Error(`the submits took ${delayedSubmit.toFixed(1)} s, past the ${options.leadMs / 1000} s lead: raise the lead`);
  const delayed = await untilStarted(options, started + options.jobs, dueAt);

  const noDelayFrom = Date.now();
  const noDelaySubmit = await submitAll(options, JSON.stringify({ job_type: 'weather', payload: WEATHER_PAYLOAD }));
  const noDelay = await untilStarted(options, started + 2 * options.jobs, noDelayFrom);
  return {
    jobs: options.jobs,
    leadSeconds: options.leadMs / 1000,
    delayed: { jobs: options.jobs, secondsUntilAllStarted: delayed, submitSeconds: round(delayedSubmit, 3) },
    noDelay: { jobs: options.jobs, secondsUntilAllStarted: noDelay, submitSeconds: round(noDelaySubmit, 3) },
  };
}

async function startedCount(progress: DoneCounter): Promise<number> {
  const now = await progress();
  return now.processed + (now.inFlight ?? 0);
}

/** Seconds the submits took. */
async function submitAll(options: { submitUrl: string; jobs: number; inFlight: number }, body: string): Promise<number> {
  const client = httpClient(options.submitUrl, options.inFlight);
  const from = performance.now();
  try {
    await runBounded(options.jobs, options.inFlight, async (index) => {
      const reply = await client.post('/v1/jobs', body);
      if (reply.status !== 202) throw new Error(`submit ${index} answered ${reply.status}: ${reply.body}`);
    });
  } finally {
    client.close();
  }
  return (performance.now() - from) / 1000;
}

/** Seconds from `fromEpochMs` until the started count reaches `target`. */
async function untilStarted(options: { progress: DoneCounter; watch: BenchProcess[] }, target: number, fromEpochMs: number): Promise<number> {
  await waitUntil('every job started', async () => ((await startedCount(options.progress)) >= target ? true : undefined), {
    timeoutMs: 300_000,
    intervalMs: POLL_INTERVAL_MS,
    watch: options.watch,
  });
  return round((Date.now() - fromEpochMs) / 1000, 2);
}
