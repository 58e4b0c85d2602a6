// Traces leave the process: the API and the worker, as separate processes on Kafka, export their
// spans over OTLP (OTEL_EXPORTER_OTLP_ENDPOINT) to a real OpenTelemetry Collector (built by
// scripts/tools/install.sh from the Collector's Go modules), whose file exporter writes what it
// received. One trace must hold the API's request span and the worker's consumer span of a job,
// both naming it with job_id: the trace context crossed Kafka.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkingTool } from '../support/checking-tools.js';
import { postJson, waitForTerminal, weatherJob } from '../support/http-client.js';
import { REPO_ROOT, acceptsConnections, freePort, startNode, startProcess, type RunningChild } from '../support/processes.js';
import { servicesMode, type ServicesMode } from '../support/services-mode.js';
import { waitFor } from '../support/wait-for.js';

const API_ENTRY = join(REPO_ROOT, 'dist/functions/fallback-host/main.js');
const WORKER_ENTRY = join(REPO_ROOT, 'dist/worker-container/main.js');

interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: string };
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: OtlpAttribute[];
}
interface ExportedSpan extends OtlpSpan {
  service: string;
}

/** Every span in the collector's file (one OTLP JSON export request per line), with its service. */
function exportedSpans(file: string): ExportedSpan[] {
  if (!existsSync(file)) return [];
  const spans: ExportedSpan[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const request = JSON.parse(line) as {
      resourceSpans: { resource: { attributes: OtlpAttribute[] }; scopeSpans: { spans: OtlpSpan[] }[] }[];
    };
    for (const resourceSpans of request.resourceSpans) {
      const service = resourceSpans.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
      for (const scope of resourceSpans.scopeSpans) for (const span of scope.spans) spans.push({ ...span, service });
    }
  }
  return spans;
}

const attribute = (span: OtlpSpan, key: string) => span.attributes?.find((a) => a.key === key)?.value.stringValue;


describe('traces exported over OTLP to an OpenTelemetry Collector', () => {
  let dir: string;
  let collector: RunningChild;
  let api: RunningChild;
  let worker: RunningChild;
  let run: ServicesMode;
  let apiBase: string;
  let tracesFile: string;

  beforeAll(async () => {
    const otelcol = checkingTool('dtq-otelcol');
    for (const entry of [API_ENTRY, WORKER_ENTRY]) {
      if (!existsSync(entry)) throw new Error(`${entry} is missing: run npm run build:server first (npm test does)`);
    }
    dir = await mkdtemp(join(tmpdir(), 'dtq-otlp-'));
    tracesFile = join(dir, 'traces.jsonl');
    const otlpPort = await freePort();
    await writeFile(
      join(dir, 'collector.yaml'),
      [
        'receivers:',
        '  otlp:',
        '    protocols:',
        '      http:',
        `        endpoint: 127.0.0.1:${otlpPort}`,
        'exporters:',
        '  file:',
        `    path: ${tracesFile}`,
        '    flush_interval: 100ms',
        'service:',
        '  telemetry:',
        '    metrics:',
        '      level: none',
        '  pipelines:',
        '    traces:',
        '      receivers: [otlp]',
        '      exporters: [file]',
        '',
      ].join('\n'),
    );
    // file: names the provider (the build has only the file provider, so no default scheme).
    collector = startProcess(otelcol, ['--config', `file:${join(dir, 'collector.yaml')}`]);
    await waitFor(async () => ((await acceptsConnections(otlpPort)) ? true : undefined), {
      timeoutMs: 30_000,
      what: `the OpenTelemetry Collector to listen on ${otlpPort}`,
    });

    run = servicesMode('dtq-otlp');
    // Kafka between the two processes is what the trace must cross; results stay in Redis.
    const { MONGODB_URI: _mongo, MONGODB_DATABASE: _database, ...queueAndStatus } = run.env;
    const services = {
      ...queueAndStatus,
      SIMULATED_PROVIDER_DELAY_MS: '10',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${otlpPort}`,
      // Export batches every 100 ms rather than every 5 s.
      OTEL_BSP_SCHEDULE_DELAY: '100',
    };
    const [apiPort, workerPort] = [await freePort(), await freePort()];
    apiBase = `http://127.0.0.1:${apiPort}`;
    worker = startNode(WORKER_ENTRY, { ...services, OTEL_SERVICE_NAME: 'dtq-worker-under-test', WORKER_METRICS_PORT: String(workerPort) });
    api = startNode(API_ENTRY, { ...services, PORT: String(apiPort), SERVE_WEB: 'false', WORKER_METRICS_PORT: String(await freePort()) });
    await Promise.all([worker.waitForLine(/worker started/, 90_000), api.waitForLine(/dtq API ready/, 90_000)]);
  }, 240_000);

  afterAll(async () => {
    await api?.stop('SIGKILL');
    await worker?.stop('SIGKILL');
    await collector?.stop('SIGTERM');
    await run?.cleanup({ mongodb: false });
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('says where its spans go', () => {
    for (const child of [api, worker]) {
      expect(child.lines.some((line) => line.includes('traces exported to otlp'))).toBe(true);
    }
  });

  it('records one trace with the API request span and the worker job span, both with job_id', async () => {
    const submitted = await postJson(`${apiBase}/v1/jobs`, weatherJob('Tromsø'));
    expect(submitted.status).toBe(202);
    const jobId = submitted.body.job_id as string;
    expect((await waitForTerminal(apiBase, jobId, 30_000)).state).toBe('completed');

    const { request, job } = await waitFor(
      () => {
        const spans = exportedSpans(tracesFile).filter((span) => attribute(span, 'job_id') === jobId);
        const request = spans.find((span) => span.service === 'dtq-api' && span.name === 'POST /v1/jobs');
        const job = spans.find((span) => span.service === 'dtq-worker-under-test' && span.name.startsWith('process '));
        return request && job ? { request, job } : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 100, what: `spans with job_id ${jobId} from both processes in ${tracesFile}` },
    );
    // One trace, the job's: its trace id is the job's trace_id (a UUID) without dashes.
    expect(job.traceId).toBe(request.traceId);
    expect(request.traceId).toBe((submitted.body.trace_id as string).replace(/-/g, ''));
    // The worker's span is a child of the API's: the record carried the API span's own id.
    expect(job.parentSpanId).toBe(request.spanId);
  }, 90_000);
});
