import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { BenchResults } from './results.js';
import { checkTargets } from './targets.js';

export const START_MARKER = '<!-- bench:results:start (written by npm run bench) -->';
export const END_MARKER = '<!-- bench:results:end -->';

const n = (value: number | undefined, digits = 0) => (value === undefined ? '–' : value.toFixed(digits));
const spreadText = (s: { median: number; min: number; max: number; runs: number[] }, digits = 0) =>
  s.runs.length > 1 ? `${n(s.median, digits)} (${n(s.min, digits)}–${n(s.max, digits)}, ${s.runs.length} runs)` : n(s.median, digits);

/** The generated part of docs/benchmarks.md: machine, results tables, targets. */
export function renderResults(results: BenchResults): string {
  const m = results.machine;
  const lines: string[] = [];
  lines.push(`Run on ${m.date.slice(0, 10)}: ${m.cores} cores (${m.cpuModel}), Node ${m.node}, commit ${m.commit.slice(0, 12)}, ` +
    `load average ${m.loadBefore.toFixed(2)} before and ${m.loadAfter.toFixed(2)} after; whole run ${Math.round(results.durationSeconds)} s.`);
  lines.push(`Tools: ${Object.entries(m.versions).map(([name, version]) => `${name} ${version}`).join(', ')}.`);
  lines.push('');
  lines.push('### Targets');
  lines.push('');
  lines.push('| what | target | result | |');
  lines.push('|---|---|---|---|');
  for (const check of checkTargets(results)) {
    lines.push(`| ${check.name} | ${check.target} | ${check.result} | ${check.met === undefined ? 'not measured' : check.met ? 'met' : '**missed**'} |`);
  }
  lines.push('');

  const submit = results.submit;
  lines.push('### Submit throughput (`POST /v1/jobs`, embedded mode)');
  lines.push('');
  if (submit) {
    lines.push(`autocannon, ${submit.connections} connections, ${submit.durationSeconds} s per run after a warm-up; ` +
      `the same ${submit.responseBytes}-byte 202 body and headers from both servers.`);
    lines.push('');
    lines.push('| server | req/s (median, range) | p99 latency ms (median, range) | server CPU µs per request |');
    lines.push('|---|---|---|---|');
    for (const [label, series] of [
      ['dtq fallback host, in-process worker draining', submit.dtq],
      ['bare node:http, same answer', submit.bare],
    ] as const) {
      lines.push(`| ${label} | ${spreadText(series.requestsPerSecond)} | ${spreadText(series.latencyP99Ms)} | ${spreadText(series.serverCpuMicrosPerRequest)} |`);
    }
    lines.push(`| **ratio dtq / bare** | **${submit.ratio.toFixed(2)}** | | |`);
  } else {
    lines.push(`Not measured: ${results.notMeasured.submit ?? 'not selected'}.`);
  }
  lines.push('');

  const e2e = results.endToEnd;
  lines.push('### End-to-end throughput (submit → stored result)');
  lines.push('');
  const detail = e2e.embedded?.details[0] ?? e2e.services?.details[0] ?? e2e.bullmq?.details[0];
  if (detail) {
    lines.push(`${detail.jobs} jobs, ${detail.inFlight} submits in flight, simulated provider at 0 ms; ` +
      `timed from the first submit until the stored-result count (polled every ${detail.pollIntervalMs} ms) reached ${detail.jobs}.`);
    lines.push('');
  }
  lines.push('| system | jobs/s (median, range) | submit phase s | total s |');
  lines.push('|---|---|---|---|');
  for (const series of [e2e.embedded, e2e.services, e2e.bullmq]) {
    if (!series) continue;
    const last = series.details[series.details.length - 1]!;
    lines.push(`| ${series.label} | ${spreadText(series, 1)} | ${n(last.submitSeconds, 2)} | ${n(last.seconds, 2)} |`);
  }
  for (const [name, value] of Object.entries(e2e.ratios)) lines.push(`| **${name}** | **${value.toFixed(2)}** | | |`);
  for (const key of ['endToEnd.embedded', 'endToEnd.services', 'endToEnd.bullmq']) {
    if (results.notMeasured[key]) lines.push(`| ${key.split('.')[1]} | not measured: ${results.notMeasured[key]} | | |`);
  }
  const cpuRows = [e2e.embedded, e2e.services, e2e.bullmq].filter((x): x is NonNullable<typeof x> => x !== undefined);
  if (cpuRows.length > 0) {
    lines.push('');
    lines.push('CPU seconds per 1,000 jobs by process, last run of each (the machine has 2 cores; `bench` is the load generator):');
    lines.push('');
    lines.push('| system | CPU s / 1,000 jobs |');
    lines.push('|---|---|');
    for (const series of cpuRows) {
      const last = series.details[series.details.length - 1]!;
      const parts = Object.entries(last.cpuSeconds).map(([name, seconds]) => `${name} ${((seconds * 1000) / last.jobs).toFixed(2)}`);
      lines.push(`| ${series.label} | ${parts.join(', ')} |`);
    }
  }
  lines.push('');

  lines.push('### Status latency (`GET /v1/jobs/{id}/status` through RabbitMQ, services mode)');
  lines.push('');
  if (results.statusLatency) {
    const first = results.statusLatency[0]!;
    if (results.statusLatencyLabel) lines.push(`Stack: ${results.statusLatencyLabel}.`, '');
    lines.push(`Closed loop: N callers each asking again as soon as answered, ${first.rpc.requests} requests per row over the stored jobs; ` +
      'the floor is HGETALL of the same hashes on one Redis connection at the same concurrency.');
    lines.push('');
    lines.push('| callers | RPC p50 ms | RPC p99 ms | RPC req/s | Redis p50 ms | Redis p99 ms | Redis req/s | p99 ratio |');
    lines.push('|---|---|---|---|---|---|---|---|');
    for (const level of results.statusLatency) {
      lines.push(`| ${level.concurrency} | ${n(level.rpc.p50Ms, 2)} | ${n(level.rpc.p99Ms, 2)} | ${n(level.rpc.perSecond)} | ` +
        `${n(level.redis.p50Ms, 2)} | ${n(level.redis.p99Ms, 2)} | ${n(level.redis.perSecond)} | ${n(level.p99Ratio, 1)} |`);
    }
    lines.push('');
    lines.push('CPU µs per status request by process, during the RPC rows:');
    lines.push('');
    for (const level of results.statusLatency) {
      const parts = Object.entries(level.rpcCpuMicrosPerRequest ?? {}).map(([name, micros]) => `${name} ${micros}`);
      lines.push(`- ${level.concurrency} callers: ${parts.join(', ')}`);
    }
  } else {
    lines.push(`Not measured: ${results.notMeasured.statusLatency ?? 'not selected'}.`);
  }
  lines.push('');

  lines.push('### Worker memory (10,000-job backlog, services mode)');
  lines.push('');
  const memoryRows = [results.workerMemory, results.workerMemoryCappedHeap].filter((x): x is NonNullable<typeof x> => x !== undefined);
  if (memoryRows.length > 0) {
    lines.push('| worker started with | backlog | peak RSS (VmHWM) MB | max sampled RSS MB | RSS after drain MB | drain s | drain jobs/s |');
    lines.push('|---|---|---|---|---|---|---|');
    for (const mem of memoryRows) {
      lines.push(`| ${mem.nodeOptions ? `\`NODE_OPTIONS=${mem.nodeOptions}\`` : 'defaults'} | ${mem.backlog} | ${n(mem.peakRssMb, 1)} | ${n(mem.sampledMaxRssMb, 1)} | ` +
        `${n(mem.rssAfterDrainMb, 1)} | ${n(mem.drainSeconds, 2)} | ${n(mem.drainJobsPerSecond, 1)} |`);
    }
  }
  for (const key of ['workerMemory', 'workerMemoryCappedHeap']) {
    if (results.notMeasured[key]) lines.push(`Not measured (${key}): ${results.notMeasured[key]}.`);
  }
  if (memoryRows.length === 0 && !results.notMeasured.workerMemory) lines.push('Not measured: not selected.');
  return lines.join('\n');
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
