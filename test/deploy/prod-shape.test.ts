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
});
