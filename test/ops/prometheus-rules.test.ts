import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dashboardTargets, exportedMetricNames, promqlMetricNames } from '../support/exported-metrics.js';
import { REPO_ROOT } from '../support/processes.js';

const RULES = join(REPO_ROOT, 'ops/prometheus/alert-rules.yml');
const RULE_TESTS = join(REPO_ROOT, 'ops/prometheus/alert-rules.test.yml');
const DASHBOARD = join(REPO_ROOT, 'ops/grafana/dtq-dashboard.json');

/** Runs promtool; a missing binary fails with what to install. */
function promtool(args: string[]): { status: number | null; output: string } {
  const run = spawnSync('promtool', args, { cwd: REPO_ROOT, encoding: 'utf8' });
  if ((run.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new Error('promtool is not installed: apt-get install -y prometheus (Debian package; .ci/run installs it)');
  }
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** Every PromQL expression of the alert rules file (`expr:` scalars, block or inline). */
async function alertExpressions(): Promise<Array<{ alert: string; expr: string }>> {
  const text = await readFile(RULES, 'utf8');
  const found: Array<{ alert: string; expr: string }> = [];
  const blocks = text.split(/^\s*- alert:\s*/m).slice(1);
  for (const block of blocks) {
    const alert = block.split('\n')[0]!.trim();
    const inline = /^\s*expr:[ \t]*([^|\s].*)$/m.exec(block);
    if (inline) {
      found.push({ alert, expr: inline[1]!.trim() });
      continue;
    }
    const lines = block.split('\n');
    const start = lines.findIndex((l) => /^\s*expr:\s*\|\s*$/.test(l));
    const indent = (l: string) => l.length - l.trimStart().length;
    const exprIndent = indent(lines[start]!);
    const body: string[] = [];
    for (const line of lines.slice(start + 1)) {
      if (line.trim() !== '' && indent(line) <= exprIndent) break;
      body.push(line.trim());
    }
    found.push({ alert, expr: body.join(' ').trim() });
  }
  return found;
}

async function dashboard(): Promise<any> {
  return JSON.parse(await readFile(DASHBOARD, 'utf8'));
}

async function dashboardExpressions(): Promise<Array<{ panel: string; expr: string }>> {
  return dashboardTargets(await dashboard());
}

describe('Prometheus alert rules', () => {
  it('pass promtool check rules', () => {
    const { status, output } = promtool(['check', 'rules', RULES]);
    expect(status, output).toBe(0);
    expect(output).toContain('SUCCESS');
  });

  it('pass their unit tests (promtool test rules)', () => {
    const { status, output } = promtool(['test', 'rules', RULE_TESTS]);
    expect(status, output).toBe(0);
  });

  it('each has for:, a severity and summary, description and runbook annotations', async () => {
    const text = await readFile(RULES, 'utf8');
    const blocks = text.split(/^\s*- alert:\s*/m).slice(1);
    expect(blocks.length).toBeGreaterThanOrEqual(6);
    for (const block of blocks) {
      const name = block.split('\n')[0]!.trim();
      for (const field of [/^\s+for: \d+[smh]$/m, /^\s+severity: (critical|warning)$/m, /^\s+summary: /m, /^\s+description: /m, /^\s+runbook: /m]) {
        expect(block, `${name} lacks ${field}`).toMatch(field);
      }
    }
    for (const alert of ['DtqApiHighErrorRate', 'DtqJobFailureRatioHigh', 'DtqConsumerLagGrowing', 'DtqNoThroughputWhileJobsQueue', 'DtqWorkerDown', 'DtqProgressRpcTimeoutsRising']) {
      expect(text).toContain(`- alert: ${alert}\n`);
    }
  });
});

describe('Grafana dashboard', () => {
  it('is a current dashboard whose datasource is a ${datasource} variable of type prometheus', async () => {
    const board = await dashboard();
    expect(board.schemaVersion).toBeGreaterThanOrEqual(39);
    const variable = board.templating.list.find((v: any) => v.name === 'datasource');
    expect(variable).toMatchObject({ type: 'datasource', query: 'prometheus' });
    for (const panel of board.panels.filter((p: any) => p.type !== 'row')) {
      expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(panel.targets.length, panel.title).toBeGreaterThan(0);
    }
  });

  it('has the panels operators look at first', async () => {
    const titles = (await dashboard()).panels.map((p: any) => p.title as string).join('\n');
    for (const topic of [/throughput/i, /error rate/i, /job duration p50/i, /api latency p95/i, /in flight/i, /consumer lag/i, /worker health/i, /rpc outcomes/i, /circuit state/i, /dead letters/i]) {
      expect(titles).toMatch(topic);
    }
    const exprs = (await dashboardExpressions()).map((e) => e.expr).join('\n');
    for (const q of ['0.5', '0.95', '0.99']) expect(exprs).toContain(`histogram_quantile(${q}, sum by (le, job_type) (rate(dtq_worker_job_duration_seconds_bucket`);
  });

  it('has only valid PromQL (checked by promtool as recording rules)', async () => {
    const exprs = await dashboardExpressions();
    const rules = exprs.map((e, i) => `      - record: dtq_dashboard:panel_${i}\n        expr: ${JSON.stringify(e.expr.replaceAll('$__rate_interval', '5m'))}`);
    const dir = await mkdtemp(join(tmpdir(), 'dtq-dashboard-'));
    try {
      const file = join(dir, 'dashboard-exprs.yml');
      await writeFile(file, `groups:\n  - name: dashboard\n    rules:\n${rules.join('\n')}\n`);
      const { status, output } = promtool(['check', 'rules', file]);
      expect(status, output).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('every metric the alerts and the dashboard query is exported by dtq', () => {
  it('finds metric names in PromQL', () => {
    expect(promqlMetricNames('histogram_quantile(0.95, sum by (le, route) (rate(dtq_api_x_bucket{a="b"}[$__rate_interval])))')).toEqual(['dtq_api_x_bucket']);
    expect(promqlMetricNames('sum(increase(a_total[10m])) > 0 and (sum(b_total) or vector(0)) == 1e3')).toEqual(['a_total', 'b_total']);
    expect(promqlMetricNames('up{job="dtq-worker"} == 0')).toEqual(['up']);
  });

  it('no expression names a metric the API or worker registry lacks', async () => {
    const exported = await exportedMetricNames();
    exported.add('up'); // Prometheus's own, per scrape target.
    const used = [...(await alertExpressions()).map((e) => ({ where: `alert ${e.alert}`, expr: e.expr })), ...(await dashboardExpressions()).map((e) => ({ where: `panel "${e.panel}"`, expr: e.expr }))];
    expect(used.length).toBeGreaterThan(15);
    for (const { where, expr } of used) {
      const names = promqlMetricNames(expr);
      expect(names.length, `${where}: no metric found in ${expr}`).toBeGreaterThan(0);
      for (const name of names) expect(exported.has(name), `${where} queries ${name}, which dtq does not export`).toBe(true);
    }
  });
});
