// `npm run bench`: dtq beside BullMQ, the ideal and bare node:http, on this machine's real
// servers, in one run. Writes bench/results/latest.json and the results block of docs/benchmarks.md.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cleanUpRun } from './lib/cleanup.js';
import { KAFKA_BROKERS, isolationEnv, servicesEnv, startServicesApi, startServicesStack, workerProgress, type BenchSettings, type ServicesStack } from './lib/dtq-stack.js';
import { waitForStableGroup } from './lib/kafka-group.js';
import { REPO_ROOT, RESULTS_DIR } from './lib/processes.js';
import { round, spread } from './lib/stats.js';
import { writeMarkdown } from './report/markdown.js';
import type { BenchResults, ThroughputSeries } from './report/results.js';
import { checkTargets } from './report/targets.js';
import { startBullmqStack } from './scenarios/bullmq.js';
import { runDelayedDue } from './scenarios/delayed-due.js';
import { runEndToEnd, type EndToEndResult } from './scenarios/end-to-end.js';
import { runStatusLatency } from './scenarios/status-latency.js';
import { runSubmitThroughput } from './scenarios/submit-throughput.js';
import { runWorkerMemory } from './scenarios/worker-memory.js';
import { runEventStreams } from './scenarios/event-streams.js';
import { UNREACHED_LIMITS_ENV, runTenantWait } from './scenarios/key-limits.js';
import { imageNodeOptions } from '../testkit/image-node-options.js';
import { runPriorityWait } from './scenarios/priority-wait.js';
import { runBatchSubmit } from './scenarios/batch-submit.js';

const SCENARIOS = ['io', 'scaleout', 'cpu', 'submit', 'status', 'memory', 'priority', 'streams', 'batch', 'keylimits', 'delayed'] as const;

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    'io-jobs': { type: 'string' },
    'cpu-jobs': { type: 'string' },
    'delay-ms': { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '50' },
    partitions: { type: 'string', default: '6' },
    'in-flight': { type: 'string', default: '64' },
    rounds: { type: 'string' },
    connections: { type: 'string', default: '50' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    'status-rate': { type: 'string', default: '500' },
    'status-requests': { type: 'string' },
    backlog: { type: 'string' },
    streams: { type: 'string' },
    'stream-write-rate': { type: 'string', default: '500' },
    'priority-backlog': { type: 'string' },
    'priority-samples': { type: 'string' },
    'batch-jobs': { type: 'string' },
    'due-jobs': { type: 'string' },
    'due-lead-ms': { type: 'string' },
    'log-level': { type: 'string', default: 'info' },
    'flood-jobs': { type: 'string' },
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

const concurrency = int(args.concurrency, 50);
const partitions = int(args.partitions, 6);
const delayMs = int(args['delay-ms'], 300);
const ioSettings: BenchSettings = { workerConcurrency: concurrency, partitions, providerDelayMs: delayMs, logLevel: args['log-level'], profile: args.profile ? args.profile.split(',') : [] };
const cpuSettings: BenchSettings = { ...ioSettings, providerDelayMs: 0 };
const ioJobs = int(args['io-jobs'], quick ? 300 : 2_000);
const cpuJobs = int(args['cpu-jobs'], quick ? 1_000 : 10_000);
const inFlight = int(args['in-flight'], 64);
const rounds = int(args.rounds, quick ? 1 : 2);
const submitOptions = {
  connections: int(args.connections, 50),
  durationSeconds: int(args.duration, quick ? 2 : 10),
  warmupSeconds: int(args.warmup, quick ? 1 : 3),
  rounds: quick ? 1 : 2,
};
const statusRate = int(args['status-rate'], 500);
const statusRequests = int(args['status-requests'], quick ? 1_000 : 10_000);
const backlog = int(args.backlog, quick ? 1_000 : 10_000);
const priorityBacklog = int(args['priority-backlog'], quick ? 500 : 5_000);
const prioritySamples = int(args['priority-samples'], quick ? 3 : 5);
const batchJobs = int(args['batch-jobs'], quick ? 2_000 : 10_000);
const dueJobs = int(args['due-jobs'], quick ? 1_000 : 10_000);
const dueLeadMs = int(args['due-lead-ms'], quick ? 10_000 : 45_000);
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
  settings: { concurrency, partitions, delayMs, ioJobs, cpuJobs, inFlight, rounds, submit: submitOptions, statusRate, statusRequests, backlog, priorityBacklog, prioritySamples },
  notMeasured: {},
  durationSeconds: 0,
};

