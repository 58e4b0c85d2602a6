import { connect } from 'node:net';
import { servicePids } from './cpu.js';
import { freePort, startProcess, waitUntil, PROFILE_DIR, type BenchProcess } from './processes.js';
import { httpClient } from './http.js';
import { sumMetric } from './prometheus.js';

/** The fallback host (API; in embedded mode also the worker) and the worker container, built. */
export const API_HOST_SCRIPT = 'dist/functions/fallback-host/main.js';
export const WORKER_SCRIPT = 'dist/worker-container/main.js';

export const REDIS_URL = 'redis://127.0.0.1:6379';
export const RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672';

export interface BenchSettings {
  /** Jobs one worker runs at once; BullMQ gets the same. */
  workerConcurrency: number;
  /** Partitions per job topic. They bound how many workers get work, not jobs in flight. */
  partitions: number;
  /** How long the simulated provider takes per job: 0 for CPU-bound runs, hundreds of ms for I/O-bound. */
  providerDelayMs: number;
  logLevel: string;
  /** Names of processes to start under --cpu-prof (e.g. "api", "worker"). */
  profile: string[];
}

/** What every dtq process gets: the simulated provider at the run's delay and the bench's sizing. */
export function baseEnv(settings: BenchSettings): Record<string, string> {
  return {
    LOG_LEVEL: settings.logLevel,
    PROVIDER_MODE: 'simulated',
    SIMULATED_PROVIDER_DELAY_MS: String(settings.providerDelayMs),
    WORKER_CONCURRENCY: String(settings.workerConcurrency),
    KAFKA_TOPIC_PARTITIONS: String(settings.partitions),
    SERVE_WEB: 'false',
    SHUTDOWN_TIMEOUT_MS: '5000',
    // The load generator is one caller at thousands of requests a second: measured, not limited.
    API_RATE_LIMIT_PER_MINUTE: '0',
  };
}

/** Names no other run uses, so a run shares Redis and RabbitMQ safely and cleans up after itself. */
export function isolationEnv(runId: string): Record<string, string> {
  return {
    REDIS_KEY_PREFIX: `bench:${runId}:`,
    PROGRESS_REQUEST_QUEUE: `bench.${runId}.progress.check.request.v1`,
    KAFKA_CONSUMER_GROUP: `bench-${runId}`,
    KAFKA_TOPIC_TEMPLATE: `bench.${runId}.jobs.%s.v1`,
    KAFKA_CLIENT_ID: `bench-${runId}`,
    MONGODB_DATABASE: `bench_${runId.replace(/-/g, '_')}`,
  };
}

function profileFlags(settings: BenchSettings, role: string, name: string): string[] {
  if (!settings.profile.includes(role)) return [];
  return ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, `--cpu-prof-name=${name}.cpuprofile`];
}

export interface HttpService {
  proc: BenchProcess;
  baseUrl: string;
}

export interface WorkerProgress {
  /** Jobs taken to a durable outcome (result stored, final status written). */
  processed: number;
  /** Jobs being processed at the moment of the scrape. */
  inFlight: number;
}

/** What a worker reports in its /metrics: jobs done and jobs in flight. */
export async function workerProgress(metricsUrl: string): Promise<WorkerProgress> {
  const client = httpClient(metricsUrl, 1);
  try {
    const reply = await client.get('/metrics');
    if (reply.status !== 200) throw new Error(`worker /metrics answered ${reply.status}`);
    return { processed: sumMetric(reply.body, 'dtq_worker_jobs_processed_total'), inFlight: sumMetric(reply.body, 'dtq_worker_jobs_in_flight') };
  } finally {
    client.close();
  }
}


async function answers(url: string, path: string): Promise<true | undefined> {
  const client = httpClient(url, 1);
  try {
    return (await client.get(path)).status === 200 ? true : undefined;
  } finally {
    client.close();
  }
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export function portOpen(port: number): Promise<true | undefined> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(undefined));
  });
}

