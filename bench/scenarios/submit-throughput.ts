import { cpuMeter } from '../lib/cpu.js';
import { portOpen, startServicesApi, type BenchSettings } from '../lib/dtq-stack.js';
import { httpClient } from '../lib/http.js';
import { SUBMIT_BODY } from '../lib/job-body.js';
import { loadTest, type LoadResult } from '../lib/load.js';
import { freePort, startProcess, waitUntil, type BenchProcess } from '../lib/processes.js';
import { round, spread, type Spread } from '../lib/stats.js';
import { startBullmqStack } from './bullmq.js';

export interface SubmitThroughputOptions {
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  rounds: number;
}

export interface SubmitRun extends LoadResult {
  /** CPU time the server process used per answered request, in microseconds. */
  serverCpuMicrosPerRequest: number;
}

export interface SubmitSeries {
  label: string;
  requestsPerSecond: Spread;
  latencyP99Ms: Spread;
  serverCpuMicrosPerRequest: Spread;
  runs: SubmitRun[];
}

type SubmitServer = 'dtq' | 'bullmq' | 'bare';

export interface SubmitThroughputResult {
  connections: number;
  durationSeconds: number;
  servers: Record<SubmitServer, SubmitSeries>;
  /** Medians of req/s: dtq over the BullMQ user's server, and over bare node:http. */
  ratios: { dtqOverBullmq: number; dtqOverBare: number };
}

const LABELS: Record<SubmitServer, string> = {
  dtq: 'dtq API host, services mode (validation, idempotency, Redis status, Kafka publish acks=all)',
  bullmq: 'node:http + BullMQ Queue.add (what a BullMQ user builds)',
  bare: 'bare node:http, reads the body and answers a fixed 202 (the floor)',
};

/**
 * POST /v1/jobs on three servers, each its own process, autocannon in this one, rounds in
 * alternating order: dtq's API on the real services (no worker: the jobs wait in Kafka), a
 * node:http server calling BullMQ's Queue.add (no worker either), and bare node:http.
 */
export async function runSubmitThroughput(
  settings: BenchSettings,
  env: Record<string, string>,
  options: SubmitThroughputOptions & { runId: string },
): Promise<SubmitThroughputResult> {
  const dtq = await startServicesApi(settings, env, 'submit-dtq');
  const stops: (() => Promise<void>)[] = [() => dtq.proc.stop()];
  try {
    const bull = await startBullmqStack(settings, { runId: `${options.runId}-submit`, withWorker: false });
    stops.push(() => bull.stop());
    const barePort = await freePort();
    const bare: BenchProcess = startProcess({
      name: 'submit-bare-http',
      script: 'bench/servers/bare-http.ts',
      env: { BARE_PORT: String(barePort), BARE_STATUS: '202', BARE_BODY: await sampleAnswer(dtq.baseUrl) },
    });
    stops.push(() => bare.stop());
    await waitUntil('bare server', () => portOpen(barePort), { timeoutMs: 20_000, watch: [bare] });

    const targets: { name: SubmitServer; url: string; pid: number }[] = [
      { name: 'dtq', url: `${dtq.baseUrl}/v1/jobs`, pid: dtq.proc.pid },
      { name: 'bullmq', url: `${bull.submitUrl}/v1/jobs`, pid: bull.cpuPids['submit server']! },
      { name: 'bare', url: `http://127.0.0.1:${barePort}/v1/jobs`, pid: bare.pid },
    ];
    const runs: Record<SubmitServer, SubmitRun[]> = { dtq: [], bullmq: [], bare: [] };
    for (let r = 0; r < options.rounds; r++) {
      for (const target of r % 2 === 0 ? targets : [...targets].reverse()) {
        const load = await loadTest({
          url: target.url,
          method: 'POST',
          body: SUBMIT_BODY,
          connections: options.connections,
          durationSeconds: options.durationSeconds,
          warmupSeconds: options.warmupSeconds,
          onMeasureStart: () => cpuMeter({ server: target.pid }),
        });
        const result = { ...load.result, serverCpuMicrosPerRequest: round(((load.cpu.server ?? NaN) * 1e6) / load.result.requests, 1) };
        if (result.non2xx > 0 || result.errors > 0) {
          throw new Error(`${target.name}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
        }
        runs[target.name].push(result);
        process.stdout.write(
          `  submit ${target.name}: ${round(result.requestsPerSecond, 0)} req/s, p99 ${result.latencyP99Ms} ms, server CPU ${result.serverCpuMicrosPerRequest} µs/request\n`,
        );
      }
    }
    const summarize = (name: SubmitServer): SubmitSeries => ({
      label: LABELS[name],
      requestsPerSecond: spread(runs[name].map((x) => x.requestsPerSecond)),
      latencyP99Ms: spread(runs[name].map((x) => x.latencyP99Ms)),
      serverCpuMicrosPerRequest: spread(runs[name].map((x) => x.serverCpuMicrosPerRequest)),
      runs: runs[name],
    });
    const servers = { dtq: summarize('dtq'), bullmq: summarize('bullmq'), bare: summarize('bare') };
    const rps = (name: SubmitServer) => servers[name].requestsPerSecond.median;
    return {
      connections: options.connections,
      durationSeconds: options.durationSeconds,
      servers,
      ratios: { dtqOverBullmq: round(rps('dtq') / rps('bullmq'), 3), dtqOverBare: round(rps('dtq') / rps('bare'), 3) },
    };
  } finally {
    await Promise.all(stops.map((stop) => stop()));
  }
}

/** dtq's 202 body, so the bare server answers as many bytes. */
async function sampleAnswer(baseUrl: string): Promise<string> {
  const client = httpClient(baseUrl, 1);
  try {
    const sample = await client.post('/v1/jobs', SUBMIT_BODY);
    if (sample.status !== 202) throw new Error(`POST /v1/jobs answered ${sample.status}: ${sample.body}`);
    return sample.body;
  } finally {
    client.close();
  }
}
