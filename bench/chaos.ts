// `npm run chaos`: a steady mixed load on the real servers while each dependency in turn is cut,
// frozen and restored, the API and a worker are SIGKILLed and restarted, and the job topics get
// more partitions; then the accounting of every accepted job. Writes
// bench/results/chaos-latest.json; the method is in docs/reliability.md.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { DEPENDENCY_DEADLINE_MS } from '../core/domain/guard-dependency.js';
import { jobTopics } from '../core/domain/index.js';
import { startFaultProxy, type FaultProxy } from '../testkit/fault-proxy.js';
import { FAULT_TARGETS, faultSchedule, restoreAll, type FaultStep, type FaultTarget } from './chaos/faults.js';
import { KafkaBrokerControl } from './chaos/kafka-broker.js';
import { TopicPartitionGrowth } from './chaos/topic-partitions.js';
import { ChaosLoad, ENDPOINTS, unexpected, type Answer, type Endpoint } from './chaos/load.js';
import { ResultTracker, deleteRedisPrefix, statusDisagreements } from './chaos/outcomes.js';
import { checks, printReport, type ChaosResults, type StepResult } from './chaos/report.js';
import { ChaosStack } from './chaos/stack.js';
import { cleanUpRun } from './lib/cleanup.js';
import { isolationEnv, KAFKA_BROKERS, MONGODB_URI, RABBITMQ_URL, REDIS_URL, servicesEnv, type BenchSettings } from './lib/dtq-stack.js';
import { LOG_DIR, REPO_ROOT, RESULTS_DIR } from './lib/processes.js';
import { percentiles, round } from './lib/stats.js';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '5' },
    faults: { type: 'string', default: FAULT_TARGETS.join(',') },
    hold: { type: 'string', default: '12' },
    clients: { type: 'string', default: '8' },
    'pause-ms': { type: 'string', default: '300' },
    'delay-ms': { type: 'string', default: '250' },
    warmup: { type: 'string', default: '15' },
    'recovery-timeout': { type: 'string', default: '90' },
    'drain-timeout': { type: 'string', default: '120' },
    'log-level': { type: 'string', default: 'info' },
    out: { type: 'string', default: join(RESULTS_DIR, 'chaos-latest.json') },
  },
});

const num = (name: keyof typeof args) => {
  const value = Number(args[name]);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name}: not a number: ${String(args[name])}`);
  return value;
};
const targets = (args.faults ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean) as FaultTarget[];
for (const target of targets) if (!FAULT_TARGETS.includes(target)) throw new Error(`--faults: unknown fault ${target}; use ${FAULT_TARGETS.join(',')}`);

const PROGRESS_RPC_TIMEOUT_MS = 2_000;
/** The documented deadlines, and a second of slack for a loaded two-core machine. */
const SLOW_MS: Record<Endpoint, number> = {
  submit: DEPENDENCY_DEADLINE_MS + 1_000,
  result: DEPENDENCY_DEADLINE_MS + 1_000,
  list: DEPENDENCY_DEADLINE_MS + 1_000,
  status: PROGRESS_RPC_TIMEOUT_MS + 1_000 + 1_000,
};
const PATIENCE_MS = 30_000;
const WORKERS = 2;

const runId = `chaos-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
const isolation = isolationEnv(runId);
const settings: BenchSettings = { workerConcurrency: 8, partitions: 8, providerDelayMs: num('delay-ms'), logLevel: args['log-level'] ?? 'info', profile: [] };
const t0 = performance.now();
const nowMs = () => performance.now() - t0;
const nowS = () => round(nowMs() / 1000, 1);
const log = (line: string) => process.stdout.write(`[${nowS().toFixed(1).padStart(6)} s] ${line}\n`);

const interrupt = new AbortController();
const kafka = new KafkaBrokerControl();
const proxies: Partial<Record<'redis' | 'rabbitmq' | 'mongodb', FaultProxy>> = {};
let stack: ChaosStack | undefined;

// Whatever ends this process, the shared broker is left running and no child is left behind.
process.on('exit', () => {
  kafka.restoreNow();
  for (const proc of stack?.processes ?? []) proc.child.kill('SIGKILL');
});
let interrupts = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (++interrupts === 1) {
      log(`${signal}: restoring every fault and cleaning up (again to exit at once)`);
      interrupt.abort();
    } else {
      process.exit(130);
    }
  });
}
const pause = (ms: number) => sleep(ms, undefined, { signal: interrupt.signal });

let phase = 'warm-up';

