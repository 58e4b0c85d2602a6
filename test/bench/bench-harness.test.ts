// A few-second run of the benchmark harness on small numbers, so `npm run bench` keeps working.
// It measures nothing: the numbers it gets are not looked at.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedHost, workerProgress, type BenchSettings } from '../../bench/lib/dtq-stack.js';
import { REPO_ROOT } from '../../bench/lib/processes.js';
import { renderResults } from '../../bench/report/markdown.js';
import type { BenchResults } from '../../bench/report/results.js';
import { startBullmqStack } from '../../bench/scenarios/bullmq.js';
import { runEndToEnd } from '../../bench/scenarios/end-to-end.js';
import { uniqueName } from '../support/unique.js';

// A provider of realistic shape (hundreds of ms), as the I/O-bound rows use.
const settings: BenchSettings = { workerConcurrency: 8, partitions: 4, providerDelayMs: 200, logLevel: 'warn', profile: [] };
const built = existsSync(join(REPO_ROOT, 'dist', 'functions', 'fallback-host', 'main.js'));

describe('benchmark harness (small run)', () => {
  let host: Awaited<ReturnType<typeof startEmbeddedHost>>;
  beforeAll(async () => {
    if (!built) throw new Error('dist/functions/fallback-host/main.js is missing: run npm run build:server first (npm test does)');
    host = await startEmbeddedHost(settings, 'harness-test-embedded');
  });
  afterAll(() => host?.proc.stop());

  it('runs end to end on the embedded host and on BullMQ, and renders the report', async () => {
    const dtq = await runEndToEnd({
      submitUrl: host.baseUrl,
      progress: () => workerProgress(host.metricsUrl),
      jobs: 40,
      inFlight: 8,
      watch: [host.proc],
      cpuPids: { api: host.proc.pid },
    });
    expect(dtq.jobIds).toHaveLength(40);
    expect(new Set(dtq.jobIds).size).toBe(40);
    expect(dtq.result.jobsPerSecond).toBeGreaterThan(0);
    // Eight at a time with a 200 ms provider: more than one job was seen running at once.
    expect(dtq.result.peakJobsInFlight).toBeGreaterThan(1);

    const bull = await startBullmqStack(settings, { runId: uniqueName('harness') });
    let bullRun;
    try {
      bullRun = await runEndToEnd({ submitUrl: bull.submitUrl, progress: bull.progress, jobs: 40, inFlight: 8, watch: bull.processes, cpuPids: bull.cpuPids });
      await bull.checkNoFailures();
    } finally {
      await bull.stop();
    }
    expect(new Set(bullRun.jobIds).size).toBe(40);

    const series = (label: string, result: typeof dtq.result) => ({ label, median: result.jobsPerSecond, min: result.jobsPerSecond, max: result.jobsPerSecond, runs: [result.jobsPerSecond], details: [result] });
    const results: BenchResults = {
      machine: { date: new Date().toISOString(), cpuModel: 'test', cores: 2, node: process.version, loadBefore: 0, loadAfter: 0, commit: 'test', versions: {} },
      settings: {},
      io: { jobs: 40, providerDelayMs: 200, concurrency: 8, partitions: 4, idealJobsPerSecond: 40, dtq: series('dtq embedded', dtq.result), bullmq: series('BullMQ', bullRun.result) },
      notMeasured: { status: 'not run in this test' },
      durationSeconds: 1,
    };
    const markdown = renderResults(results);
    expect(markdown).toContain('| dtq embedded |');
    expect(markdown).toMatch(/\| I\/O-bound vs BullMQ \| ≥ 0\.95 × BullMQ jobs\/s \| \d+\.\d\d × /);
    expect(markdown).toContain('Not measured (status): not run in this test.');
  });
});

if (!built) console.warn('benchmark harness test skipped: dist/ is not built (npm test builds it first)');