/** Runs one part; a failure is recorded as "not measured" with its reason and the run goes on. */
async function attempt(key: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    results.notMeasured[key] = (error as Error).message.split('\n')[0]!;
    log(`  ${key} not measured: ${(error as Error).message}`);
  }
}

/** A dtq stack on the real servers with names of its own; removed with everything it made. */
async function withDtqStack<T>(settings: BenchSettings, name: string, workers: number, body: (stack: ServicesStack, env: Record<string, string>) => Promise<T>, extraEnv: Record<string, string> = {}): Promise<T> {
  const stackRunId = `${runId}-${name}`;
  const env = { ...servicesEnv(settings, stackRunId), ...extraEnv };
  try {
    const stack = await startServicesStack(settings, env, name, { workers });
    try {
      await waitForStableGroup({ brokers: KAFKA_BROKERS, groupId: env.KAFKA_CONSUMER_GROUP!, members: workers, watch: stack.processes });
      return await body(stack, env);
    } finally {
      await stack.stop();
    }
  } finally {
    await cleanUpRun(isolationEnv(stackRunId)).catch((error: unknown) => log(`cleanup of ${name} failed: ${(error as Error).message}`));
  }
}

const dtqProgress = (stack: ServicesStack) => async () => {
  const each = await Promise.all(stack.workerMetricsUrls.map(workerProgress));
  return { processed: each.reduce((sum, w) => sum + w.processed, 0), inFlight: each.reduce((sum, w) => sum + w.inFlight, 0) };
};
const runDtq = (stack: ServicesStack, jobs: number) =>
  runEndToEnd({ submitUrl: stack.apiUrl, progress: dtqProgress(stack), jobs, inFlight, watch: stack.processes, cpuPids: stack.cpuPids });

/** Jobs of the unmeasured warm-up round before a comparison: a tenth of a round, at least 100. */
const warmupJobs = (jobs: number) => Math.min(jobs, Math.max(100, Math.round(jobs / 10)));

const series = (label: string, list: EndToEndResult[]): ThroughputSeries | undefined =>
  list.length === 0 ? undefined : { label, ...spread(list.map((x) => x.jobsPerSecond)), details: list };

/** dtq (one worker) and BullMQ side by side, `rounds` times in alternating order. */
async function compare(key: 'io' | 'cpu', settings: BenchSettings, jobs: number): Promise<{ dtq: EndToEndResult[]; bullmq: EndToEndResult[]; dtqLabel: string; bullLabel: string }> {
  const out = { dtq: [] as EndToEndResult[], bullmq: [] as EndToEndResult[], dtqLabel: '', bullLabel: '' };
  await attempt(`${key}.dtq`, () =>
    withDtqStack(settings, key, 1, async (stack) => {
      out.dtqLabel = stack.label;
      const bull = await startBullmqStack(settings, { runId: `${runId}-${key}` });
      out.bullLabel = bull.label;
      try {
        // A fresh process runs its first jobs unoptimised and a fresh database has empty caches:
        // both sides do a round of warm-up that is not measured.
        const warmup = warmupJobs(jobs);
        await runDtq(stack, warmup);
        await runEndToEnd({ submitUrl: bull.submitUrl, progress: bull.progress, jobs: warmup, inFlight, watch: bull.processes, cpuPids: {} });
        for (let r = 0; r < rounds; r++) {
          const order = r % 2 === 0 ? (['dtq', 'bullmq'] as const) : (['bullmq', 'dtq'] as const);
          for (const system of order) {
            const { result } = system === 'dtq'
              ? await runDtq(stack, jobs)
              : await runEndToEnd({ submitUrl: bull.submitUrl, progress: bull.progress, jobs, inFlight, watch: bull.processes, cpuPids: bull.cpuPids });
            if (system === 'bullmq') await bull.checkNoFailures();
            out[system].push(result);
            log(`  ${key} ${system}: ${result.jobsPerSecond} jobs/s (${result.seconds} s${result.peakJobsInFlight === undefined ? '' : `, peak ${result.peakJobsInFlight} in flight`})`);
          }
        }
      } finally {
        await bull.stop();
      }
    }),
  );
  return out;
}

log(`dtq bench ${runId}: ${results.machine.cores} × ${results.machine.cpuModel}, Node ${process.version}, load ${results.machine.loadBefore.toFixed(2)}`);