/** Starts a proxy in front of one server and answers the URL dtq's processes use instead. */
async function proxied(name: 'redis' | 'rabbitmq' | 'mongodb', url: string, defaultPort: number): Promise<string> {
  const target = new URL(url);
  const proxy = await startFaultProxy({ host: target.hostname, port: Number(target.port || defaultPort) });
  proxies[name] = proxy;
  target.host = `127.0.0.1:${proxy.port}`;
  if (name === 'mongodb') target.searchParams.set('directConnection', 'true');
  return target.toString();
}

/** The commit the run was built from, and the files that differed from it. */
function revision(): { commit: string; uncommitted: string[] } {
  const git = (...gitArgs: string[]) => execFileSync('git', gitArgs, { cwd: REPO_ROOT, encoding: 'utf8' });
  try {
    const changed = git('status', '--porcelain', '--untracked-files=no').split('\n').filter(Boolean).map((line) => line.slice(3));
    return { commit: git('rev-parse', 'HEAD').trim(), uncommitted: changed };
  } catch {
    return { commit: 'unknown', uncommitted: [] };
  }
}

const results: ChaosResults = {
  runId,
  machine: { date: new Date().toISOString(), cores: cpus().length, cpuModel: cpus()[0]?.model.trim() ?? 'unknown', node: process.version, loadBefore: round(loadavg()[0]!), loadAfter: 0, ...revision() },
  settings: {
    minutes: num('minutes'),
    faults: targets,
    holdSeconds: num('hold'),
    clients: num('clients'),
    pauseMs: num('pause-ms'),
    providerDelayMs: num('delay-ms'),
    workers: WORKERS,
    workerConcurrency: settings.workerConcurrency,
    kafkaSessionTimeoutMs: 6_000,
    progressRpcTimeoutMs: PROGRESS_RPC_TIMEOUT_MS,
    slowMs: SLOW_MS,
    patienceMs: PATIENCE_MS,
  },
  steps: [],
  jobs: { accepted: 0, completed: 0, failed: 0, lost: 0, duplicated: 0, unannounced: 0, abandonedSubmits: 0, statusDisagreements: 0, submitAttempts: 0 },
  endpoints: {},
  slowest: undefined,
  slow: [],
  slowCount: 0,
  unexpected: [],
  unexpectedCount: 0,
  unexpectedSummary: {},
  processEvents: [],
  readinessAtEnd: {},
  details: { lost: [], duplicated: [], unannounced: [], disagreements: [] },
  problems: [],
  durationSeconds: 0,
};

let load: ChaosLoad | undefined;
let tracker: ResultTracker | undefined;

async function measureRecovery(step: FaultStep, restoredMs: number, restoreTookMs: number, timeoutMs: number): Promise<StepResult['recovery']> {
  const backlog = tracker!.accepted;
  await tracker!.poll().catch((error: unknown) => log(`  (result poll failed: ${(error as Error).message})`));
  const backlogAtRestore = tracker!.pendingBefore(backlog);
  let submitOkMs: number | undefined = load!.accepted.find((job) => job.lastTryMs >= restoredMs)?.acceptedMs;
  const off = load!.onAccepted((job) => {
    if (submitOkMs === undefined && job.lastTryMs >= restoredMs) submitOkMs = job.acceptedMs;
  });
  let drainedMs: number | undefined;
  try {
    while (nowMs() - restoredMs < timeoutMs && (submitOkMs === undefined || drainedMs === undefined)) {
      await tracker!.poll().catch((error: unknown) => log(`  (result poll failed: ${(error as Error).message})`));
      if (drainedMs === undefined && tracker!.pendingBefore(backlog) === 0) drainedMs = nowMs();
      if (submitOkMs === undefined || drainedMs === undefined) await pause(250);
    }
  } finally {
    off();
  }
  const after = (ms: number | undefined) => (ms === undefined ? null : round(Math.max(0, ms - restoredMs) / 1000, 1));
  const recovered = submitOkMs !== undefined && drainedMs !== undefined;
  const recovery = {
    restoreTookS: round(restoreTookMs / 1000, 1),
    backlogAtRestore,
    submitOkAfterS: after(submitOkMs),
    drainedAfterS: after(drainedMs),
    recoveredAfterS: recovered ? after(Math.max(submitOkMs!, drainedMs!)) : null,
  };
  log(
    `  ${step.name}: ${recovered ? `recovered ${recovery.recoveredAfterS} s after restore` : `NOT recovered within ${timeoutMs / 1000} s`} ` +
      `(submits ok after ${recovery.submitOkAfterS ?? '—'} s, backlog drained after ${recovery.drainedAfterS ?? '—'} s)`,
  );
  return recovery;
}

function outcomesDuring(answers: Answer[], phaseName: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const answer of answers) if (answer.phase === phaseName) counts[String(answer.outcome)] = (counts[String(answer.outcome)] ?? 0) + 1;
  return counts;
}

