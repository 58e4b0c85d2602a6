// A few-second run of the benchmark harness on small numbers, so `npm run bench` keeps working.
// It measures nothing: the numbers it gets are not looked at.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedHost, type BenchSettings } from '../../bench/lib/dtq-stack.js';
import { REPO_ROOT } from '../../bench/lib/processes.js';
import { renderResults } from '../../bench/report/markdown.js';
import type { BenchResults } from '../../bench/report/results.js';
import { runBullmqEndToEnd } from '../../bench/scenarios/bullmq.js';
import { runDtqEndToEnd } from '../../bench/scenarios/end-to-end.js';
import { uniqueName } from '../support/unique.js';

const settings: BenchSettings = { workerConcurrency: 4, partitions: 4, logLevel: 'warn', profile: [] };
const built = existsSync(join(REPO_ROOT, 'dist', 'functions', 'fallback-host', 'main.js'));

describe('benchmark harness (small run)', () => {
  let host: Awaited<ReturnType<typeof startEmbeddedHost>>;
  beforeAll(async () => {
    if (!built) throw new Error('dist/functions/fallback-host/main.js is missing: run npm run build:server first (npm test does)');
    host = await startEmbeddedHost(settings, 'harness-test-embedded');
  });
  afterAll(() => host?.proc.stop());

  it('runs end to end on the embedded host and on BullMQ, and renders the report', async () => {
    const dtq = await runDtqEndToEnd({
      apiUrl: host.baseUrl,
      workerMetricsUrl: host.metricsUrl,
      jobs: 50,
      inFlight: 8,
      watch: [host.proc],
      cpuPids: { 'api + worker': host.proc.pid },
    });
    expect(dtq.jobIds).toHaveLength(50);
    expect(new Set(dtq.jobIds).size).toBe(50);
    expect(dtq.result.jobsPerSecond).toBeGreaterThan(0);

    const bull = await runBullmqEndToEnd(settings, { runId: uniqueName('harness'), jobs: 50, inFlight: 8 });
    expect(bull.jobs).toBe(50);

    const series = (label: string, result: typeof bull) => ({ label, median: result.jobsPerSecond, min: result.jobsPerSecond, max: result.jobsPerSecond, runs: [result.jobsPerSecond], details: [result] });
    const results: BenchResults = {
      machine: { date: new Date().toISOString(), cpuModel: 'test', cores: 2, node: process.version, loadBefore: 0, loadAfter: 0, commit: 'test', versions: {} },
      settings: {},
      endToEnd: { embedded: series('dtq embedded', dtq.result), bullmq: series('BullMQ', bull), ratios: { 'dtq embedded / BullMQ': 1 } },
      notMeasured: { statusLatency: 'not run in this test' },
      durationSeconds: 1,
    };
    const markdown = renderResults(results);
    expect(markdown).toContain('| dtq embedded |');
    expect(markdown).toContain('Not measured: not run in this test.');
  });
});

if (!built) console.warn('benchmark harness test skipped: dist/ is not built (npm test builds it first)');
