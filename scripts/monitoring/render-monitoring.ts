// Turns the monitoring sources that ops/ owns (Prometheus alert rules, the Grafana dashboard)
// into what the deployment applies, so nobody copies them by hand:
//   - a PrometheusRule for clusters with the Prometheus Operator (k8s/components/prometheus-operator),
//   - the dashboard as a ConfigMap for in-cluster Grafana (k8s/components/prometheus-operator),
//   - Azure Monitor managed Prometheus rule groups (bicep/generated, loaded by prometheus-rules.bicep).
import { z } from 'zod';
import { Document, parse } from 'yaml';
import { prometheusDurationToSeconds, secondsToIsoDuration } from './prometheus-duration.js';

export const MONITORING_SOURCES = {
  alertRules: 'ops/prometheus/alert-rules.yml',
  dashboard: 'ops/grafana/dtq-dashboard.json',
} as const;

export const MONITORING_OUTPUTS = {
  prometheusRule: 'k8s/components/prometheus-operator/prometheus-rule.yaml',
  dashboardConfigMap: 'k8s/components/prometheus-operator/grafana-dashboard.yaml',
  azureRuleGroups: 'bicep/generated/prometheus-rule-groups.json',
} as const;

export const RENDER_COMMAND = 'npm run monitoring:render';

// Loose objects: fields this renderer does not use (limit, query_offset, ...) pass through unchanged.
const RuleSchema = z
  .looseObject({
    alert: z.string().min(1).optional(),
    record: z.string().min(1).optional(),
    expr: z.union([z.string().min(1), z.number()]).transform(String),
    for: z.string().optional(),
    keep_firing_for: z.string().optional(),
    labels: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  })
  .refine((rule) => Boolean(rule.alert) !== Boolean(rule.record), 'a rule needs exactly one of "alert" or "record"');

const RuleFileSchema = z.object({
  groups: z
    .array(
      z.looseObject({
        name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'group names must be letters, digits, ".", "_" or "-" (they name Azure resources)'),
        interval: z.string().optional(),
        rules: z.array(RuleSchema).min(1),
      }),
    )
    .min(1),
});
export type PrometheusRuleFile = z.infer<typeof RuleFileSchema>;

/** Azure severities: 0 critical, 1 error, 2 warning, 3 informational, 4 verbose. */
const AZURE_SEVERITY: Record<string, number> = {
  critical: 0,
  page: 0,
  error: 1,
  high: 1,
  warning: 2,
  warn: 2,
  medium: 2,
  info: 3,
  low: 3,
  none: 4,
};
const DEFAULT_AZURE_SEVERITY = 3;
const AZURE_MIN_INTERVAL_S = 60;
const AZURE_MAX_INTERVAL_S = 15 * 60;

export class MonitoringSourceError extends Error {
  constructor(source: string, problem: string) {
    super(`${source}: ${problem}`);
    this.name = 'MonitoringSourceError';
  }
}

export interface MonitoringSources {
  alertRulesText: string;
  dashboardText: string;
}

/** Every output file's path (relative to the repository root) and exact text. */
export function renderMonitoring(sources: MonitoringSources): Record<string, string> {
  const rules = parseRuleFile(sources.alertRulesText);
  const dashboard = parseDashboard(sources.dashboardText);
  return {
    [MONITORING_OUTPUTS.prometheusRule]: renderPrometheusRule(rules),
    [MONITORING_OUTPUTS.dashboardConfigMap]: renderDashboardConfigMap(sources.dashboardText, dashboard),
    [MONITORING_OUTPUTS.azureRuleGroups]: renderAzureRuleGroups(rules),
  };
}

export function parseRuleFile(text: string): PrometheusRuleFile {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw new MonitoringSourceError(MONITORING_SOURCES.alertRules, `not valid YAML: ${(error as Error).message}`);
  }
  const parsed = RuleFileSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(file)'}: ${issue.message}`);
    throw new MonitoringSourceError(MONITORING_SOURCES.alertRules, `not a Prometheus rule file: ${problems.join('; ')}`);
  }
  return parsed.data;
}

function parseDashboard(text: string): { title: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new MonitoringSourceError(MONITORING_SOURCES.dashboard, `not valid JSON: ${(error as Error).message}`);
  }
  const parsed = z.object({ title: z.string().min(1), panels: z.array(z.unknown()) }).safeParse(raw);
  if (!parsed.success) {
    throw new MonitoringSourceError(MONITORING_SOURCES.dashboard, 'not a Grafana dashboard (needs "title" and "panels")');
  }
  return parsed.data;
}

const generatedHeader = (source: string, extra: string[] = []) =>
  [` Generated from ${source} by scripts/render-monitoring-manifests.ts: do not edit.`, ` Change the source, then run \`${RENDER_COMMAND}\`.`, ...extra].join('\n');

function yamlText(value: unknown, comment: string): string {
  const doc = new Document(value);
  doc.commentBefore = comment;
  return doc.toString({ lineWidth: 0 });
}

