/**
 * The whole job flow as separate built processes on the real servers, for tests that break the
 * group or the broker: one API and any number of workers in one consumer group, with topics,
 * group, Redis prefix, progress queue and MongoDB database of their own, so runs never meet.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { IDEMPOTENCY_KEY_HEADER, RESULT_COLLECTION } from '../../contracts/index.js';
import { jobTopics } from '../../core/domain/index.js';
import { postJson, weatherJob } from './http-client.js';
import { REPO_ROOT, freePort, startNode, type RunningChild } from './processes.js';
import { TEST_KAFKA_BROKERS, TEST_MONGODB_URI, TEST_REDIS_URL } from './services.js';
import { servicesMode } from './services-mode.js';
import { waitFor } from './wait-for.js';

const API_ENTRY = join(REPO_ROOT, 'dist/functions/fallback-host/main.js');
const WORKER_ENTRY = join(REPO_ROOT, 'dist/worker-container/main.js');

export interface JobStackOptions {
  /** Names the run's topics, group, keys, queue and database. */
  name: string;
  brokers?: string[];
  partitions?: number;
  providerDelayMs: number;
  concurrency?: number;
  sessionTimeoutMs?: number;
  /** Environment added to the API's and every worker's. */
  env?: Record<string, string>;
}

export interface StackWorker {
  name: string;
  process: RunningChild;
  /** http://127.0.0.1:PORT of its health and metrics port. */
  base: string;
}

