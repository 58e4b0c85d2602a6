// The monitoring manifests are generated from ops/ (alert rules, dashboard) and must not go stale;
// the renderer turns Prometheus rules into Azure rule groups without losing or inventing meaning.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { prometheusDurationToSeconds, secondsToIsoDuration } from '../../scripts/monitoring/prometheus-duration.js';
import { MONITORING_OUTPUTS, MONITORING_SOURCES, renderMonitoring } from '../../scripts/monitoring/render-monitoring.js';
import { REPO_ROOT } from '../support/processes.js';
import { readMonitoringSources } from '../../scripts/monitoring/read-sources.js';
import { FIXTURE_ROOT } from './support/monitoring-sources.js';

const renderCli = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'scripts/render-monitoring-manifests.ts'), ...args], {
    encoding: 'utf8',
    cwd: REPO_ROOT,
  });

describe('monitoring manifests: rendering', () => {
  it('leaves rules on dtq_api_* metrics out of the Azure rule groups (nothing scrapes the API on Functions), saying so', () => {
    const azure = JSON.parse(readFileSync(join(REPO_ROOT, MONITORING_OUTPUTS.azureRuleGroups), 'utf8')) as {
      notes: string[];
      groups: Array<{ rules: Array<{ expression: string }> }>;
    };
    expect(azure.groups.flatMap((g) => g.rules).filter((r) => /\bdtq_api_/.test(r.expression))).toEqual([]);
    expect(azure.notes.some((note) => note.includes('nothing scrapes on Azure'))).toBe(true);
  });

  it('renders the rules as a PrometheusRule, Azure rule groups, and the dashboard as a ConfigMap', async () => {
    const sources = await readMonitoringSources(FIXTURE_ROOT);
    const outputs = renderMonitoring(sources);
    expect(Object.keys(outputs).sort()).toEqual(Object.values(MONITORING_OUTPUTS).sort());

    const rule = parse(outputs[MONITORING_OUTPUTS.prometheusRule]!) as { kind: string; spec: { groups: unknown } };
    expect(rule.kind).toBe('PrometheusRule');
    expect(rule.spec.groups).toEqual((parse(sources.alertRulesText) as { groups: unknown }).groups);

    const configMap = parse(outputs[MONITORING_OUTPUTS.dashboardConfigMap]!) as { data: Record<string, string> };
    expect(configMap.data['dtq-dashboard.json']).toBe(sources.dashboardText);

    const azure = JSON.parse(outputs[MONITORING_OUTPUTS.azureRuleGroups]!) as {
      notes: string[];
      groups: Array<{ name: string; interval: string; rules: Array<Record<string, unknown>> }>;
    };
    const [group] = azure.groups;
    expect(group!.interval, 'Azure evaluates every minute at most').toBe('PT1M');
    expect(azure.notes.join()).toContain('30s raised to 1m');
    expect(group!.rules[0]).toEqual({
      record: 'dtq:worker_jobs_failed:rate5m',
      expression: 'sum(rate(dtq_worker_jobs_processed_total{outcome="failed"}[5m]))',
      enabled: true,
    });
    expect(group!.rules[1]).toMatchObject({ alert: 'DtqWorkerJobFailures', for: 'PT10M', severity: 2, labels: { severity: 'warning' } });
    expect(group!.rules[2]).toMatchObject({ alert: 'DtqWorkerDown', for: 'PT1H30M', severity: 0 });
  });

  it('converts Prometheus durations to ISO 8601', () => {
    const cases: Array<[string, string]> = [['30s', 'PT30S'], ['5m', 'PT5M'], ['1h30m', 'PT1H30M'], ['2d', 'P2D'], ['1w1d12h', 'P8DT12H'], ['0s', 'PT0S']];
    for (const [prometheus, iso] of cases) expect(secondsToIsoDuration(prometheusDurationToSeconds(prometheus))).toBe(iso);
    for (const bad of ['', '5', '1.5m', '100ms', 'm5']) expect(() => prometheusDurationToSeconds(bad)).toThrow(/not a Prometheus duration/);
  });

  it('rejects sources it cannot render faithfully, naming the file and the problem', async () => {
    const { alertRulesText, dashboardText } = await readMonitoringSources(FIXTURE_ROOT);
    const render = (rules: string, dashboard = dashboardText) => () => renderMonitoring({ alertRulesText: rules, dashboardText: dashboard });
    expect(render('groups: [')).toThrow(/ops\/prometheus\/alert-rules\.yml: not valid YAML/);
    expect(render('groups: []')).toThrow(/not a Prometheus rule file/);
    expect(render('groups:\n  - name: g\n    rules:\n      - expr: up\n')).toThrow(/exactly one of "alert" or "record"/);
    expect(render(alertRulesText.replace('severity: warning', 'severity: sev9'))).toThrow(/severity "sev9" has no Azure severity/);
    expect(render(alertRulesText.replace('for: 10m', 'for: 10 minutes'))).toThrow(/DtqWorkerJobFailures for: "10 minutes" is not a Prometheus duration/);
    const immediate = JSON.parse(render(alertRulesText.replace('for: 10m', 'for: 0m'))()[MONITORING_OUTPUTS.azureRuleGroups]!) as {
      groups: Array<{ rules: Array<Record<string, unknown>> }>;
    };
    expect(immediate.groups[0]!.rules[1], 'for: 0m fires at once: no for in Azure').not.toHaveProperty('for');
    expect(render(alertRulesText, '{"title": "x"}')).toThrow(/ops\/grafana\/dtq-dashboard\.json: not a Grafana dashboard/);
  });
});

describe('monitoring manifests: scripts/render-monitoring-manifests.ts', () => {
  it('writes, then checks, the outputs of a tree; a missing source fails naming it', async () => {
    const root = await mkdtemp(join(tmpdir(), 'dtq-monitoring-'));
    try {
      const missing = renderCli(['--root', root, '--check']);
      expect(missing.status).toBe(2);
      expect(missing.stderr).toContain(`missing monitoring source ${MONITORING_SOURCES.alertRules} and ${MONITORING_SOURCES.dashboard}`);

      await cp(join(FIXTURE_ROOT, 'ops'), join(root, 'ops'), { recursive: true });
      const stale = renderCli(['--root', root, '--check']);
      expect(stale.status).toBe(1);
      expect(stale.stderr).toContain('out of date');
      expect(stale.stderr).toContain('npm run monitoring:render');

      expect(renderCli(['--root', root]).status).toBe(0);
      expect(renderCli(['--root', root, '--check']).status).toBe(0);
      expect(await readFile(join(root, MONITORING_OUTPUTS.azureRuleGroups), 'utf8')).toContain('"source": "ops/prometheus/alert-rules.yml"');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('monitoring manifests: this repository', () => {
  it('match their sources in ops/ (run `npm run monitoring:render` after changing one)', () => {
    const check = renderCli(['--check']);
    expect(check.stderr + check.stdout).toContain('up to date');
    expect(check.status).toBe(0);
  });
});
