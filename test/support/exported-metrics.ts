// What dtq exports on /metrics, and what PromQL (alert rules, dashboards) asks for, so tests can
// check that every query names a metric the code really exports.
import { createApiMetrics, createWorkerMetrics } from '../../telemetry/index.js';

/**
 * Every series name the API and the worker export on /metrics (default process metrics
 * included), with the _bucket/_sum/_count series of histograms and the _sum/_count of summaries.
 */
export async function exportedMetricNames(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const { registry } of [createApiMetrics(), createWorkerMetrics()]) {
    for (const metric of await registry.getMetricsAsJSON()) {
      // prom-client types `type` as a numeric enum; at run time it is the exposition type name.
      const type = String(metric.type);
      names.add(metric.name);
      if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${metric.name}${suffix}`);
      if (type === 'summary') for (const suffix of ['_sum', '_count']) names.add(`${metric.name}${suffix}`);
    }
  }
  return names;
}

const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'inf', 'nan']);

/** Metric names a PromQL expression selects: identifiers that are not functions, keywords, labels or durations. */
export function promqlMetricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\$\{?\w+\}?/g, '')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  const names = [...bare.matchAll(/(?<![\w.:])([a-zA-Z_:][\w:]*)(?![\w:])(?!\s*\()/g)].map((m) => m[1]!);
  return names.filter((name) => !KEYWORDS.has(name.toLowerCase()));
}

/** Values of `job="..."` matchers in a PromQL expression: the scrape jobs it expects. */
export function promqlJobNames(expr: string): string[] {
  return [...expr.matchAll(/\bjob\s*=\s*"([^"]+)"/g)].map((m) => m[1]!);
}

/** The PromQL of every panel target of a Grafana dashboard. */
export function dashboardTargets(board: { panels?: Array<{ title?: string; targets?: Array<{ expr?: string }> }> }): Array<{ panel: string; expr: string }> {
  return (board.panels ?? []).flatMap((panel) =>
    (panel.targets ?? []).flatMap((target) => (target.expr ? [{ panel: panel.title ?? '(untitled)', expr: target.expr }] : [])),
  );
}