export interface JobStack {
  readonly apiBase: string;
  readonly groupId: string;
  readonly topics: string[];
  readonly workers: StackWorker[];
  /** The run's MongoDB database, for reading what the stores hold. */
  readonly database: string;
  /** Starts a worker; `env` is added to its environment (e.g. KAFKA_BROKERS through a proxy). */
  startWorker(name: string, env?: Record<string, string>): Promise<StackWorker>;
  /** Waits until the group is stable with exactly `members` members. */
  waitForGroup(members: number, timeoutMs?: number): Promise<void>;
  /** Submits `count` weather jobs at once; every one must be accepted. Returns their ids. */
  submit(count: number, label: string): Promise<string[]>;
  /**
   * Submits one weather job as a careful client does: on 503 it asks again with the same
   * Idempotency-Key until accepted. Returns the job id and the statuses of the refused attempts.
   */
  submitUntilAccepted(city: string, timeoutMs: number, onRefused?: (status: number) => void): Promise<{ jobId: string; refused: number[] }>;
  /** Job ids by MongoDB result document count, for the given jobs (0 when none). */
  resultCounts(ids: string[]): Promise<Map<string, number>>;
  /** Waits until every job has a result, then checks one document each, completed, and Redis says completed. */
  expectAllCompletedOnce(ids: string[], timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts the API (workers come with startWorker). */
export async function startJobStack(options: JobStackOptions): Promise<JobStack> {
  for (const entry of [API_ENTRY, WORKER_ENTRY]) {
    if (!existsSync(entry)) throw new Error(`${entry} is missing: run npm run build:server first (npm test does)`);
  }
  const brokers = options.brokers ?? TEST_KAFKA_BROKERS;
  const run = servicesMode(options.name, { brokers });
  const [groupId, template, keyPrefix, database] = (['KAFKA_CONSUMER_GROUP', 'KAFKA_TOPIC_TEMPLATE', 'REDIS_KEY_PREFIX', 'MONGODB_DATABASE'] as const).map(
    (name) => run.env[name]!,
  ) as [string, string, string, string];
  const unique = run.id;
  const services: Record<string, string> = {
    ...run.env,
    KAFKA_TOPIC_PARTITIONS: String(options.partitions ?? 6),
    ...(options.sessionTimeoutMs ? { KAFKA_SESSION_TIMEOUT_MS: String(options.sessionTimeoutMs) } : {}),
    SIMULATED_PROVIDER_DELAY_MS: String(options.providerDelayMs),
    WORKER_CONCURRENCY: String(options.concurrency ?? 4),
    SHUTDOWN_TIMEOUT_MS: '5000',
    LOG_LEVEL: 'info',
    ...options.env,
  };
  const mongo = new MongoClient(TEST_MONGODB_URI);
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true });
  await redis.connect();
  const results = () => mongo.db(database).collection(RESULT_COLLECTION);
  const workers: StackWorker[] = [];
  const apiPort = await freePort();
  const api = startNode(API_ENTRY, { ...services, PORT: String(apiPort), SERVE_WEB: 'false' });
  const apiBase = `http://127.0.0.1:${apiPort}`;
  const stack: JobStack = {
    apiBase,
    groupId,
    topics: jobTopics(template),
    workers,
    database,

    async startWorker(name, env = {}) {
      const port = await freePort();
      const child = startNode(WORKER_ENTRY, { ...services, ...env, WORKER_METRICS_PORT: String(port) });
      const worker = { name, process: child, base: `http://127.0.0.1:${port}` };
      workers.push(worker);
      await child.waitForLine(/worker started/, 60_000);
      return worker;
    },

    async waitForGroup(members, timeoutMs = 45_000) {
      await waitFor(
        async () => {
          const group = await withAdmin(brokers, (admin) => admin.describeGroups([groupId]));
          const { state, members: joined } = group.groups[0]!;
          return state === 'Stable' && joined.length === members ? true : undefined;
        },
        { timeoutMs, intervalMs: 200, what: `group ${groupId} stable with ${members} members` },
      );
    },

    async submit(count, label) {
      const responses = await Promise.all(Array.from({ length: count }, (_, i) => postJson(`${apiBase}/v1/jobs`, weatherJob(`${label} ${i}`))));
      const refused = responses.filter((r) => r.status !== 202);
      if (refused.length > 0) throw new Error(`${refused.length} of ${count} submits refused: ${JSON.stringify(refused[0]!.body)}`);
      return responses.map((r) => r.body.job_id as string);
    },

    async submitUntilAccepted(city, timeoutMs, onRefused) {
      const headers = { [IDEMPOTENCY_KEY_HEADER]: randomUUID() };
      const refused: number[] = [];
      const jobId = await waitFor(
        async () => {
          const response = await postJson(`${apiBase}/v1/jobs`, weatherJob(city), headers);
          if (response.status === 202) return response.body.job_id as string;
          refused.push(response.status);
          onRefused?.(response.status);
          return undefined;
        },
        { timeoutMs, intervalMs: 250, what: `the submit of ${city} to be accepted` },
      );
      return { jobId, refused };
    },

    async resultCounts(ids) {
      const counts = new Map(ids.map((id) => [id, 0]));
      const docs = await results().find({ job_id: { $in: ids } }, { projection: { _id: 0, job_id: 1 } }).toArray();
      for (const doc of docs) counts.set(doc.job_id as string, (counts.get(doc.job_id as string) ?? 0) + 1);
      return counts;
    },

    async expectAllCompletedOnce(ids, timeoutMs) {
      await waitFor(
        async () => {
          const missing = [...(await stack.resultCounts(ids))].filter(([, n]) => n === 0);
          return missing.length === 0 ? true : undefined;
        },
        { timeoutMs, intervalMs: 250, what: `results of all ${ids.length} jobs (group ${groupId})` },
      );
      const docs = await results().find({}, { projection: { _id: 0, job_id: 1, final_state: 1 } }).toArray();
      const perJob = new Map<string, number>();
      for (const doc of docs) perJob.set(doc.job_id as string, (perJob.get(doc.job_id as string) ?? 0) + 1);
      const duplicated = [...perJob].filter(([, n]) => n > 1);
      if (duplicated.length > 0) throw new Error(`jobs with more than one result document: ${JSON.stringify(duplicated)}`);
      const notCompleted = docs.filter((d) => d.final_state !== 'completed');
      if (notCompleted.length > 0) throw new Error(`results not completed: ${JSON.stringify(notCompleted)}`);
      const unknown = [...perJob.keys()].filter((id) => !ids.includes(id));
      if (unknown.length > 0) throw new Error(`results of jobs never submitted: ${unknown.join(', ')}`);
      const states = await Promise.all(ids.map((id) => redis.hget(`${keyPrefix}job:${id}:status`, 'state')));
      const notDone = ids.filter((_, i) => states[i] !== 'completed');
      if (notDone.length > 0) throw new Error(`Redis status not completed for ${notDone.length} jobs, e.g. ${notDone[0]}: ${states[ids.indexOf(notDone[0]!)]}`);
    },

    async close() {
      // DTQ_TEST_LOG_DIR keeps every process's output, for reading a failed run afterwards.
      const logDir = process.env.DTQ_TEST_LOG_DIR;
      if (logDir) {
        mkdirSync(logDir, { recursive: true });
        for (const { name, process: child } of [...workers, { name: 'api', process: api }]) {
          writeFileSync(join(logDir, `${unique}-${name}.log`), [...child.lines, ...child.stderr].join('\n'));
        }
      }
      // SIGCONT first: a stopped process acts on no signal but SIGKILL until it runs again.
      // SIGTERM lets a worker leave the group at once, so the group can be deleted.
      await Promise.all([...workers.map((w) => w.process), api].map((running) => stopWithin(running, 10_000)));
      await mongo.close().catch(() => undefined);
      redis.disconnect();
      await run.cleanup();
    },
  };
  await api.waitForLine(/dtq API ready/, 60_000);
  return stack;
}

