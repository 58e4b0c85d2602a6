// What each deployed process finds in its environment, read from the deployment files: the
// Function App's settings in Bicep and the worker's ConfigMap and Secrets in the built manifests.
import { find, type K8sObject } from './kustomize-build.js';
import { objectAfter, readBicep } from './bicep-source.js';

export interface DeployedVariable {
  /** where the value comes from */
  source: 'literal' | 'key-vault' | 'expression' | 'configmap' | 'secret' | 'env';
  /** the literal value, when there is one */
  value?: string;
}

/** dtq's own Function App settings (main.bicep `apiAppSettings`) and the platform ones (function-app.bicep). */
export function functionAppSettings(): { dtq: Map<string, DeployedVariable>; platform: Map<string, DeployedVariable> } {
  const main = readBicep('bicep/main.bicep');
  const module = readBicep('bicep/modules/function-app.bicep');
  return {
    dtq: classify(objectAfter(main, /^var apiAppSettings\s*=\s*\{/m)),
    platform: classify(objectAfter(module, /^var platformSettings\s*=\s*\{/m)),
  };
}

function classify(entries: Map<string, string>): Map<string, DeployedVariable> {
  const settings = new Map<string, DeployedVariable>();
  for (const [name, text] of entries) {
    // A plain string: no interpolation (a '$' not followed by '{' is just a character).
    const literal = /^'((?:[^'$\\]|\$(?!\{))*)'$/.exec(text);
    if (literal) settings.set(name, { source: 'literal', value: literal[1]! });
    else if (text.startsWith('keyVaultReference(')) settings.set(name, { source: 'key-vault' });
    else settings.set(name, { source: 'expression' });
  }
  return settings;
}

/** The worker container's environment in a built overlay, following envFrom to ConfigMaps and CSI-synced Secrets. */
export function workerEnvironment(objects: K8sObject[]): Map<string, DeployedVariable> {
  const deployment = find(objects, 'Deployment', 'dtq-worker');
  const container = (deployment.spec.template.spec.containers as K8sObject[]).find((c) => c.name === 'worker');
  if (!container) throw new Error('the dtq-worker Deployment has no container named worker');
  const environment = new Map<string, DeployedVariable>();
  for (const from of (container.envFrom ?? []) as Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>) {
    if (from.configMapRef) {
      const configMap = find(objects, 'ConfigMap', from.configMapRef.name);
      for (const [name, value] of Object.entries((configMap.data ?? {}) as Record<string, string>)) {
        environment.set(name, { source: 'configmap', value });
      }
    }
    if (from.secretRef) for (const key of syncedSecretKeys(objects, from.secretRef.name)) environment.set(key, { source: 'secret' });
  }
  for (const variable of (container.env ?? []) as Array<{ name: string; value?: string }>) {
    environment.set(variable.name, { source: 'env', ...(variable.value === undefined ? {} : { value: variable.value }) });
  }
  return environment;
}

/** Keys of a Secret the Secrets Store CSI driver syncs from a SecretProviderClass (or a Secret in the build). */
export function syncedSecretKeys(objects: K8sObject[], secretName: string): string[] {
  for (const spc of objects.filter((o) => o.kind === 'SecretProviderClass')) {
    const synced = ((spc.spec.secretObjects ?? []) as Array<{ secretName: string; data: Array<{ key: string }> }>).find(
      (s) => s.secretName === secretName,
    );
    if (synced) return synced.data.map((d) => d.key);
  }
  const secret = objects.find((o) => o.kind === 'Secret' && o.metadata.name === secretName);
  if (secret) return Object.keys({ ...(secret.data ?? {}), ...(secret.stringData ?? {}) });
  throw new Error(`nothing in the build provides Secret ${secretName} (no SecretProviderClass syncs it, no Secret object)`);
}

/** The SecretProviderClass that syncs a Secret, if one does. */
export function providerClassOf(objects: K8sObject[], secretName: string): K8sObject | undefined {
  return objects.find(
    (o) => o.kind === 'SecretProviderClass' && ((o.spec.secretObjects ?? []) as Array<{ secretName: string }>).some((s) => s.secretName === secretName),
  );
}

/** Key Vault object names a SecretProviderClass reads (its `objects` parameter is YAML in a string). */
export function keyVaultObjectNames(spc: K8sObject): string[] {
  const text = String(spc.spec.parameters?.objects ?? '');
  return [...text.matchAll(/objectName:\s*(\S+)/g)].map((m) => m[1]!);
}
