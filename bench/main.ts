// `npm run bench`: dtq beside a bare node:http server and BullMQ, on this machine, in one run.
// Writes bench/results/latest.json and the results block of docs/benchmarks.md.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cleanUpRun } from './lib/cleanup.js';
import {
  isolationEnv,
  startEmbeddedHost,
  startServicesApi,
  startServicesStack,
  servicesEnv,
  type BenchSettings,
  type ServicesStack,
} from './lib/dtq-stack.js';
import { REPO_ROOT, RESULTS_DIR } from './lib/processes.js';
import { round, spread } from './lib/stats.js';
import { writeMarkdown } from './report/markdown.js';
import type { BenchResults, EndToEndSeries } from './report/results.js';
import { checkTargets } from './report/targets.js';
import { runBullmqEndToEnd } from './scenarios/bullmq.js';
import { runDtqEndToEnd, type EndToEndResult } from './scenarios/end-to-end.js';
import { runStatusLatency } from './scenarios/status-latency.js';
import { runSubmitThroughput } from './scenarios/submit-throughput.js';
import { runWorkerMemory } from './scenarios/worker-memory.js';

/** `e2e` is the three end-to-end parts together; each can also be chosen alone. */
const SCENARIOS = ['submit', 'e2e', 'embedded', 'services', 'bullmq', 'status', 'memory'] as const;

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    jobs: { type: 'string' },
    'in-flight': { type: 'string', default: '64' },
    connections: { type: 'string', default: '50' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    'submit-rounds': { type: 'string' },
    'e2e-rounds': { type: 'string' },
    'status-requests': { type: 'string' },
    concurrency: { type: 'string', default: '8' },
    'log-level': { type: 'string', default: 'info' },
    profile: { type: 'string', default: '' },
    out: { type: 'string', default: join(RESULTS_DIR, 'latest.json') },
    docs: { type: 'string', default: join(REPO_ROOT, 'docs', 'benchmarks.md') },
    'no-docs': { type: 'boolean', default: false },
  },
});

const quick = args.quick;
const int = (value: string | undefined, fallback: number) => (value === undefined ? fallback : Number.parseInt(value, 10));
const only = new Set((args.only ?? SCENARIOS.join(',')).split(',').map((s) => s.trim()));
for (const name of only) if (!(SCENARIOS as readonly string[]).includes(name)) throw new Error(`--only: unknown scenario ${name}; use ${SCENARIOS.join(',')}`);

const jobs = int(args.jobs, quick ? 500 : 10_000);
const inFlight = int(args['in-flight'], 64);
const settings: BenchSettings = {
  workerConcurrency: int(args.concurrency, 8),
  partitions: int(args.concurrency, 8),
  logLevel: args['log-level'],
  profile: args.profile ? args.profile.split(',') : [],
};
const submitOptions = {
  connections: int(args.connections, 50),
  durationSeconds: int(args.duration, quick ? 2 : 10),
  warmupSeconds: int(args.warmup, quick ? 1 : 3),
  rounds: int(args['submit-rounds'], quick ? 1 : 2),
};
const e2eRounds = int(args['e2e-rounds'], quick ? 1 : 2);
const statusRequests = int(args['status-requests'], quick ? 1_000 : 10_000);
const runId = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;

