import { connect } from 'node:net';
import { servicePids } from './cpu.js';
import { freePort, startProcess, waitUntil, PROFILE_DIR, type BenchProcess } from './processes.js';
import { httpClient } from './http.js';
import { sumMetric } from './prometheus.js';

/** The fallback host (API; in embedded mode also the worker) and the worker container, built. */
export const API_HOST_SCRIPT = 'dist/functions/fallback-host/main.js';
export const WORKER_SCRIPT = 'dist/worker-container/main.js';
const KAFKA_EMULATOR_SCRIPT = 'scripts/emulators/kafka/main.ts';
const MONGO_EMULATOR_SCRIPT = 'scripts/emulators/mongo/main.ts';

export const REDIS_URL = 'redis://127.0.0.1:6379';
export const RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672';

export interface BenchSettings {
  /** Jobs one worker runs at once; BullMQ gets the same. */
  workerConcurrency: number;
  /** Partitions per job topic: at least the concurrency, or partitions cap it. */
  partitions: number;
  logLevel: string;
  /** Names of processes to start under --cpu-prof (e.g. "api", "worker"). */
  profile: string[];
}

/** What every dtq process gets: the simulated provider at zero delay and the bench's sizing. */
export function baseEnv(settings: BenchSettings): Record<string, string> {
  return {
    LOG_LEVEL: settings.logLevel,
    PROVIDER_MODE: 'simulated',
    SIMULATED_PROVIDER_DELAY_MS: '0',
    WORKER_CONCURRENCY: String(settings.workerConcurrency),
    KAFKA_TOPIC_PARTITIONS: String(settings.partitions),
    SERVE_WEB: 'false',
    SHUTDOWN_TIMEOUT_MS: '5000',
  };
}

/** Names no other run uses, so a run shares Redis and RabbitMQ safely and cleans up after itself. */
export function isolationEnv(runId: string): Record<string, string> {
  return {
    REDIS_KEY_PREFIX: `bench:${runId}:`,
    PROGRESS_REQUEST_QUEUE: `bench.${runId}.progress.check.request.v1`,
    KAFKA_CONSUMER_GROUP: `bench-${runId}`,
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

/** Counts jobs the worker has taken to a durable outcome, from its /metrics. */
export async function processedJobs(metricsUrl: string): Promise<number> {
  const client = httpClient(metricsUrl, 1);
  try {
    const reply = await client.get('/metrics');
    if (reply.status !== 200) throw new Error(`worker /metrics answered ${reply.status}`);
    return sumMetric(reply.body, 'dtq_worker_jobs_processed_total');
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

export interface Emulators {
  kafka: BenchProcess;
  mongo: BenchProcess;
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** The Kafka and MongoDB wire emulators, each its own process, on free ports. */
export async function startEmulators(settings: BenchSettings, name: string): Promise<Emulators> {
  const [kafkaPort, mongoPort] = [await freePort(), await freePort()];
  const kafka = startProcess({
    name: `${name}-kafka-emulator`,
    script: KAFKA_EMULATOR_SCRIPT,
    args: ['--port', String(kafkaPort), '--partitions', String(settings.partitions), '--quiet'],
    env: {},
  });
  const mongo = startProcess({ name: `${name}-mongo-emulator`, script: MONGO_EMULATOR_SCRIPT, args: ['--port', String(mongoPort), '--quiet'], env: {} });
  await waitUntil('Kafka emulator', () => portOpen(kafkaPort), { timeoutMs: 30_000, watch: [kafka] });
  await waitUntil('MongoDB emulator', () => portOpen(mongoPort), { timeoutMs: 30_000, watch: [mongo] });
  return {
    kafka,
    mongo,
    env: { KAFKA_BROKERS: `127.0.0.1:${kafkaPort}`, MONGODB_URI: `mongodb://127.0.0.1:${mongoPort}` },
    stop: async () => void (await Promise.all([kafka.stop(5_000), mongo.stop(5_000)])),
  };
}

/** Every service variable set: Redis and RabbitMQ on this machine, Kafka and MongoDB emulated. */
export function servicesEnv(settings: BenchSettings, runId: string, emulators: Emulators): Record<string, string> {
  return { ...baseEnv(settings), ...isolationEnv(runId), REDIS_URL, RABBITMQ_URL, ...emulators.env };
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
  workerMetricsUrl: string;
  processes: BenchProcess[];
  /** Every process of the stack, the emulators and the machine's Redis and RabbitMQ, by label. */
  cpuPids: Record<string, number>;
  stop(): Promise<void>;
}

const SERVICES_LABEL = 'dtq services (Redis, RabbitMQ, Kafka (emulator), MongoDB (emulator); API and worker processes)';

/** The API host and the worker container as two processes, on every service. */
export async function startServicesStack(
  settings: BenchSettings,
  env: Record<string, string>,
  name: string,
  emulatorPids: Record<string, number>,
): Promise<ServicesStack> {
  const api = await startServicesApi(settings, env, `${name}-api`);
  const worker = await startServicesWorker(settings, env, `${name}-worker`).catch(async (error: unknown) => {
    await api.proc.stop();
    throw error;
  });
  const processes = [api.proc, worker.proc];
  return {
    label: SERVICES_LABEL,
    apiUrl: api.baseUrl,
    workerMetricsUrl: worker.baseUrl,
    processes,
    cpuPids: { api: api.proc.pid, worker: worker.proc.pid, ...emulatorPids, ...servicePids() },
    stop: async () => void (await Promise.all(processes.map((proc) => proc.stop()))),
  };
}
