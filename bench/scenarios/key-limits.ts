// Per-key limits: what a flood on one key does to another key's wait, and what declared limits
// that are never reached cost.
import { httpClient, runBounded } from '../lib/http.js';
import { percentiles, round } from '../lib/stats.js';

export interface TenantWaitResult {
  /** Jobs of the other tenant measured, with and without the flood. */
  otherJobs: number;
  floodJobs: number;
  /** The flooding tenant's limit of jobs at once. */
  keyLimit: number;
  /** Wait of the other tenant's jobs: submitted (milestone 0) to started (milestone 20), ms. */
  noFlood: { p50: number; p99: number };
  flood: { p50: number; p99: number };
}

export interface LimitOverheadResult {
  jobs: number;
  withoutLimits: number;
  /** jobs/s with a concurrency and a rate limit declared on the key, both far above the load. */
  withLimits: number;
  /** withLimits / withoutLimits; the target is at least 0.95. */
  ratio: number;
}

const weatherBody = (city: string, country: string) => JSON.stringify({ job_type: 'weather', payload: { city, country_code: country, units: 'metric' } });

/** Submits `count` jobs of one country, `inFlight` at a time; returns their ids. */
async function submit(apiUrl: string, count: number, country: string, inFlight: number): Promise<string[]> {
  const client = httpClient(apiUrl, inFlight);
  const ids: string[] = new Array(count);
  await runBounded(count, inFlight, async (index) => {
    const reply = await client.post('/v1/jobs', weatherBody(`${country} ${index}`, country));
    if (reply.status !== 202) throw new Error(`submit answered ${reply.status}: ${reply.body}`);
    ids[index] = (JSON.parse(reply.body) as { job_id: string }).job_id;
  });
  return ids;
}

/** Milliseconds from queued to started of each job, once every one has started (polled, with a deadline). */
async function waits(apiUrl: string, ids: string[], timeoutMs: number): Promise<number[]> {
  const client = httpClient(apiUrl, 16);
  const deadline = Date.now() + timeoutMs;
  const out = new Map<string, number>();
  while (out.size < ids.length) {
    if (Date.now() > deadline) throw new Error(`${ids.length - out.size} of ${ids.length} jobs not started within ${timeoutMs} ms`);
    await runBounded(ids.length, 16, async (index) => {
      const id = ids[index]!;
      if (out.has(id)) return;
      const reply = await client.get(`/v1/jobs/${id}/status`);
      const milestones = (JSON.parse(reply.body) as { milestones?: Record<string, string> }).milestones;
      if (milestones?.['0'] && milestones['20']) out.set(id, Date.parse(milestones['20']) - Date.parse(milestones['0']));
    });
    if (out.size < ids.length) await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return [...out.values()];
}

const summary = (values: number[]) => {
  const p = percentiles(Float64Array.from(values).sort());
  return { p50: round(p.p50, 0), p99: round(p.p99, 0) };
};

/**
 * The other tenant's wait: `otherJobs` jobs of country US submitted alone, then again while
 * country FR floods `floodJobs` jobs at once, FR limited to `keyLimit` jobs at once (the stack's
 * workers run with JOB_LIMITS_WEATHER_CONCURRENCY_KEY=country_code and _MAX=keyLimit).
 */
export async function runTenantWait(options: { apiUrl: string; otherJobs: number; floodJobs: number; keyLimit: number; timeoutMs: number }): Promise<TenantWaitResult> {
  const { apiUrl, otherJobs, floodJobs } = options;
  const alone = await waits(apiUrl, await submit(apiUrl, otherJobs, 'US', 8), options.timeoutMs);
  const flooding = submit(apiUrl, floodJobs, 'FR', 64);
  // The other tenant's jobs arrive while the flood is being submitted and queued.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const other = await submit(apiUrl, otherJobs, 'US', 8);
  const beside = await waits(apiUrl, other, options.timeoutMs);
  await flooding;
  return { otherJobs, floodJobs, keyLimit: options.keyLimit, noFlood: summary(alone), flood: summary(beside) };
}

/** The environment of workers whose weather jobs have limits declared that the load never reaches. */
export const UNREACHED_LIMITS_ENV = {
  JOB_LIMITS_WEATHER_CONCURRENCY_KEY: 'country_code',
  JOB_LIMITS_WEATHER_CONCURRENCY_MAX: '1000000',
  JOB_LIMITS_WEATHER_RATE_KEY: 'country_code',
  JOB_LIMITS_WEATHER_RATE_POINTS: '1000000000',
  JOB_LIMITS_WEATHER_RATE_PER_MS: '1000',
};