function version(pkg: string): string {
  try {
    return (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

const log = (line: string) => process.stdout.write(`${line}\n`);
const started = performance.now();
const results: BenchResults = {
  machine: {
    date: new Date().toISOString(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    node: process.version,
    loadBefore: loadavg()[0]!,
    loadAfter: 0,
    commit: commit(),
    versions: { autocannon: version('autocannon'), bullmq: version('bullmq'), ioredis: version('ioredis'), kafkajs: version('kafkajs'), mongodb: version('mongodb') },
  },
  settings: { jobs, inFlight, ...settings, submit: submitOptions, e2eRounds, statusRequests, statusLevels: [50, 200] },
  endToEnd: { ratios: {} },
  notMeasured: {},
  durationSeconds: 0,
};

/** Runs one part; a failure is recorded as "not measured" with its reason and the run goes on. */
async function attempt(key: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0]!;
    results.notMeasured[key] = reason;
    log(`  ${key} not measured: ${(error as Error).message}`);
  }
}

log(`dtq bench ${runId}: ${results.machine.cores} × ${results.machine.cpuModel}, Node ${process.version}, load ${results.machine.loadBefore.toFixed(2)}`);

if (only.has('submit')) {
  log(`submit throughput: ${submitOptions.connections} connections, ${submitOptions.durationSeconds} s × ${submitOptions.rounds} rounds`);
  await attempt('submit', async () => {
    results.submit = await runSubmitThroughput(settings, submitOptions);
  });
}

let servicesJobIds: string[] = [];
const statusKeyPrefix = isolationEnv(runId).REDIS_KEY_PREFIX!;
const runs: Record<'embedded' | 'services' | 'bullmq', EndToEndResult[]> = { embedded: [], services: [], bullmq: [] };

let servicesLabel = '';
const e2eParts = {
  embedded: only.has('e2e') || only.has('embedded'),
  services: only.has('e2e') || only.has('services'),
  bullmq: only.has('e2e') || only.has('bullmq'),
};
if (e2eParts.embedded || e2eParts.services || e2eParts.bullmq || only.has('status')) {
  log(`end to end: ${jobs} jobs, ${inFlight} in flight, ${e2eRounds} rounds`);
  let services: ServicesStack | undefined;
  if (e2eParts.services || only.has('status')) await attempt('endToEnd.services', async () => {
    services = await startServicesStack(settings, servicesEnv(settings, runId), 'e2e');
    servicesLabel = services.label;
  });
  try {
    for (let r = 0; r < e2eRounds; r++) {
      if (e2eParts.embedded) await attempt('endToEnd.embedded', async () => {
        const host = await startEmbeddedHost(settings, `e2e-embedded-${r}`);
        try {
          const { result } = await runDtqEndToEnd({
            apiUrl: host.baseUrl,
            workerMetricsUrl: host.metricsUrl,
            jobs,
            inFlight,
            watch: [host.proc],
            cpuPids: { 'api + worker': host.proc.pid },
          });
          runs.embedded.push(result);
          log(`  dtq embedded: ${result.jobsPerSecond} jobs/s (${result.seconds} s)`);
        } finally {
          await host.proc.stop();
        }
      });
      if (services && e2eParts.services) {
        const stack = services;
        await attempt('endToEnd.services', async () => {
          const { result, jobIds } = await runDtqEndToEnd({
            apiUrl: stack.apiUrl,
            workerMetricsUrl: stack.workerMetricsUrl,
            jobs,
            inFlight,
            watch: stack.processes,
            cpuPids: stack.cpuPids,
          });
          runs.services.push(result);
          servicesJobIds = jobIds;
          log(`  dtq services: ${result.jobsPerSecond} jobs/s (${result.seconds} s)`);
        });
      }
      if (e2eParts.bullmq) await attempt('endToEnd.bullmq', async () => {
        const result = await runBullmqEndToEnd(settings, { runId: `${runId}-${r}`, jobs, inFlight });
        runs.bullmq.push(result);
        log(`  BullMQ: ${result.jobsPerSecond} jobs/s (${result.seconds} s)`);
      });
    }
    if (only.has('status')) {
      await attempt('statusLatency', async () => {
        if (!services) throw new Error(results.notMeasured['endToEnd.services'] ?? 'the services stack did not start');
        const stack = services;
        if (servicesJobIds.length === 0) {
          const { jobIds } = await runDtqEndToEnd({
            apiUrl: stack.apiUrl,
            workerMetricsUrl: stack.workerMetricsUrl,
            jobs: Math.min(jobs, 2_000),
            inFlight,
            watch: stack.processes,
            cpuPids: stack.cpuPids,
          });
          servicesJobIds = jobIds;
        }
        log(`status latency: ${statusRequests} requests per level (${stack.label})`);
        results.statusLatencyLabel = stack.label;
        results.statusLatency = await runStatusLatency({
          apiUrl: stack.apiUrl,
          jobIds: servicesJobIds,
          redisKeyPrefix: statusKeyPrefix,
          levels: [50, 200],
          requests: statusRequests,
          warmupRequests: Math.min(1_000, statusRequests),
          cpuPids: stack.cpuPids,
        });
      });
    }
  } finally {
    await services?.stop();
  }
}

const series = (label: string, list: EndToEndResult[]): EndToEndSeries | undefined =>
  list.length === 0 ? undefined : { label, ...spread(list.map((x) => x.jobsPerSecond)), details: list };
results.endToEnd.embedded = series('dtq embedded (in-memory adapters, one process)', runs.embedded);
results.endToEnd.services = series(servicesLabel, runs.services);
results.endToEnd.bullmq = series('BullMQ (same Redis, worker process)', runs.bullmq);
const bull = results.endToEnd.bullmq?.median;
if (bull) {
  if (results.endToEnd.services) results.endToEnd.ratios['dtq services / BullMQ'] = round(results.endToEnd.services.median / bull, 3);
  if (results.endToEnd.embedded) results.endToEnd.ratios['dtq embedded / BullMQ'] = round(results.endToEnd.embedded.median / bull, 3);
}

/** The worker as it starts by default, and with V8's old space capped: how much is garbage. */
const MEMORY_VARIANTS = [
  { key: 'workerMemory', nodeOptions: '' },
  { key: 'workerMemoryCappedHeap', nodeOptions: '--max-old-space-size=96' },
] as const;

if (only.has('memory')) {
  for (const variant of MEMORY_VARIANTS) {
    log(`worker memory: ${jobs}-job backlog${variant.nodeOptions ? `, NODE_OPTIONS=${variant.nodeOptions}` : ''}`);
    await attempt(variant.key, async () => {
      const memoryRunId = `${runId}-${variant.key}`;
      const env = servicesEnv(settings, memoryRunId);
      try {
        const api = await startServicesApi(settings, env, 'memory-api');
        try {
          const workerEnv = variant.nodeOptions ? { ...env, NODE_OPTIONS: variant.nodeOptions } : env;
          const result = await runWorkerMemory(settings, { apiUrl: api.baseUrl, env: workerEnv, backlog: jobs, inFlight });
          results[variant.key] = { ...result, nodeOptions: variant.nodeOptions };
          log(`  worker peak RSS ${result.peakRssMb} MB, drained in ${result.drainSeconds} s`);
        } finally {
          await api.proc.stop();
        }
      } finally {
        await cleanUpRun(isolationEnv(memoryRunId));
      }
    });
  }
}

await cleanUpRun(isolationEnv(runId)).catch((error: unknown) =>
  log(`cleanup failed: ${(error as Error).message}`),
);

results.machine.loadAfter = loadavg()[0]!;
results.durationSeconds = round((performance.now() - started) / 1000, 1);
mkdirSync(RESULTS_DIR, { recursive: true });
writeFileSync(args.out, `${JSON.stringify(results, null, 2)}\n`);
if (!args['no-docs'] && !quick) writeMarkdown(args.docs, results);
log('');
for (const check of checkTargets(results)) {
  log(`${check.met === undefined ? 'not measured' : check.met ? 'met   ' : 'MISSED'}  ${check.name}: ${check.result} (target ${check.target})`);
}
for (const [key, reason] of Object.entries(results.notMeasured)) log(`not measured: ${key}: ${reason}`);
log(`results: ${args.out}${!args['no-docs'] && !quick ? ` and ${args.docs}` : ''} (${results.durationSeconds} s)`);