async function runSchedule(steps: FaultStep[], totalMs: number, warmupMs: number): Promise<void> {
  const recoveryTimeoutMs = num('recovery-timeout') * 1000;
  const slotMs = steps.length > 0 ? Math.max(0, (totalMs - warmupMs) / steps.length) : 0;
  await pause(warmupMs);
  for (const [index, step] of steps.entries()) {
    const startAt = warmupMs + index * slotMs;
    if (nowMs() < startAt) {
      phase = 'steady';
      await pause(startAt - nowMs());
    } else if (index > 0) {
      phase = 'steady';
      await pause(3_000);
    }
    phase = step.name;
    const injectedMs = nowMs();
    log(`fault: ${step.name}${step.holdMs > 0 ? ` for ${step.holdMs / 1000} s` : ''}`);
    let note: string | void;
    let restoreTookMs: number;
    try {
      note = await step.inject();
      if (note) log(`  ${note}`);
      if (step.holdMs > 0) await pause(step.holdMs);
    } finally {
      const restoreStarted = nowMs();
      await step.restore();
      restoreTookMs = nowMs() - restoreStarted;
    }
    const restoredMs = nowMs();
    phase = `${step.name} recovery`;
    log(`  restored (${round(restoreTookMs / 1000, 1)} s to restore)`);
    const recovery = await measureRecovery(step, restoredMs, restoreTookMs, recoveryTimeoutMs);
    results.steps.push({
      name: step.name,
      target: step.target,
      injectedAtS: round(injectedMs / 1000, 1),
      heldS: round((restoredMs - restoreTookMs - injectedMs) / 1000, 1),
      ...(note ? { note } : {}),
      recovery,
      answersDuringFault: outcomesDuring(load!.answers, step.name),
      answersDuringRecovery: outcomesDuring(load!.answers, `${step.name} recovery`),
    });
  }
  phase = 'steady';
  if (nowMs() < totalMs) await pause(totalMs - nowMs());
}

function summarizeAnswers(answers: Answer[]): void {
  for (const endpoint of ENDPOINTS) {
    const mine = answers.filter((answer) => answer.endpoint === endpoint);
    if (mine.length === 0) continue;
    const outcomes: Record<string, number> = {};
    for (const answer of mine) outcomes[String(answer.outcome)] = (outcomes[String(answer.outcome)] ?? 0) + 1;
    const latency = percentiles(Float64Array.from(mine.map((answer) => answer.latencyMs)));
    results.endpoints[endpoint] = {
      requests: mine.length,
      outcomes,
      p50Ms: round(latency.p50, 1),
      p99Ms: round(latency.p99, 1),
      maxMs: round(latency.max, 1),
      slowerThanDeadline: mine.filter((answer) => answer.latencyMs > SLOW_MS[endpoint]).length,
    };
  }
  const view = (answer: Answer) => ({ ...answer, startedAtS: round(answer.startedMs / 1000, 1), latencyMs: round(answer.latencyMs, 1) });
  const slowest = answers.reduce<Answer | undefined>((max, answer) => (!max || answer.latencyMs > max.latencyMs ? answer : max), undefined);
  results.slowest = slowest && view(slowest);
  const slow = answers.filter((answer) => answer.latencyMs > SLOW_MS[answer.endpoint]);
  results.slowCount = slow.length;
  results.slow = slow.map(view).slice(0, 100);
  const odd = answers.flatMap((answer) => {
    const why = unexpected(answer);
    return why ? [{ ...view(answer), why }] : [];
  });
  results.unexpectedCount = odd.length;
  for (const answer of odd) {
    const kind = `${answer.why} on ${answer.endpoint} (${answer.phase})`;
    results.unexpectedSummary[kind] = (results.unexpectedSummary[kind] ?? 0) + 1;
  }
  results.unexpected = odd.slice(0, 50);
}