function renderPrometheusRule(rules: PrometheusRuleFile): string {
  return yamlText(
    {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: 'dtq-alert-rules', labels: { 'app.kubernetes.io/name': 'dtq-alert-rules' } },
      spec: { groups: rules.groups },
    },
    generatedHeader(MONITORING_SOURCES.alertRules, [
      ' For clusters running the Prometheus Operator. Azure Monitor managed Prometheus evaluates the same',
      ' rules as Azure rule groups (bicep/generated/prometheus-rule-groups.json) instead.',
    ]),
  );
}

function renderDashboardConfigMap(text: string, dashboard: { title: string }): string {
  return yamlText(
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'dtq-grafana-dashboard',
        labels: { grafana_dashboard: '1', 'app.kubernetes.io/name': 'dtq-grafana-dashboard' },
        annotations: { 'dtq.dev/dashboard-title': dashboard.title },
      },
      data: { 'dtq-dashboard.json': text },
    },
    generatedHeader(MONITORING_SOURCES.dashboard, [
      ' Picked up by in-cluster Grafana sidecars (label grafana_dashboard), with the prometheus-operator',
      ' component. Azure Managed Grafana never reads it: it gets the same JSON from scripts/deploy.sh.',
    ]),
  );
}

/**
 * Metrics nothing scrapes on Azure: the API runs on Functions, whose instances managed Prometheus
 * never sees. Rules on them stay in the PrometheusRule (the fallback host can be scraped); on
 * Azure, bicep/modules/api-alerts.bicep watches the API through Application Insights instead.
 */
export const UNSCRAPED_ON_AZURE = /\bdtq_api_/;

function renderAzureRuleGroups(rules: PrometheusRuleFile): string {
  const notes: string[] = [];
  const scraped = rules.groups
    .map((group) => {
      const kept = group.rules.filter((rule) => !UNSCRAPED_ON_AZURE.test(rule.expr));
      for (const rule of group.rules.filter((r) => !kept.includes(r))) {
        notes.push(`${rule.alert ?? rule.record} (group ${group.name}) left out: it reads dtq_api_* metrics, which nothing scrapes on Azure`);
      }
      return { ...group, rules: kept };
    })
    .filter((group) => group.rules.length > 0);
  const groups = scraped.map((group) => {
    let intervalSeconds = group.interval ? toSeconds(group.interval, `group ${group.name} interval`) : AZURE_MIN_INTERVAL_S;
    if (intervalSeconds < AZURE_MIN_INTERVAL_S) {
      notes.push(`group ${group.name}: interval ${group.interval} raised to 1m, the shortest Azure evaluates`);
      intervalSeconds = AZURE_MIN_INTERVAL_S;
    }
    if (intervalSeconds > AZURE_MAX_INTERVAL_S) {
      throw new MonitoringSourceError(MONITORING_SOURCES.alertRules, `group ${group.name}: interval ${group.interval} is over 15m, the longest Azure evaluates`);
    }
    return { name: group.name, interval: secondsToIsoDuration(intervalSeconds), rules: group.rules.map((rule) => azureRule(group.name, rule)) };
  });
  const doc = { generated_by: 'scripts/render-monitoring-manifests.ts', source: MONITORING_SOURCES.alertRules, notes, groups };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function azureRule(group: string, rule: PrometheusRuleFile['groups'][number]['rules'][number]): Record<string, unknown> {
  if (rule.record) {
    return { record: rule.record, expression: rule.expr, enabled: true, ...(rule.labels ? { labels: rule.labels } : {}) };
  }
  const severityLabel = rule.labels?.severity?.toLowerCase();
  if (severityLabel !== undefined && !(severityLabel in AZURE_SEVERITY)) {
    throw new MonitoringSourceError(
      MONITORING_SOURCES.alertRules,
      `alert ${rule.alert} (group ${group}): severity "${rule.labels?.severity}" has no Azure severity; use one of ${Object.keys(AZURE_SEVERITY).join(', ')}`,
    );
  }
  // `for: 0m` fires at once, which Azure expresses by leaving `for` out.
  const forSeconds = rule.for ? toSeconds(rule.for, `alert ${rule.alert} for`) : 0;
  return {
    alert: rule.alert,
    expression: rule.expr,
    ...(forSeconds > 0 ? { for: secondsToIsoDuration(forSeconds) } : {}),
    severity: severityLabel === undefined ? DEFAULT_AZURE_SEVERITY : AZURE_SEVERITY[severityLabel],
    enabled: true,
    ...(rule.labels ? { labels: rule.labels } : {}),
    ...(rule.annotations ? { annotations: rule.annotations } : {}),
    resolveConfiguration: { autoResolved: true, timeToResolve: 'PT10M' },
  };
}

function toSeconds(duration: string, what: string): number {
  try {
    return prometheusDurationToSeconds(duration);
  } catch (error) {
    throw new MonitoringSourceError(MONITORING_SOURCES.alertRules, `${what}: ${(error as Error).message}`);
  }
}