/** The API host with its in-process worker (no KAFKA_BROKERS), on the in-memory adapters. */
export async function startEmbeddedHost(settings: BenchSettings, name: string): Promise<HttpService & { metricsUrl: string }> {
  const [port, metricsPort] = [await freePort(), await freePort()];
  const proc = startProcess({
    name,
    script: API_HOST_SCRIPT,
    env: { ...baseEnv(settings), PORT: String(port), WORKER_METRICS_PORT: String(metricsPort) },
    nodeFlags: profileFlags(settings, 'api', name),
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitUntil(`${name} /readyz`, () => answers(baseUrl, '/readyz'), { timeoutMs: 30_000, watch: [proc] });
  return { proc, baseUrl, metricsUrl: `http://127.0.0.1:${metricsPort}` };
}

/**
 * The real servers `npm run -s services:up` runs (or whatever the environment points at): Kafka
 * and the MongoDB-wire server join Redis and RabbitMQ in services mode.
 */
export const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
export const MONGODB_URI = process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017/';

/** Every service variable set, with topics, group, keys, queue and database of this run's own. */
export function servicesEnv(settings: BenchSettings, runId: string): Record<string, string> {
  return { ...baseEnv(settings), ...isolationEnv(runId), REDIS_URL, RABBITMQ_URL, KAFKA_BROKERS, MONGODB_URI };
}

/** The API host alone (KAFKA_BROKERS is set, so it runs no worker). */
export async function startServicesApi(settings: BenchSettings, env: Record<string, string>, name: string): Promise<HttpService> {
  const port = await freePort();
  const proc = startProcess({
    name,
    script: API_HOST_SCRIPT,
    env: { ...env, PORT: String(port), WORKER_METRICS_PORT: String(await freePort()) },
    nodeFlags: profileFlags(settings, 'api', name),
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitUntil(`${name} /readyz`, () => answers(baseUrl, '/readyz'), { timeoutMs: 60_000, watch: [proc] });
  return { proc, baseUrl };
}

/** The worker container process; `waitReady: false` returns as soon as it is spawned. */
export async function startServicesWorker(
  settings: BenchSettings,
  env: Record<string, string>,
  name: string,
  options: { waitReady: boolean } = { waitReady: true },
): Promise<HttpService> {
  const port = await freePort();
  const proc = startProcess({
    name,
    script: WORKER_SCRIPT,
    env: { ...env, WORKER_METRICS_PORT: String(port) },
    nodeFlags: profileFlags(settings, 'worker', name),
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  if (options.waitReady) await waitUntil(`${name} /readyz`, () => answers(baseUrl, '/readyz'), { timeoutMs: 60_000, watch: [proc] });
  return { proc, baseUrl };
}

export interface ServicesStack {
  label: string;
  apiUrl: string;
  /** One per worker process of the consumer group. */
  workerMetricsUrls: string[];
  processes: BenchProcess[];
  /** Every process of the stack and of the servers it uses, by label. */
  cpuPids: Record<string, number>;
  stop(): Promise<void>;
}

const SERVICES_LABEL = 'dtq services (Redis, RabbitMQ, Kafka, FerretDB on PostgreSQL; API and worker processes)';

/** The API host and `workers` worker containers (one consumer group), each its own process. */
export async function startServicesStack(
  settings: BenchSettings,
  env: Record<string, string>,
  name: string,
  options: { workers: number } = { workers: 1 },
): Promise<ServicesStack> {
  const api = await startServicesApi(settings, env, `${name}-api`);
  const processes = [api.proc];
  const stop = async () => void (await Promise.all(processes.map((proc) => proc.stop())));
  const workers: HttpService[] = [];
  try {
    for (let w = 0; w < options.workers; w++) {
      const worker = await startServicesWorker(settings, env, `${name}-worker-${w + 1}`);
      workers.push(worker);
      processes.push(worker.proc);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const workerPids = Object.fromEntries(workers.map((w, i) => [workers.length === 1 ? 'worker' : `worker ${i + 1}`, w.proc.pid]));
  return {
    label: SERVICES_LABEL,
    apiUrl: api.baseUrl,
    workerMetricsUrls: workers.map((w) => w.baseUrl),
    processes,
    cpuPids: { api: api.proc.pid, ...workerPids, ...servicePids() },
    stop,
  };
}