async function account(drainTimeoutMs: number): Promise<void> {
  const until = nowMs() + drainTimeoutMs;
  log(`waiting up to ${drainTimeoutMs / 1000} s for ${tracker!.pendingCount} accepted job(s) to get their result`);
  for (;;) {
    await tracker!.poll().catch((error: unknown) => log(`  (result poll failed: ${(error as Error).message})`));
    if (tracker!.pendingCount === 0 || nowMs() > until || interrupt.signal.aborted) break;
    await sleep(1_000);
  }
  const accepted = load!.accepted;
  const acceptedIds = new Set(accepted.map((job) => job.jobId));
  const lost = accepted.filter((job) => !tracker!.finalStates.has(job.jobId));
  const duplicates = await tracker!.duplicates();
  const unannounced = await tracker!.unannounced(acceptedIds);
  const disagreements = await statusDisagreements(isolation.REDIS_KEY_PREFIX!, accepted, tracker!.finalStates, { statusMayBeGone: targets.includes('redis-loses-data') });
  const states = [...tracker!.finalStates.values()];
  results.jobs = {
    accepted: acceptedIds.size,
    completed: states.filter((state) => state === 'completed').length,
    failed: states.filter((state) => state === 'failed').length,
    lost: lost.length,
    duplicated: duplicates.size,
    unannounced: unannounced.length,
    abandonedSubmits: load!.abandoned,
    statusDisagreements: disagreements.length,
    submitAttempts: load!.answers.filter((answer) => answer.endpoint === 'submit').length,
  };
  results.details = {
    lost: lost.slice(0, 50).map((job) => ({ ...job, firstTryS: round(job.firstTryMs / 1000, 1), acceptedS: round(job.acceptedMs / 1000, 1) })),
    duplicated: [...duplicates].slice(0, 50).map(([jobId, documents]) => ({ jobId, documents })),
    unannounced: unannounced.slice(0, 50),
    disagreements: disagreements.slice(0, 50),
  };
}

async function main(): Promise<number> {
  const totalMs = num('minutes') * 60_000;
  log(`dtq chaos ${runId}: ${num('minutes')} min, faults ${targets.join(', ') || 'none'}, ${num('clients')} clients, logs in ${LOG_DIR}`);
  kafka.pid(); // the shared broker must be there to be frozen and stopped
  const env = {
    ...servicesEnv(settings, runId),
    REDIS_URL: await proxied('redis', REDIS_URL, 6379),
    RABBITMQ_URL: await proxied('rabbitmq', RABBITMQ_URL, 5672),
    MONGODB_URI: await proxied('mongodb', MONGODB_URI, 27017),
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    PROGRESS_RPC_TIMEOUT_MS: String(PROGRESS_RPC_TIMEOUT_MS),
  };
  stack = new ChaosStack(settings, env, runId, WORKERS, nowS);
  const liveStack = stack;
  tracker = new ResultTracker(isolation.MONGODB_DATABASE!);
  await tracker.connect();
  await stack.start();
  log(`API ${stack.apiUrl}, ${WORKERS} workers ready`);
  load = new ChaosLoad({
    clients: num('clients'),
    pauseMs: num('pause-ms'),
    patienceMs: PATIENCE_MS,
    slowMs: SLOW_MS,
    apiUrl: () => liveStack.apiUrl,
    phase: () => phase,
    now: nowMs,
  });
  load.onAccepted((job) => tracker!.add(job.jobId));
  load.start();
  const topics = new TopicPartitionGrowth(KAFKA_BROKERS.split(','), jobTopics(isolation.KAFKA_TOPIC_TEMPLATE!));
  const steps = faultSchedule(targets, { proxies, kafka, topics, stack, holdMs: num('hold') * 1000, forgetRedisData: () => deleteRedisPrefix(isolation.REDIS_KEY_PREFIX!) });
  try {
    await runSchedule(steps, totalMs, num('warmup') * 1000);
  } catch (error) {
    if (!interrupt.signal.aborted) throw error;
  } finally {
    results.problems.push(...(await restoreAll({ proxies, kafka })));
    phase = 'drain';
    log(`load stopping (${load.accepted.length} jobs accepted so far)`);
    await load.stop(30_000);
  }
  if (interrupt.signal.aborted) results.problems.push('interrupted: the accounting of jobs was skipped');
  else await account(num('drain-timeout') * 1000);
  summarizeAnswers(load.answers);
  results.readinessAtEnd = await stack.readiness();
  results.processEvents = stack.events;
  const { lost, duplicated, unannounced, abandonedSubmits } = results.jobs;
  return lost > 0 || duplicated > 0 || unannounced > abandonedSubmits ? 1 : 0;
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (error) {
  results.problems.push((error as Error).stack ?? String(error));
  log(`chaos run failed: ${(error as Error).message}`);
} finally {
  results.problems.push(...(await restoreAll({ proxies, kafka })));
  await stack?.stop().catch((error: unknown) => results.problems.push(`stopping processes: ${(error as Error).message}`));
  for (const proxy of Object.values(proxies)) await proxy?.close();
  await tracker?.close().catch(() => undefined);
  await cleanUpRun(isolation).catch((error: unknown) => results.problems.push(`cleanup: ${(error as Error).message}`));
  results.machine.loadAfter = round(loadavg()[0]!);
  results.durationSeconds = nowS();
  results.checks = checks(results);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(args.out!, `${JSON.stringify(results, null, 2)}\n`);
  printReport(results, (line) => process.stdout.write(`${line}\n`));
  process.stdout.write(`results: ${args.out}\n`);
}
process.exit(interrupt.signal.aborted ? 130 : results.problems.length > 0 && exitCode === 0 ? 1 : exitCode);
