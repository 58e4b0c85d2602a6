import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MONITORING_SOURCES, RENDER_COMMAND, type MonitoringSources } from './render-monitoring.js';

/** A source file of the monitoring manifests is not in the tree; the message says what to do. */
export class MissingMonitoringSourceError extends Error {
  constructor(readonly missing: string[]) {
    super(
      `missing monitoring source ${missing.join(' and ')}: the PrometheusRule, the dashboard ConfigMap and the ` +
        `Azure rule groups are generated from ${Object.values(MONITORING_SOURCES).join(' and ')}; ` +
        `add ${missing.length > 1 ? 'them' : 'it'}, then run \`${RENDER_COMMAND}\``,
    );
    this.name = 'MissingMonitoringSourceError';
  }
}

export async function readMonitoringSources(root: string): Promise<MonitoringSources> {
  const read = (path: string) => readFile(join(root, path), 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  const [alertRulesText, dashboardText] = await Promise.all([read(MONITORING_SOURCES.alertRules), read(MONITORING_SOURCES.dashboard)]);
  const missing = [
    ...(alertRulesText === undefined ? [MONITORING_SOURCES.alertRules] : []),
    ...(dashboardText === undefined ? [MONITORING_SOURCES.dashboard] : []),
  ];
  if (missing.length > 0 || alertRulesText === undefined || dashboardText === undefined) throw new MissingMonitoringSourceError(missing);
  return { alertRulesText, dashboardText };
}