async function withAdmin<T>(brokers: string[], use: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = new Kafka({ clientId: 'dtq-test-admin', brokers, logLevel: logLevel.NOTHING, retry: { retries: 2 } }).admin();
  await admin.connect();
  try {
    return await use(admin);
  } finally {
    await admin.disconnect();
  }
}

/** SIGTERM, and SIGKILL if the process has not exited within `timeoutMs`. */
async function stopWithin(running: RunningChild, timeoutMs: number): Promise<void> {
  if (running.child.exitCode !== null || running.child.signalCode !== null) return;
  running.child.kill('SIGCONT');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), timeoutMs)));
  const outcome = await Promise.race([running.stop('SIGTERM'), late]);
  clearTimeout(timer);
  if (outcome === 'late') await running.stop('SIGKILL');
}

/** Sum of a metric's samples on a worker's /metrics, over all label sets matching `labels`. */
export async function metricValue(worker: StackWorker, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await fetch(`${worker.base}/metrics`).then((r) => r.text());
  let sum = 0;
  for (const match of text.matchAll(new RegExp(`^${name}(?:\\{([^}]*)\\})? (\\S+)$`, 'gm'))) {
    const set = match[1] ?? '';
    if (Object.entries(labels).every(([k, v]) => set.includes(`${k}="${v}"`))) sum += Number(match[2]);
  }
  return sum;
}

/** Job ids of a worker's log lines whose message contains `text`, logged before `before` (epoch ms) if given. */
export function jobsLogged(worker: StackWorker, text: string, before = Infinity): Set<string> {
  const ids = new Set<string>();
  for (const line of worker.process.lines) {
    try {
      const entry = JSON.parse(line) as { msg?: string; job_id?: string; time?: string };
      if (entry.job_id && entry.msg?.includes(text) && Date.parse(entry.time ?? '') < before) ids.add(entry.job_id);
    } catch {
      // not a log line
    }
  }
  return ids;
}

/** Jobs a worker has settled (run to a result, or found done already), by its log. */
export function jobsSettled(worker: StackWorker, before = Infinity): Set<string> {
  return new Set([...jobsLogged(worker, 'job finished', before), ...jobsLogged(worker, 'not executing it again', before)]);
}

/** Jobs a worker has started and not settled, by its log (up to `before`, epoch ms, if given). */
export function jobsRunning(worker: StackWorker, before = Infinity): string[] {
  const settled = jobsSettled(worker, before);
  return [...jobsLogged(worker, 'job running', before)].filter((id) => !settled.has(id));
}

/** Waits until the worker has at least `atLeast` jobs in flight (its own gauge), and returns their ids. */
export async function waitForJobsInFlight(worker: StackWorker, atLeast = 1, timeoutMs = 30_000): Promise<string[]> {
  return waitFor(
    async () => {
      const inFlight = await metricValue(worker, 'dtq_worker_jobs_in_flight');
      const running = jobsRunning(worker);
      return inFlight >= atLeast && running.length >= atLeast ? running : undefined;
    },
    { timeoutMs, intervalMs: 25, what: `${worker.name} to have ${atLeast} job(s) in flight` },
  );
}
