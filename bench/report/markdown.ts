import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { prioritySection } from './priority-section.js';
import { cpuPerJob, representativeRun, type BenchResults, type ThroughputSeries } from './results.js';
import { checkTargets } from './targets.js';

export const START_MARKER = '<!-- bench:results:start (written by npm run bench) -->';
export const END_MARKER = '<!-- bench:results:end -->';

const n = (value: number | undefined, digits = 0) => (value === undefined ? '–' : value.toFixed(digits));
const spreadText = (s: { median: number; min: number; max: number; runs: number[] }, digits = 0) =>
  s.runs.length > 1 ? `${n(s.median, digits)} (${n(s.min, digits)}–${n(s.max, digits)}, ${s.runs.length} runs)` : n(s.median, digits);

/** The generated part of docs/benchmarks.md: machine, targets, then one section per row. */
export function renderResults(results: BenchResults): string {
  const m = results.machine;
  const lines: string[] = [];
  lines.push(`Run on ${m.date.slice(0, 10)}: ${m.cores} cores (${m.cpuModel}), Node ${m.node}, commit ${m.commit.slice(0, 12)}, ` +
    `load average ${m.loadBefore.toFixed(2)} before and ${m.loadAfter.toFixed(2)} after; whole run ${Math.round(results.durationSeconds)} s.`);
  lines.push(`Tools: ${Object.entries(m.versions).map(([name, version]) => `${name} ${version}`).join(', ')}.`);
  lines.push('');
  lines.push('### Targets', '');
  lines.push('| what | target | result | |');
  lines.push('|---|---|---|---|');
  for (const check of checkTargets(results)) {
    lines.push(`| ${check.name} | ${check.target} | ${check.result} | ${check.met === undefined ? 'not measured' : check.met ? 'met' : '**missed**'} |`);
  }
  lines.push('');
  lines.push(...ioSection(results), '');
  lines.push(...cpuSection(results), '');
  lines.push(...submitSection(results), '');
  lines.push(...batchSection(results), '');
  lines.push(...statusSection(results), '');
  lines.push(...memorySection(results));
  lines.push('', ...streamsSection(results));
  lines.push('', ...prioritySection(results));
  lines.push('', ...delayedSection(results));
  for (const [key, reason] of Object.entries(results.notMeasured)) lines.push('', `Not measured (${key}): ${reason}.`);
  return lines.join('\n');
}

function throughputRows(list: (ThroughputSeries | undefined)[]): string[] {
  const lines = ['| system | jobs/s (median, range) | peak jobs in flight | submit phase s | total s |', '|---|---|---|---|---|'];
  for (const series of list) {
    if (!series) continue;
    const run = representativeRun(series);
    lines.push(`| ${series.label} | ${spreadText(series, 1)} | ${n(run.peakJobsInFlight)} | ${n(run.submitSeconds, 2)} | ${n(run.seconds, 2)} |`);
  }
  return lines;
}

function cpuRows(list: (ThroughputSeries | undefined)[]): string[] {
  const lines = ['| system | own processes, ms CPU per job | by process, ms CPU per job |', '|---|---|---|'];
  for (const series of list) {
    if (!series) continue;
    const cost = cpuPerJob(representativeRun(series));
    const parts = Object.entries(cost.byProcess).map(([name, ms]) => `${name} ${ms.toFixed(3)}`);
    lines.push(`| ${series.label} | ${cost.own.toFixed(3)} | ${parts.join(', ')} |`);
  }
  return lines;
}

function ioSection(results: BenchResults): string[] {
  const io = results.io;
  const lines = ['### I/O-bound jobs and scale-out (submit → stored result)', ''];
  if (!io || (!io.dtq && !io.bullmq && !io.dtqTwoWorkers)) return [...lines, 'Not measured.'];
  lines.push(`${io.jobs} weather jobs, simulated provider at ${io.providerDelayMs} ms, worker concurrency ${io.concurrency} on each side, ` +
    `job topics of ${io.partitions} partitions, ${submitNote(io)} Ideal: concurrency / delay = ${io.idealJobsPerSecond} jobs/s per worker. ` +
    'Peak jobs in flight is the highest sum of the workers\' in-flight gauges seen while polling: above the partition count, it shows a ' +
    'worker\'s concurrency is not capped by partitions.', '');
  lines.push(...throughputRows([io.dtq, io.dtqTwoWorkers, io.bullmq]));
  lines.push(`| ideal (concurrency / delay, one worker) | ${io.idealJobsPerSecond} | ${io.concurrency} | | |`);
  const ratio = (a: ThroughputSeries | undefined, b: number | undefined) => (a && b ? (a.median / b).toFixed(2) : '–');
  lines.push(`| **dtq / BullMQ** | **${ratio(io.dtq, io.bullmq?.median)}** | | | |`);
  lines.push(`| **dtq / ideal** | **${ratio(io.dtq, io.idealJobsPerSecond)}** | | | |`);
  lines.push(`| **two workers / one** | **${ratio(io.dtqTwoWorkers, io.dtq?.median)}** | | | |`);
  return lines;
}

