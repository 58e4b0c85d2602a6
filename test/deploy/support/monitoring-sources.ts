import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MONITORING_SOURCES, type MonitoringSources } from '../../../scripts/monitoring/render-monitoring.js';
import { REPO_ROOT } from '../../support/processes.js';

export const FIXTURE_ROOT = join(REPO_ROOT, 'test/deploy/fixtures/monitoring');

/** Whether ops/ holds the monitoring sources in this tree (they are owned there, not here). */
export function monitoringSourcesInRepo(): boolean {
  return Object.values(MONITORING_SOURCES).every((path) => existsSync(join(REPO_ROOT, path)));
}

export async function readSources(root: string): Promise<MonitoringSources> {
  return {
    alertRulesText: await readFile(join(root, MONITORING_SOURCES.alertRules), 'utf8'),
    dashboardText: await readFile(join(root, MONITORING_SOURCES.dashboard), 'utf8'),
  };
}

/** The repository's sources, or the test fixtures (with a note saying so) while ops/ has none. */
export async function sourcesForChecks(): Promise<{ sources: MonitoringSources; fromFixtures: boolean }> {
  if (monitoringSourcesInRepo()) return { sources: await readSources(REPO_ROOT), fromFixtures: false };
  console.log(
    `note: ${Object.values(MONITORING_SOURCES).join(' and ')} are not in this tree; ` +
      'the checks that need them use test/deploy/fixtures/monitoring instead',
  );
  return { sources: await readSources(FIXTURE_ROOT), fromFixtures: true };
}
