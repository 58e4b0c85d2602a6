import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, weatherJob } from '../support/http-client.js';
import { REPO_ROOT, freePort, startNode, startProcess, type RunningChild } from '../support/processes.js';
import { servicesMode } from '../support/services-mode.js';
import { waitFor } from '../support/wait-for.js';

const ENTRY = join(REPO_ROOT, 'dist/all-in-one/main.js');
const PROMETHEUS = '/usr/bin/prometheus';
const ALERT_RULES = join(REPO_ROOT, 'ops/prometheus/alert-rules.yml');

/**
 * A real Prometheus scraping the built `npm start` process, as it would in a cluster, with the
 * process on every real server (Kafka, Redis, RabbitMQ, the MongoDB-wire server).
 */
describe('Prometheus scrapes the API and the worker in services mode', () => {
  const services = servicesMode('dtq-prometheus');
  let app: RunningChild;
  let prometheus: RunningChild;
  let dir: string;
  let apiBase: string;
  let promBase: string;

  beforeAll(async () => {
    if (!existsSync(PROMETHEUS)) throw new Error(`${PROMETHEUS} is missing: install it with apt-get install -y prometheus (.ci/run does)`);
    if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run npm run build first (npm test does)`);
    const [apiPort, workerPort, promPort] = [await freePort(), await freePort(), await freePort()];
    apiBase = `http://127.0.0.1:${apiPort}`;
    promBase = `http://127.0.0.1:${promPort}`;
    app = startNode(ENTRY, { ...services.env, PORT: String(apiPort), WORKER_METRICS_PORT: String(workerPort), SIMULATED_PROVIDER_DELAY_MS: '10' });
    await app.waitForLine(/dtq ready/, 60_000);

    dir = await mkdtemp(join(tmpdir(), 'dtq-prometheus-'));
    const config = [
      'global:',
      '  scrape_interval: 1s',
      '  evaluation_interval: 1s',
      'rule_files:',
      `  - ${JSON.stringify(ALERT_RULES)}`,
      'scrape_configs:',
      '  - job_name: dtq-api',
      '    static_configs:',
      `      - targets: ["127.0.0.1:${apiPort}"]`,
      '  - job_name: dtq-worker',
      '    static_configs:',
      `      - targets: ["127.0.0.1:${workerPort}"]`,
      '',
    ].join('\n');
    await writeFile(join(dir, 'prometheus.yml'), config);
    prometheus = startProcess(PROMETHEUS, [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
    ]);
    await waitFor(async () => ((await fetch(`${promBase}/-/ready`).catch(() => undefined))?.ok ? true : undefined), {
      timeoutMs: 30_000,
      intervalMs: 200,
      what: `Prometheus to be ready; its output: ${prometheus.stderr.slice(-5).join('\n')}`,
    });
  });

  afterAll(async () => {
    await prometheus?.stop('SIGKILL');
    await app?.stop('SIGKILL');
    await services.cleanup();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const query = async (promql: string): Promise<number | undefined> => {
    const answer = (await (await fetch(`${promBase}/api/v1/query?query=${encodeURIComponent(promql)}`)).json()) as any;
    const sample = answer.data?.result?.[0];
    return sample ? Number(sample.value[1]) : undefined;
  };

  it('finds both targets up', async () => {
    const health = await waitFor(
      async () => {
        const targets = (await (await fetch(`${promBase}/api/v1/targets`)).json()) as any;
        const byJob = Object.fromEntries(targets.data.activeTargets.map((t: any) => [t.labels.job, t.health]));
        return byJob['dtq-api'] === 'up' && byJob['dtq-worker'] === 'up' ? byJob : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 250, what: 'both scrape targets to be up' },
    );
    expect(health).toEqual({ 'dtq-api': 'up', 'dtq-worker': 'up' });
  });

  it('sees jobs submitted and processed rising', async () => {
    const counts = async () => ({
      submitted: (await query('sum(dtq_api_jobs_submitted_total)')) ?? 0,
      processed: (await query('sum(dtq_worker_jobs_processed_total)')) ?? 0,
    });
    const before = await counts();
    for (let round = 0; round < 2; round++) {
      const goal = { submitted: before.submitted + 3 * (round + 1), processed: before.processed + 3 * (round + 1) };
      for (let i = 0; i < 3; i++) expect((await postJson(`${apiBase}/v1/jobs`, weatherJob(`Scraped ${round}-${i}`))).status).toBe(202);
      const seen = await waitFor(
        async () => {
          const now = await counts();
          return now.submitted >= goal.submitted && now.processed >= goal.processed ? now : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 250, what: `Prometheus to see ${goal.submitted} submitted and ${goal.processed} processed jobs` },
      );
      expect(seen.submitted).toBeGreaterThanOrEqual(goal.submitted);
    }
    expect(await query('sum(dtq_worker_job_duration_seconds_count)')).toBeGreaterThanOrEqual(6);
    expect(await query('up{job="dtq-worker"}')).toBe(1);
  });

  it('loads the alert rules, with nothing firing on a healthy process', async () => {
    const rules = (await (await fetch(`${promBase}/api/v1/rules?type=alert`)).json()) as any;
    const names = rules.data.groups.flatMap((g: any) => g.rules.map((r: any) => r.name));
    expect(names).toEqual(expect.arrayContaining(['DtqWorkerDown', 'DtqApiHighErrorRate', 'DtqNoThroughputWhileJobsQueue']));
    const unhealthy = rules.data.groups.flatMap((g: any) => g.rules).filter((r: any) => r.health === 'err');
    expect(unhealthy, JSON.stringify(unhealthy)).toEqual([]);
    const alerts = (await (await fetch(`${promBase}/api/v1/alerts`)).json()) as any;
    expect(alerts.data.alerts.filter((a: any) => a.state === 'firing')).toEqual([]);
  });
});