if (only.has('io') || only.has('scaleout')) {
  results.io = { jobs: ioJobs, providerDelayMs: delayMs, concurrency, partitions, idealJobsPerSecond: round(concurrency / (delayMs / 1000), 1) };
  if (only.has('io')) {
    log(`I/O-bound: ${ioJobs} jobs, provider ${delayMs} ms, concurrency ${concurrency}, ${partitions} partitions, ${rounds} rounds`);
    const io = await compare('io', ioSettings, ioJobs);
    results.io.dtq = series(io.dtqLabel, io.dtq);
    results.io.bullmq = series(io.bullLabel, io.bullmq);
  }
  if (only.has('scaleout')) {
    log(`scale-out: the same with two worker processes in one consumer group`);
    const two: EndToEndResult[] = [];
    await attempt('io.dtqTwoWorkers', () =>
      withDtqStack(ioSettings, 'scaleout', 2, async (stack) => {
        await runDtq(stack, warmupJobs(ioJobs));
        for (let r = 0; r < rounds; r++) {
          const { result } = await runDtq(stack, ioJobs);
          two.push(result);
          log(`  two workers: ${result.jobsPerSecond} jobs/s (${result.seconds} s, peak ${result.peakJobsInFlight} in flight)`);
        }
      }),
    );
    results.io.dtqTwoWorkers = series('dtq services, two worker processes', two);
  }
}

if (only.has('cpu') || only.has('status')) {
  if (only.has('cpu')) {
    log(`CPU-bound: ${cpuJobs} jobs, provider 0 ms, concurrency ${concurrency}, ${rounds} rounds`);
    const cpu = await compare('cpu', cpuSettings, cpuJobs);
    results.cpu = { jobs: cpuJobs, providerDelayMs: 0, concurrency, partitions, dtq: series(cpu.dtqLabel, cpu.dtq), bullmq: series(cpu.bullLabel, cpu.bullmq) };
  }
  if (only.has('status')) {
    log(`status: open loop at ${statusRate}/s, ${statusRequests} requests`);
    await attempt('status', () =>
      withDtqStack(cpuSettings, 'status', 1, async (stack, env) => {
        const { jobIds } = await runDtq(stack, Math.min(cpuJobs, 2_000));
        results.status = {
          label: stack.label,
          ...(await runStatusLatency({
            apiUrl: stack.apiUrl,
            jobIds,
            redisKeyPrefix: env.REDIS_KEY_PREFIX!,
            ratePerSecond: statusRate,
            requests: statusRequests,
            warmupRequests: Math.min(1_000, statusRequests),
            cpuPids: stack.cpuPids,
          })),
        };
      }),
    );
  }
}

if (only.has('submit')) {
  log(`submit: ${submitOptions.connections} connections, ${submitOptions.durationSeconds} s × ${submitOptions.rounds} rounds`);
  await attempt('submit', async () => {
    const submitRunId = `${runId}-submit`;
    try {
      results.submit = await runSubmitThroughput(cpuSettings, servicesEnv(cpuSettings, submitRunId), { ...submitOptions, runId });
    } finally {
      await cleanUpRun(isolationEnv(submitRunId));
    }
  });
}

if (only.has('batch')) {
  log(`batch submit: ${batchJobs} jobs one by one vs in batches of 100, ${submitOptions.connections} requests in flight, ${rounds} round(s)`);
  await attempt('batch', async () => {
    const batchRunId = `${runId}-batch`;
    try {
      results.batch = await runBatchSubmit(cpuSettings, servicesEnv(cpuSettings, batchRunId), { jobs: batchJobs, batchSize: 100, connections: submitOptions.connections, rounds });
    } finally {
      await cleanUpRun(isolationEnv(batchRunId));
    }
  });
}

/** The worker as its image starts it (the target's row), and with node's own heap defaults. */
const MEMORY_VARIANTS = [
  { key: 'workerMemory', nodeOptions: imageNodeOptions() },
  { key: 'workerMemoryNodeDefaults', nodeOptions: '' },
] as const;