function cpuSection(results: BenchResults): string[] {
  const cpu = results.cpu;
  const lines = ['### CPU-bound jobs: jobs/s and CPU per job', ''];
  if (!cpu || (!cpu.dtq && !cpu.bullmq)) return [...lines, 'Not measured.'];
  lines.push(`${cpu.jobs} weather jobs, simulated provider at 0 ms, concurrency ${cpu.concurrency}, ${submitNote(cpu)}`, '');
  lines.push(...throughputRows([cpu.dtq, cpu.bullmq]));
  if (cpu.dtq && cpu.bullmq) lines.push(`| **dtq / BullMQ** | **${(cpu.dtq.median / cpu.bullmq.median).toFixed(2)}** | | | |`);
  lines.push('', 'CPU per job, from /proc of each process over the run whose jobs/s is the median ("own" = the job system\'s processes: ' +
    'dtq\'s API and worker, BullMQ\'s submit server and worker; the servers and `bench`, the load generator, apart; the machine has ' +
    `${results.machine.cores} cores, so what one process uses the others cannot):`, '');
  lines.push(...cpuRows([cpu.dtq, cpu.bullmq]));
  return lines;
}

function submitSection(results: BenchResults): string[] {
  const submit = results.submit;
  const lines = ['### Submit throughput (`POST /v1/jobs`)', ''];
  if (!submit) return [...lines, 'Not measured.'];
  lines.push(`autocannon, ${submit.connections} connections, ${submit.durationSeconds} s per run after a warm-up, rounds in alternating order; ` +
    'no worker runs, so every accepted job waits in its queue.', '');
  lines.push('| server | req/s (median, range) | p99 latency ms (median, range) | server CPU µs per request |');
  lines.push('|---|---|---|---|');
  for (const series of Object.values(submit.servers)) {
    lines.push(`| ${series.label} | ${spreadText(series.requestsPerSecond)} | ${spreadText(series.latencyP99Ms)} | ${spreadText(series.serverCpuMicrosPerRequest)} |`);
  }
  lines.push(`| **dtq / node:http + Queue.add** | **${submit.ratios.dtqOverBullmq.toFixed(2)}** | | |`);
  lines.push(`| **dtq / bare node:http** | **${submit.ratios.dtqOverBare.toFixed(2)}** | | |`);
  return lines;
}

function batchSection(results: BenchResults): string[] {
  const batch = results.batch;
  const lines = [`### Batch submit (\`POST /v1/jobs/batch\` vs \`POST /v1/jobs\`)`, ''];
  if (!batch) return [...lines, 'Not measured.'];
  lines.push(`${batch.jobs} weather jobs each way per round into one API on the services (no worker), ${batch.connections} requests in flight, ` +
    'rounds in alternating order; every job accepted.', '');
  lines.push('| way | jobs/s (median, range) |', '|---|---|');
  lines.push(`| one job per \`POST /v1/jobs\` | ${spreadText(batch.single)} |`);
  lines.push(`| batches of ${batch.batchSize} per \`POST /v1/jobs/batch\` | ${spreadText(batch.batched)} |`);
  lines.push(`| **batched / one by one** | **${batch.ratio.toFixed(2)}** |`);
  return lines;
}

function statusSection(results: BenchResults): string[] {
  const status = results.status;
  const lines = ['### Status latency (`GET /v1/jobs/{id}/status` through RabbitMQ)', ''];
  if (!status) return [...lines, 'Not measured.'];
  lines.push(`Stack: ${status.label}. Open loop: ${status.rpc.requests} requests arriving at ${status.ratePerSecond}/s over stored jobs, each timed ` +
    'from when it was due (a stall delays every request due meanwhile); the floor is HGETALL of the same hashes on one Redis connection at the same rate.', '');
  lines.push('| path | p50 ms | p90 ms | p99 ms | max ms | achieved req/s |');
  lines.push('|---|---|---|---|---|---|');
  for (const [label, s] of [['HTTP → API → RabbitMQ → worker → Redis', status.rpc], ['direct Redis HGETALL', status.redis]] as const) {
    lines.push(`| ${label} | ${n(s.p50Ms, 2)} | ${n(s.p90Ms, 2)} | ${n(s.p99Ms, 2)} | ${n(s.maxMs, 2)} | ${n(s.perSecond)} |`);
  }
  lines.push(`| **p99 ratio** | | | **${n(status.p99Ratio, 1)}** | | |`);
  const parts = Object.entries(status.rpcCpuMicrosPerRequest).map(([name, micros]) => `${name} ${micros}`);
  lines.push('', `CPU µs per status request by process: ${parts.join(', ')}.`);
  return lines;
}

