import { createApiMetrics, createWorkerMetrics } from '../../telemetry/index.js';

/**
 * Every series name the API and the worker export on /metrics (default process metrics
 * included), with the _bucket/_sum/_count series of histograms and summaries.
 */
export async function exportedMetricNames(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const { registry } of [createApiMetrics(), createWorkerMetrics()]) {
    for (const metric of await registry.getMetricsAsJSON()) {
      names.add(metric.name);
      const type = String(metric.type);
      if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${metric.name}${suffix}`);
      if (type === 'summary') for (const suffix of ['_sum', '_count']) names.add(`${metric.name}${suffix}`);
    }
  }
  return names;
}

/** dtq's own metric names (dtq_...) a PromQL expression reads; recording-rule names (with ':') are not metrics. */
export function dtqMetricsInPromql(expression: string): string[] {
  return [...expression.matchAll(/(?<![A-Za-z0-9_:])dtq_[A-Za-z0-9_]+(?![A-Za-z0-9_:])/g)].map((m) => m[0]);
}

/** Every PromQL expression of a Grafana dashboard: panel targets and template variable queries. */
export function dashboardExpressions(dashboard: unknown): string[] {
  const found: string[] = [];
  const visit = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if ((key === 'expr' || key === 'query' || key === 'definition') && typeof value === 'string') found.push(value);
      else visit(value);
    }
  };
  visit(dashboard);
  return found;
}