if (only.has('memory')) {
  for (const variant of MEMORY_VARIANTS) {
    log(`worker memory: ${backlog}-job backlog${variant.nodeOptions ? `, NODE_OPTIONS=${variant.nodeOptions}` : ''}`);
    await attempt(variant.key, async () => {
      const memoryRunId = `${runId}-${variant.key}`;
      const env = servicesEnv(cpuSettings, memoryRunId);
      try {
        const api = await startServicesApi(cpuSettings, env, 'memory-api');
        try {
          const workerEnv = variant.nodeOptions ? { ...env, NODE_OPTIONS: variant.nodeOptions } : env;
          const result = await runWorkerMemory(cpuSettings, { apiUrl: api.baseUrl, env: workerEnv, backlog, inFlight });
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

if (only.has('streams')) {
  const streams = int(args.streams, quick ? 200 : 1_000);
  const writesPerSecond = int(args['stream-write-rate'], 500);
  log(`event streams: ${streams} open SSE streams on one API process, milestones written at ${writesPerSecond}/s`);
  await attempt('streams', async () => {
    try {
      results.streams = await runEventStreams(cpuSettings, { runId, streams, writesPerSecond });
      const r = results.streams;
      log(`  API RSS ${r.rssNoStreamsMb} MB with no stream, ${r.rssStreamsOpenMb} MB with ${r.streams} open; delay p99 ${r.sse.p99Ms} ms on SSE, ${r.redis.p99Ms} ms on a Redis subscriber`);
    } finally {
      await cleanUpRun({ REDIS_KEY_PREFIX: `bench:${runId}-streams:` });
    }
  });
}

if (only.has('keylimits')) {
  const floodJobs = int(args['flood-jobs'], quick ? 300 : 2_000);
  const keyLimit = Math.max(1, Math.floor(concurrency / 5));
  results.keyLimits = {};
  log(`key limits: the other tenant's wait beside a ${floodJobs}-job flood (limit ${keyLimit} per tenant); limits never reached vs none`);
  await attempt('keyLimits.tenantWait', () =>
    withDtqStack(ioSettings, 'tenants', 1, async (stack) => {
      const result = await runTenantWait({ apiUrl: stack.apiUrl, otherJobs: quick ? 20 : 50, floodJobs, keyLimit, timeoutMs: 600_000 });
      results.keyLimits!.tenantWait = result;
      log(`  other tenant p99 wait: ${result.flood.p99} ms beside the flood vs ${result.noFlood.p99} ms alone (p50 ${result.flood.p50} vs ${result.noFlood.p50})`);
    }, { JOB_LIMITS_WEATHER_CONCURRENCY_KEY: 'country_code', JOB_LIMITS_WEATHER_CONCURRENCY_MAX: String(keyLimit) }),
  );
  await attempt('keyLimits.overhead', async () => {
    const perSide: Record<'none' | 'declared', number[]> = { none: [], declared: [] };
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? (['none', 'declared'] as const) : (['declared', 'none'] as const);
      for (const side of order) {
        await withDtqStack(cpuSettings, `limits-${side}-${r}`, 1, async (stack) => {
          await runDtq(stack, warmupJobs(cpuJobs));
          const { result } = await runDtq(stack, cpuJobs);
          perSide[side].push(result.jobsPerSecond);
          log(`  limits ${side === 'none' ? 'none declared' : 'declared, never reached'}: ${result.jobsPerSecond} jobs/s`);
        }, side === 'declared' ? UNREACHED_LIMITS_ENV : {});
      }
    }
    const best = (list: number[]) => Math.max(...list);
    const ratio = round(best(perSide.declared) / best(perSide.none), 3);
    results.keyLimits!.overhead = { jobs: cpuJobs, withoutLimits: best(perSide.none), withLimits: best(perSide.declared), ratio };
    log(`  limits declared but never reached vs none: ${ratio} (target >= 0.95)`);
  });
}

if (only.has('priority')) {
  log(`priority: a high job's wait behind a ${priorityBacklog}-job normal backlog and with none, ${prioritySamples} each`);
  await attempt('priorityWait', async () => {
    const priorityRunId = `${runId}-priority`;
    try {
      const result = await runPriorityWait(ioSettings, { env: servicesEnv(ioSettings, priorityRunId), backlog: priorityBacklog, samples: prioritySamples, inFlight });
      results.priorityWait = result;
      log(`  high job wait: ${result.idleWaitMs.median} ms with no backlog, ${result.backlogWaitMs.median} ms behind ${result.backlog} normal jobs (${result.ratio} ×); first come, first served it would wait about ${(result.fifoWaitEstimateMs / 1000).toFixed(1)} s`);
    } finally {
      // The scenario keeps results in the worker's memory: it has no database to drop.
      const { MONGODB_DATABASE: _none, ...isolation } = isolationEnv(priorityRunId);
      await cleanUpRun(isolation);
    }
  });
}

if (only.has('delayed')) {
  log(`delayed: ${dueJobs} jobs due at one moment (${dueLeadMs / 1000} s ahead), then ${dueJobs} without delay`);
  await attempt('delayed', () =>
    withDtqStack(cpuSettings, 'delayed', 1, async (stack) => {
      const result = await runDelayedDue({ submitUrl: stack.apiUrl, progress: dtqProgress(stack), jobs: dueJobs, inFlight, leadMs: dueLeadMs, watch: stack.processes });
      results.delayed = { label: stack.label, ...result };
      log(`  all started ${result.delayed.secondsUntilAllStarted} s after the due time; without delay ${result.noDelay.secondsUntilAllStarted} s after the first submit`);
    }),
  );
}

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
