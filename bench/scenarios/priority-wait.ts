import { startServicesApi, startServicesWorker, workerProgress, KAFKA_BROKERS, type BenchSettings, type HttpService } from '../lib/dtq-stack.js';
import { httpClient, runBounded, type HttpClient } from '../lib/http.js';
import { SUBMIT_BODY, WEATHER_PAYLOAD } from '../lib/job-body.js';
import { waitForStableGroup } from '../lib/kafka-group.js';
import { waitUntil } from '../lib/processes.js';
import { round, spread, type Spread } from '../lib/stats.js';

export interface PriorityWaitResult {
  /** Normal jobs on Kafka when the high jobs were submitted. */
  backlog: number;
  /** High jobs measured on each side, one at a time. */
  samples: number;
  concurrency: number;
  providerDelayMs: number;
  /** Milliseconds from a high job's submit to its start, with nothing else waiting. */
  idleWaitMs: Spread;
  /** The same, with the normal backlog waiting. */
  backlogWaitMs: Spread;
  /** Median wait behind the backlog over the median idle wait. */
  ratio: number;
  /** Normal jobs of the backlog still waiting when the last high job started. */
  backlogLeft: number;
  /** How long the last normal job of the backlog waits at the ideal pace (concurrency / delay): what first come, first served would make a high job wait. */
  fifoWaitEstimateMs: number;
}

const HIGH_BODY = JSON.stringify({ job_type: 'weather', payload: WEATHER_PAYLOAD, priority: 'high' });

/** Submits one high job and waits for it to start; its wait is read from its milestones (submitted at 0 %, started at 20 %). */
async function highJobWait(client: HttpClient): Promise<number> {
  const reply = await client.post('/v1/jobs', HIGH_BODY);
  if (reply.status !== 202) throw new Error(`high submit answered ${reply.status}: ${reply.body}`);
  const jobId = (JSON.parse(reply.body) as { job_id: string }).job_id;
  return waitUntil(
    `high job ${jobId} to start`,
    async () => {
      const status = await client.get(`/v1/jobs/${jobId}/status`);
      if (status.status !== 200) return undefined;
      const milestones = (JSON.parse(status.body) as { milestones?: Record<string, string> }).milestones ?? {};
      return milestones['0'] && milestones['20'] ? Date.parse(milestones['20']) - Date.parse(milestones['0']) : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 20 },
  );
}

async function samplesOf(client: HttpClient, count: number): Promise<number[]> {
  const waits: number[] = [];
  for (let i = 0; i < count; i++) waits.push(await highJobWait(client));
  return waits;
}

/**
 * A high job's wait from submit to start with a worker that has nothing else to do, then with a
 * backlog of normal jobs waiting: the backlog is submitted with no worker running, a new worker
 * takes it in hand, and once it runs the backlog high jobs are submitted one at a time. The
 * results stay in the worker's memory (no MONGODB_URI): the wait is the queue's and the worker's.
 */
export async function runPriorityWait(
  settings: BenchSettings,
  options: { env: Record<string, string>; backlog: number; samples: number; inFlight: number },
): Promise<PriorityWaitResult> {
  const { MONGODB_URI: _results, ...env } = options.env;
  const api = await startServicesApi(settings, env, 'priority-api');
  const client = httpClient(api.baseUrl, options.inFlight);
  const running: HttpService[] = [];
  const startWorker = async (name: string) => {
    const worker = await startServicesWorker(settings, env, name);
    running.push(worker);
    await waitForStableGroup({ brokers: KAFKA_BROKERS, groupId: env.KAFKA_CONSUMER_GROUP!, members: 1, watch: [worker.proc] });
    return worker;
  };
  try {
    const idle = await startWorker('priority-worker-idle');
    await samplesOf(client, 1); // warm-up, not measured
    const idleWaits = await samplesOf(client, options.samples);
    await idle.proc.stop();

    await runBounded(options.backlog, options.inFlight, async (index) => {
      const reply = await client.post('/v1/jobs', SUBMIT_BODY);
      if (reply.status !== 202) throw new Error(`submit ${index} answered ${reply.status}: ${reply.body}`);
    });
    const busy = await startWorker('priority-worker-busy');
    const processed = async () => (await workerProgress(busy.baseUrl)).processed;
    await waitUntil('the worker to run the backlog', async () => ((await processed()) > 0 ? true : undefined), { timeoutMs: 120_000, intervalMs: 20, watch: [busy.proc] });
    const backlogWaits = await samplesOf(client, options.samples);
    const doneAtEnd = await processed();
    const backlogLeft = Math.max(0, options.backlog - doneAtEnd);
    const idleWaitMs = spread(idleWaits.map((ms) => round(ms, 0)));
    const backlogWaitMs = spread(backlogWaits.map((ms) => round(ms, 0)));
    return {
      backlog: options.backlog,
      samples: options.samples,
      concurrency: settings.workerConcurrency,
      providerDelayMs: settings.providerDelayMs,
      idleWaitMs,
      backlogWaitMs,
      ratio: round(backlogWaitMs.median / Math.max(idleWaitMs.median, 1), 2),
      backlogLeft,
      fifoWaitEstimateMs: round((backlogLeft * settings.providerDelayMs) / settings.workerConcurrency, 0),
    };
  } finally {
    client.close();
    await Promise.all([api.proc.stop(), ...running.map((worker) => worker.proc.stop())]);
  }
}
