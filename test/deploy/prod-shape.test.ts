// What production gets that dev does not, read from bicep/ (no Bicep compiler here).
import { describe, expect, it } from 'vitest';
import { assignedParams, moduleParams, readBicep } from './support/bicep-source.js';

/** A comment line naming the Microsoft Learn page a name was checked against, right above it (optional here; required below). */
const SOURCE_COMMENT = '(?://[^\\n]*\\n\\s*)?';

describe('production shape', () => {
  it('keeps always-ready Function instances in prod (the status path meets no cold start), none in dev', () => {
    const prod = assignedParams(readBicep('bicep/main.prod.bicepparam'));
    const dev = assignedParams(readBicep('bicep/main.dev.bicepparam'));
    expect(Number(prod.get('functionAlwaysReadyInstances'))).toBeGreaterThanOrEqual(1);
    expect(dev.has('functionAlwaysReadyInstances')).toBe(false);
    expect(moduleParams(readBicep('bicep/main.bicep'), 'functionApp').get('alwaysReadyInstances')).toBe('functionAlwaysReadyInstances');
    expect(readBicep('bicep/modules/function-app.bicep').text).toMatch(
      /alwaysReady: alwaysReadyInstances > 0 \? \[\{ name: 'http', instanceCount: alwaysReadyInstances \}\] : \[\]/,
    );
  });

  it('runs dtq on a user node pool of its own, zoned in prod, beside a system pool for the add-ons only', () => {
    const aks = readBicep('bicep/modules/aks.bicep').text;
    expect(aks).toMatch(/name: 'system'\s+mode: 'System'/);
    expect(aks).toMatch(/nodeTaints: \['CriticalAddonsOnly=true:NoSchedule'\]/);
    expect(aks).toMatch(/name: 'apps'\s+mode: 'User'[\s\S]*?availabilityZones: availabilityZones/);
    const prod = assignedParams(readBicep('bicep/main.prod.bicepparam'));
    expect(prod.get('aksAvailabilityZones')).toBe("['1', '2', '3']");
    expect(moduleParams(readBicep('bicep/main.bicep'), 'aks').get('availabilityZones')).toBe('aksAvailabilityZones');
  });

  it('upgrades the cluster and the node images in a planned maintenance window only', () => {
    const aks = readBicep('bicep/modules/aks.bicep').text;
    for (const name of ['aksManagedAutoUpgradeSchedule', 'aksManagedNodeOSUpgradeSchedule']) {
      expect(aks).toMatch(new RegExp(`maintenanceConfigurations@[\\d-]+' = \\{\\s+parent: cluster\\s+${SOURCE_COMMENT}name: '${name}'`));
    }
  });

  it('collects container logs and inventory of the dtq namespace only (Container Insights)', () => {
    const monitoring = readBicep('bicep/modules/monitoring.bicep').text;
    expect(monitoring).toMatch(new RegExp(`namespaceFilteringMode: 'Include'\\s+${SOURCE_COMMENT}namespaces: \\[namespace\\]`));
    expect(moduleParams(readBicep('bicep/main.bicep'), 'monitoring').get('namespace')).toBe('kubernetesNamespace');
  });

  it('names each platform-reserved name beside the Microsoft Learn page it comes from', () => {
    const source = (file: string, line: RegExp) => {
      const lines = readBicep(file).text.split('\n');
      const at = lines.findIndex((l) => line.test(l));
      expect(at, `${file}: ${line}`).toBeGreaterThan(0);
      return lines[at - 1]!.trim();
    };
    const learn = /^\/\/ https:\/\/learn\.microsoft\.com\/azure\/\S+$/;
    // The Flex Consumption always-ready group of HTTP-triggered functions.
    expect(source('bicep/modules/function-app.bicep', /alwaysReady: .*name: 'http'/)).toMatch(learn);
    // The two maintenance configurations AKS binds to its auto-upgrade channels by name.
    expect(source('bicep/modules/aks.bicep', /name: 'aksManagedAutoUpgradeSchedule'/)).toMatch(learn);
    expect(source('bicep/modules/aks.bicep', /name: 'aksManagedNodeOSUpgradeSchedule'/)).toMatch(learn);
    // Container Insights' namespace filter (dataCollectionSettings).
    expect(source('bicep/modules/monitoring.bicep', /^\s+namespaces: \[namespace\]/)).toMatch(learn);
  });
});
