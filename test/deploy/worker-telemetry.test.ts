// The worker on AKS sends its spans to the Application Insights resource the API uses, so a job's
// trace holds both: Bicep outputs the connection string, scripts/deploy.sh carries it into
// azure.env, the kustomize component puts it into the worker's environment, and the worker's
// workload identity may publish there (the resource has local auth off, so no key would do).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/processes.js';
import { declaredResources, moduleParams, readBicep } from './support/bicep-source.js';
import { workerEnvironment } from './support/deployed-environment.js';
import { OVERLAYS, useBuiltOverlays } from './support/kustomize-build.js';

const METRICS_PUBLISHER = '3913510d-42f4-4e42-8a64-420c390055eb';

describe('the worker exports its traces to Application Insights on Azure', () => {
  const overlays = useBuiltOverlays();

  it('Bicep outputs the connection string of the Application Insights resource the Function App uses', () => {
    const monitoring = readBicep('bicep/modules/monitoring.bicep');
    expect(monitoring.text).toMatch(/^output appInsightsConnectionString string = appInsights\.properties\.ConnectionString$/m);
    expect(readBicep('bicep/main.bicep').text).toMatch(/^output appInsightsConnectionString string = monitoring\.outputs\.appInsightsConnectionString$/m);
    expect(moduleParams(readBicep('bicep/main.bicep'), 'functionApp').get('appInsightsName')).toBe('monitoring.outputs.appInsightsName');
    // Entra-only ingestion: the connection string is an address, not a credential.
    expect(monitoring.text).toMatch(/DisableLocalAuth: true/);
  });

  it("gives the worker's identity Monitoring Metrics Publisher on that resource, as the Function App's has", () => {
    const monitoring = readBicep('bicep/modules/monitoring.bicep');
    expect(moduleParams(readBicep('bicep/main.bicep'), 'monitoring').get('workerPrincipalId')).toBe('identities.outputs.workerPrincipalId');
    const grants = declaredResources(monitoring, 'Microsoft.Authorization/roleAssignments').filter(
      (body) => body.get('scope') === 'appInsights' && /principalId: workerPrincipalId\b/.test(body.get('properties') ?? ''),
    );
    expect(grants).toHaveLength(1);
    const role = /roleDefinitions', (\w+)\)/.exec(grants[0]!.get('properties')!)![1]!;
    expect(new RegExp(`^var ${role} = '${METRICS_PUBLISHER}'`, 'm').test(monitoring.text), 'Monitoring Metrics Publisher').toBe(true);
  });

  it('scripts/deploy.sh writes it into azure.env from that output', () => {
    const script = readFileSync(join(REPO_ROOT, 'scripts/deploy.sh'), 'utf8');
    expect(script).toMatch(/^APPLICATIONINSIGHTS_CONNECTION_STRING=\$\(output appInsightsConnectionString\)$/m);
  });

  for (const overlay of OVERLAYS) {
    it(`${overlay}: the worker container gets it, with Entra ID authentication, and runs as its workload identity`, () => {
      const objects = overlays.objects(overlay);
      const environment = workerEnvironment(objects);
      expect(environment.get('APPLICATIONINSIGHTS_CONNECTION_STRING')?.value).toBe(overlays.workspace().azureValues.APPLICATIONINSIGHTS_CONNECTION_STRING);
      // telemetry/trace-export.ts takes Entra ID tokens (DefaultAzureCredential: workload identity on AKS) on this value.
      expect(environment.get('APPLICATIONINSIGHTS_AUTHENTICATION_STRING')?.value).toMatch(/Authorization=AAD/i);
      const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'dtq-worker')!;
      expect(deployment.spec.template.metadata.labels['azure.workload.identity/use']).toBe('true');
    });
  }
});