function memorySection(results: BenchResults): string[] {
  const rows = [results.workerMemory, results.workerMemoryNodeDefaults].filter((x): x is NonNullable<typeof x> => x !== undefined);
  const lines = [`### Worker memory (${rows[0]?.backlog ?? 10_000}-job backlog)`, ''];
  if (rows.length === 0) return [...lines, 'Not measured.'];
  lines.push('| worker started with | backlog | peak RSS (VmHWM) MB | max sampled RSS MB | RSS after drain MB | drain s | drain jobs/s | worker CPU ms per job |');
  lines.push('|---|---|---|---|---|---|---|---|');
  for (const mem of rows) {
    const started = mem === results.workerMemory ? `as shipped: \`NODE_OPTIONS=${mem.nodeOptions}\` (the image's)` : mem.nodeOptions ? `\`NODE_OPTIONS=${mem.nodeOptions}\`` : 'node defaults (no NODE_OPTIONS)';
    lines.push(`| ${started} | ${mem.backlog} | ${n(mem.peakRssMb, 1)} | ${n(mem.sampledMaxRssMb, 1)} | ` +
      `${n(mem.rssAfterDrainMb, 1)} | ${n(mem.drainSeconds, 2)} | ${n(mem.drainJobsPerSecond, 1)} | ${mem.workerCpuMsPerJob === undefined ? '–' : n(mem.workerCpuMsPerJob, 3)} |`);
  }
  return lines;
}

function streamsSection(results: BenchResults): string[] {
  const r = results.streams;
  const lines = [`### Event streams (${r?.streams ?? 1_000} open SSE streams on one API process)`, ''];
  if (!r) return [...lines, 'Not measured.'];
  lines.push(`One job per stream; ${r.writes} milestone writes at ${r.writesPerSecond}/s (open loop) through the status store the worker uses, each event timed ` +
    `from the start of its write. The floor is a plain Redis subscriber of the same channel in the bench process. Events missing at the end: ${r.missing}.`, '');
  lines.push('| path | events | p50 ms | p99 ms | max ms |');
  lines.push('|---|---|---|---|---|');
  lines.push(`| status write → API → SSE stream | ${r.sse.events} | ${n(r.sse.p50Ms, 2)} | ${n(r.sse.p99Ms, 2)} | ${n(r.sse.maxMs, 2)} |`);
  lines.push(`| status write → Redis subscriber | ${r.redis.events} | ${n(r.redis.p50Ms, 2)} | ${n(r.redis.p99Ms, 2)} | ${n(r.redis.maxMs, 2)} |`);
  lines.push(`| **p99 ratio** | | | **${n(r.p99Ratio, 1)}** | |`);
  lines.push('', `API RSS: ${n(r.rssNoStreamsMb, 1)} MB with no stream open, ${n(r.rssStreamsOpenMb, 1)} MB with ${r.streams} open (peak ${n(r.peakRssMb, 1)} MB).`);
  return lines;
}

/** How the jobs of a comparison were submitted and timed, from its first run's own figures. */
function submitNote(comparison: { dtq?: ThroughputSeries; bullmq?: ThroughputSeries; dtqTwoWorkers?: ThroughputSeries }): string {
  const run = (comparison.dtq ?? comparison.bullmq ?? comparison.dtqTwoWorkers)?.details[0];
  return `each submitted over HTTP with ${run?.inFlight ?? '–'} requests in flight (dtq to its API, BullMQ to a node:http server calling \`Queue.add\`), ` +
    `timed from the first submit until the done count (polled every ${run?.pollIntervalMs ?? '–'} ms) reached the total.`;
}

function delayedSection(results: BenchResults): string[] {
  const lines = ['### Jobs due at one moment', ''];
  const delayed = results.delayed;
  if (!delayed) return [...lines, 'Not measured.'];
  lines.push(`${delayed.jobs} weather jobs, simulated provider at 0 ms, one worker (${delayed.label}); the delayed ones submitted with one run_at ${delayed.leadSeconds} s ahead.`, '');
  lines.push('| jobs | seconds until all had started | from | submit phase s |', '|---|---|---|---|');
  lines.push(`| delayed, all due at once | ${n(delayed.delayed.secondsUntilAllStarted, 2)} | the due time | ${n(delayed.delayed.submitSeconds, 1)} |`);
  lines.push(`| no delay | ${n(delayed.noDelay.secondsUntilAllStarted, 2)} | the first submit | ${n(delayed.noDelay.submitSeconds, 1)} |`);
  return lines;
}

const SKELETON = `# Benchmarks

${START_MARKER}
${END_MARKER}
`;

/** Replaces the generated block of the document, keeping everything written around it. */
export function writeMarkdown(path: string, results: BenchResults): void {
  const current = existsSync(path) ? readFileSync(path, 'utf8') : SKELETON;
  const start = current.indexOf(START_MARKER);
  const end = current.indexOf(END_MARKER);
  if (start < 0 || end < start) throw new Error(`${path} lacks the ${START_MARKER} … ${END_MARKER} block`);
  const next = `${current.slice(0, start + START_MARKER.length)}\n${renderResults(results)}\n${current.slice(end)}`;
  writeFileSync(path, next);
}
