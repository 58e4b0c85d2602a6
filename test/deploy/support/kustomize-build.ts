// Builds the kustomize overlays the way `kubectl apply -k` does, in a copy of k8s/ that holds
// what a deployment adds: azure.env (from azure.env.example).
import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { parseAllDocuments, parse } from 'yaml';
import { REPO_ROOT } from '../../support/processes.js';

export const OVERLAYS = ['dev', 'prod'] as const;
export type Overlay = (typeof OVERLAYS)[number];

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: any;
}

/** kubectl's built-in kustomize (what `kubectl apply -k` uses); v5 or newer is needed for the components. */
export function kubectlKustomizeVersion(): string {
  const result = spawnSync('kubectl', ['version', '--client', '--output=json'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new Error(
      'kubectl is needed to build the kustomize overlays (kubectl kustomize, as kubectl apply -k does) and was not found: ' +
        'install kubectl 1.27 or newer (kustomize v5), e.g. `az aks install-cli`',
    );
  }
  const version = String((JSON.parse(result.stdout) as { kustomizeVersion?: string }).kustomizeVersion ?? '');
  if (!/^v?([5-9]|\d{2,})\./.test(version)) throw new Error(`kubectl's kustomize is ${version || 'unknown'}; v5 or newer is needed`);
  return version;
}

export interface KustomizeWorkspace {
  root: string;
  azureValues: Record<string, string>;
  build(overlayDir: string): K8sObject[];
  close(): Promise<void>;
}

export async function kustomizeWorkspace(): Promise<KustomizeWorkspace> {
  const root = await mkdtemp(join(tmpdir(), 'dtq-k8s-'));
  await cp(join(REPO_ROOT, 'k8s'), join(root, 'k8s'), { recursive: true });
  const example = await readFile(join(REPO_ROOT, 'k8s/components/azure-values/azure.env.example'), 'utf8');
  for (const overlay of OVERLAYS) await writeFile(join(root, 'k8s/overlays', overlay, 'azure.env'), example);
  return {
    root,
    azureValues: parseEnvFile(example),
    build(overlayDir) {
      const result = spawnSync('kubectl', ['kustomize', join(root, overlayDir)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      if (result.status !== 0) throw new Error(`kubectl kustomize ${overlayDir} failed: ${result.stderr || result.error?.message}`);
      return parseAllDocuments(result.stdout).map((doc) => doc.toJS() as K8sObject);
    },
    close: () => rm(root, { recursive: true, force: true }),
  };
}

export function parseEnvFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match) values[match[1]!] = match[2]!;
  }
  return values;
}

export function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in the build (${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')})`);
  return found;
}

/** A ConfigMap by the name the base gives it (kustomize adds a content hash). */
export function findConfigMap(objects: K8sObject[], baseName: string): K8sObject {
  const found = objects.find((o) => o.kind === 'ConfigMap' && new RegExp(`^${baseName}(-[a-z0-9]{10})?$`).test(o.metadata.name));
  if (!found) throw new Error(`no ConfigMap ${baseName} in the build`);
  return found;
}

export function readYaml(path: string): Promise<unknown> {
  return readFile(join(REPO_ROOT, path), 'utf8').then((text) => parse(text) as unknown);
}

/** Builds both overlays once for a test file (before its tests) and removes the copy after. */
export function useBuiltOverlays(): { objects(overlay: Overlay): K8sObject[]; workspace(): KustomizeWorkspace } {
  let workspace: KustomizeWorkspace | undefined;
  const built = new Map<Overlay, K8sObject[]>();
  beforeAll(async () => {
    kubectlKustomizeVersion();
    workspace = await kustomizeWorkspace();
    for (const overlay of OVERLAYS) built.set(overlay, workspace.build(`k8s/overlays/${overlay}`));
  });
  afterAll(() => workspace?.close());
  return {
    objects: (overlay) => built.get(overlay)!,
    workspace: () => workspace!,
  };
}
