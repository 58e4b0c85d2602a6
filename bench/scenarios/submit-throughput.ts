import { cpuMeter } from '../lib/cpu.js';
import { portOpen, startEmbeddedHost, type BenchSettings } from '../lib/dtq-stack.js';
import { httpClient } from '../lib/http.js';
import { SUBMIT_BODY } from '../lib/job-body.js';
import { loadTest, type LoadResult } from '../lib/load.js';
import { freePort, startProcess, waitUntil } from '../lib/processes.js';
import { round, spread, type Spread } from '../lib/stats.js';

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

export interface SubmitThroughputResult {
  connections: number;
  durationSeconds: number;
  dtq: SubmitSeries;
  bare: SubmitSeries;
  /** dtq req/s over bare req/s, medians. */
  ratio: number;
  responseBytes: number;
}

export interface SubmitSeries {
  requestsPerSecond: Spread;
  latencyP99Ms: Spread;
  serverCpuMicrosPerRequest: Spread;
  runs: SubmitRun[];
}

/** Headers that belong to the connection, not to the answer. */
const HOP_HEADERS = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

/**
 * POST /v1/jobs on the fallback host (embedded, in-process worker draining) against a bare
 * node:http server answering the same 202, each in its own process, autocannon in this one.
 */
export async function runSubmitThroughput(settings: BenchSettings, options: SubmitThroughputOptions): Promise<SubmitThroughputResult> {
  const host = await startEmbeddedHost(settings, 'submit-dtq');
  let bare: ReturnType<typeof startProcess> | undefined;
  try {
    const client = httpClient(host.baseUrl, 1);
    const sample = await client.post('/v1/jobs', SUBMIT_BODY);
    client.close();
    if (sample.status !== 202) throw new Error(`POST /v1/jobs answered ${sample.status}: ${sample.body}`);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(sample.headers)) {
      if (!HOP_HEADERS.has(name) && value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const barePort = await freePort();
    bare = startProcess({
      name: 'submit-bare-http',
      script: 'bench/servers/bare-http.ts',
      env: { BARE_PORT: String(barePort), BARE_STATUS: '202', BARE_HEADERS: JSON.stringify(headers), BARE_BODY: sample.body },
    });
    await waitUntil('bare server', () => portOpen(barePort), { timeoutMs: 20_000, watch: [bare] });

    const runs = { dtq: [] as SubmitRun[], bare: [] as SubmitRun[] };
    const targets = [
      { name: 'dtq' as const, url: `${host.baseUrl}/v1/jobs`, pid: host.proc.pid },
      { name: 'bare' as const, url: `http://127.0.0.1:${barePort}/v1/jobs`, pid: bare.pid },
    ];
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
    const summarize = (list: SubmitRun[]): SubmitSeries => ({
      requestsPerSecond: spread(list.map((x) => x.requestsPerSecond)),
      latencyP99Ms: spread(list.map((x) => x.latencyP99Ms)),
      serverCpuMicrosPerRequest: spread(list.map((x) => x.serverCpuMicrosPerRequest)),
      runs: list,
    });
    const dtq = summarize(runs.dtq);
    const bareSummary = summarize(runs.bare);
    return {
      connections: options.connections,
      durationSeconds: options.durationSeconds,
      dtq,
      bare: bareSummary,
      ratio: round(dtq.requestsPerSecond.median / bareSummary.requestsPerSecond.median, 3),
      responseBytes: Buffer.byteLength(sample.body),
    };
  } finally {
    await Promise.all([host.proc.stop(), bare?.stop()]);
  }
}
