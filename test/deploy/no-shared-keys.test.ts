// No Event Hubs key, anywhere: the namespace takes Entra ID tokens only, and every client gets its
// tokens from an identity of its own. The API and the worker publish and consume over OAUTHBEARER
// (deployment-drift.test.ts checks their settings); KEDA scales the worker on the consumer lag as
// managed Prometheus holds it, with its own workload identity, instead of a Kafka scaler that
// would need a key. Read from bicep/ (no Bicep compiler here) and the built overlays.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/processes.js';
import { declaredResources, literalValues, moduleParams, objectAfter, readBicep } from './support/bicep-source.js';
import { OVERLAYS, find, useBuiltOverlays } from './support/kustomize-build.js';

const MONITORING_DATA_READER = 'b0d8363b-8ddd-447d-831f-62ca05bff136';
/** What a shared Event Hubs (Service Bus) key looks like wherever it is written down. */
const SHARED_KEY_TEXT = /SharedAccessKey|\$ConnectionString|RootManageSharedAccessKey/;

const bicepFiles = () => ['bicep/main.bicep', ...readdirSync(join(REPO_ROOT, 'bicep/modules')).filter((f) => f.endsWith('.bicep')).map((f) => `bicep/modules/${f}`)];
/** The role definition id a role assignment body names, resolved through the file's `var <name> = '<guid>'`. */
function roleOf(file: ReturnType<typeof readBicep>, properties: string): string | undefined {
  const variable = /roleDefinitions', (\w+)\)/.exec(properties)?.[1];
  return variable ? new RegExp(`^var ${variable} = '([0-9a-f-]+)'`, 'm').exec(file.text)?.[1] : undefined;
}

describe('Event Hubs: Entra ID only', () => {
  const eventHubs = readBicep('bicep/modules/event-hubs.bicep');

  it('turns local (SAS) auth off on the namespace', () => {
    const [namespace] = declaredResources(eventHubs, 'Microsoft.EventHub/namespaces');
    expect(namespace, 'the Event Hubs namespace resource').toBeDefined();
    expect(namespace!.get('properties')).toMatch(/\bdisableLocalAuth: true\b/);
    expect(eventHubs.masked).not.toMatch(/disableLocalAuth: false/);
  });

  it('declares no authorization rule and reads no key, in any Bicep file', () => {
    for (const file of bicepFiles()) {
      const bicep = readBicep(file);
      expect(bicep.text, `${file}: an Event Hubs authorization rule is a shared key`).not.toMatch(/Microsoft\.EventHub\/namespaces\/(?:eventhubs\/)?authorizationRules@/);
      expect(bicep.text, `${file}: shared key text`).not.toMatch(SHARED_KEY_TEXT);
    }
    expect(eventHubs.masked, 'listKeys()/listConnectionStrings() on the namespace').not.toMatch(/\blist(?:Keys|ConnectionStrings)\s*\(/);
    expect(eventHubs.masked, 'the module writes no secret').not.toMatch(/Microsoft\.KeyVault\/vaults\/secrets@/);
    expect(declaredResources(eventHubs, 'Microsoft.KeyVault/vaults/secrets')).toEqual([]);
  });

  it('gives KEDA an identity of its own, federated with the add-on\'s keda-operator, that may read managed Prometheus', () => {
    const main = readBicep('bicep/main.bicep');
    const aks = readBicep('bicep/modules/aks.bicep');
    expect(moduleParams(main, 'aks').get('kedaIdentityName')).toBe('identities.outputs.kedaName');
    expect(literalValues(aks, 'subject')).toContain('system:serviceaccount:kube-system:keda-operator');
    const monitoring = readBicep('bicep/modules/monitoring.bicep');
    expect(moduleParams(main, 'monitoring').get('kedaPrincipalId')).toBe('identities.outputs.kedaPrincipalId');
    const reads = declaredResources(monitoring, 'Microsoft.Authorization/roleAssignments').filter(
      (body) => body.get('scope') === 'prometheusWorkspace' && /principalId: kedaPrincipalId\b/.test(body.get('properties') ?? ''),
    );
    expect(reads.map((body) => roleOf(monitoring, body.get('properties')!)), 'Monitoring Data Reader on the Azure Monitor workspace').toEqual([MONITORING_DATA_READER]);
  });
});

describe('the Kubernetes manifests hold no Event Hubs key', () => {
  const overlays = useBuiltOverlays();

  for (const overlay of OVERLAYS) {
    it(`${overlay}: KEDA authenticates with workload identity only, on a trigger that does not connect to Event Hubs`, () => {
      const objects = overlays.objects(overlay);
      const scaledObject = find(objects, 'ScaledObject', 'dtq-worker');
      const triggers = scaledObject.spec.triggers as Array<{ type: string; authenticationRef?: { name: string } }>;
      expect(triggers.filter((t) => t.type === 'kafka' || t.type === 'azure-eventhub' || t.type === 'apache-kafka'), 'a Kafka or Event Hubs trigger needs a key or a storage account').toEqual([]);
      for (const trigger of triggers) {
        const auth = find(objects, 'TriggerAuthentication', trigger.authenticationRef!.name);
        expect(auth.spec.podIdentity?.provider).toBe('azure-workload');
        expect(Object.keys(auth.spec as object), 'no secretTargetRef, env or vault reference').toEqual(['podIdentity']);
      }
    });

    it(`${overlay}: no Secret, SecretProviderClass object or value carries one`, () => {
      const objects = overlays.objects(overlay);
      expect(JSON.stringify(objects)).not.toMatch(SHARED_KEY_TEXT);
      expect(objects.filter((o) => o.kind === 'Secret').map((o) => o.metadata.name), 'no generated Secret').toEqual([]);
      const keyVaultObjects = objects
        .filter((o) => o.kind === 'SecretProviderClass')
        .flatMap((spc) => [...String(spc.spec.parameters?.objects ?? '').matchAll(/objectName:\s*(\S+)/g)].map((m) => m[1]!));
      expect(keyVaultObjects.filter((name) => /eventhub|kafka|keda/i.test(name))).toEqual([]);
    });
  }

  it('the worker and the API reach Event Hubs with OAUTHBEARER, never a SASL password', () => {
    const settings = objectAfter(readBicep('bicep/main.bicep'), /^var apiAppSettings\s*=\s*\{/m);
    expect(settings.get('KAFKA_SASL_MECHANISM')).toBe("'oauthbearer'");
    expect([...settings.keys()].filter((name) => /^KAFKA_SASL_(USERNAME|PASSWORD)$/.test(name))).toEqual([]);
    const base = readFileSync(join(REPO_ROOT, 'k8s/base/kustomization.yaml'), 'utf8');
    expect(base).toMatch(/^\s+- KAFKA_SASL_MECHANISM=oauthbearer$/m);
    expect(base).not.toMatch(/KAFKA_SASL_(USERNAME|PASSWORD)/);
  });
});
