// What production gets that dev does not, read from bicep/ (no Bicep compiler here).
import { describe, expect, it } from 'vitest';
import { assignedParams, moduleParams, readBicep } from './support/bicep-source.js';

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
      expect(aks).toMatch(new RegExp(`maintenanceConfigurations@[\\d-]+' = \\{\\s+parent: cluster\\s+name: '${name}'`));
    }
  });

  it('collects container logs and inventory of the dtq namespace only (Container Insights)', () => {
    const monitoring = readBicep('bicep/modules/monitoring.bicep').text;
    expect(monitoring).toMatch(/namespaceFilteringMode: 'Include'\s+namespaces: \[namespace\]/);
    expect(moduleParams(readBicep('bicep/main.bicep'), 'monitoring').get('namespace')).toBe('kubernetesNamespace');
  });
});
