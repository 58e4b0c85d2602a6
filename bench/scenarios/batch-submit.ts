import { startServicesApi, type BenchSettings } from '../lib/dtq-stack.js';
import { httpClient, runBounded, type HttpClient } from '../lib/http.js';
import { SUBMIT_BODY, WEATHER_PAYLOAD } from '../lib/job-body.js';
import { round, spread, type Spread } from '../lib/stats.js';

export interface BatchSubmitOptions {
  /** Jobs each way, per round. */
  jobs: number;
  batchSize: number;
  /** Requests in flight at once, the same both ways. */
  connections: number;
  rounds: number;
}

export interface BatchSubmitResult {
  jobs: number;
  batchSize: number;
  connections: number;
  /** jobs/s submitted one job per POST /v1/jobs. */
  single: Spread;
  /** jobs/s submitted in POST /v1/jobs/batch requests of `batchSize` jobs. */
  batched: Spread;
  /** Medians: batched over single. */
  ratio: number;
}

const BATCH_ITEM = { job_type: 'weather', payload: WEATHER_PAYLOAD };

/**
 * The same number of jobs into one dtq API on the real services (no worker: the jobs wait in
 * Kafka), one per request and in batches, alternating which goes first each round; every job
 * must be accepted.
 */
export async function runBatchSubmit(settings: BenchSettings, env: Record<string, string>, options: BatchSubmitOptions): Promise<BatchSubmitResult> {
  const api = await startServicesApi(settings, env, 'batch-dtq');
  const client = httpClient(api.baseUrl, options.connections);
  try {
    const batchBody = JSON.stringify({ jobs: Array.from({ length: options.batchSize }, () => BATCH_ITEM) });
    const single: number[] = [];
    const batched: number[] = [];
    // A first pass of each warms the connections, the topics and the JIT.
    await submitSingle(client, Math.min(200, options.jobs), options.connections);
    await submitBatches(client, batchBody, options.batchSize, Math.min(2_000, options.jobs), options.connections);
    for (let r = 0; r < options.rounds; r++) {
      const order = r % 2 === 0 ? (['single', 'batched'] as const) : (['batched', 'single'] as const);
      for (const way of order) {
        const jobsPerSecond =
          way === 'single'
            ? await submitSingle(client, options.jobs, options.connections)
            : await submitBatches(client, batchBody, options.batchSize, options.jobs, options.connections);
        (way === 'single' ? single : batched).push(jobsPerSecond);
        process.stdout.write(`  batch submit ${way}: ${round(jobsPerSecond, 0)} jobs/s\n`);
      }
    }
    const result = { single: spread(single), batched: spread(batched) };
    return { jobs: options.jobs, batchSize: options.batchSize, connections: options.connections, ...result, ratio: round(result.batched.median / result.single.median, 2) };
  } finally {
    client.close();
    await api.proc.stop();
  }
}

async function submitSingle(client: HttpClient, jobs: number, connections: number): Promise<number> {
  const started = performance.now();
  await runBounded(jobs, connections, async () => {
    const reply = await client.post('/v1/jobs', SUBMIT_BODY);
    if (reply.status !== 202) throw new Error(`POST /v1/jobs answered ${reply.status}: ${reply.body.slice(0, 300)}`);
  });
  return jobs / ((performance.now() - started) / 1000);
}

async function submitBatches(client: HttpClient, body: string, batchSize: number, jobs: number, connections: number): Promise<number> {
  const requests = Math.ceil(jobs / batchSize);
  const started = performance.now();
  await runBounded(requests, connections, async () => {
    const reply = await client.post('/v1/jobs/batch', body);
    const answer = reply.status === 202 ? (JSON.parse(reply.body) as { accepted: number }) : undefined;
    if (answer?.accepted !== batchSize) throw new Error(`POST /v1/jobs/batch answered ${reply.status}: ${reply.body.slice(0, 300)}`);
  });
  return (requests * batchSize) / ((performance.now() - started) / 1000);
}
