// The kustomize overlays build (with kubectl's kustomize, as `kubectl apply -k` does), and what
// they build hangs together: kinds the AKS add-ons serve, probes on the health port, a grace
// period above the drain timeout, selectors that select, Secrets that something provides.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { providerClassOf } from './support/deployed-environment.js';
import { OVERLAYS, find, findConfigMap, kubectlKustomizeVersion, useBuiltOverlays, type K8sObject } from './support/kustomize-build.js';

/** Every kind the manifests may use, with the API version the cluster (and its add-ons) serves. */
const KNOWN_KINDS: Record<string, string> = {
  Namespace: 'v1',
  ServiceAccount: 'v1',
  ConfigMap: 'v1',
  Secret: 'v1',
  Service: 'v1',
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  PodDisruptionBudget: 'policy/v1',
  // Azure Monitor managed Prometheus add-on (ama-metrics)
  PodMonitor: 'azmonitoring.coreos.com/v1',
  ServiceMonitor: 'azmonitoring.coreos.com/v1',
  // KEDA add-on
  ScaledObject: 'keda.sh/v1alpha1',
  TriggerAuthentication: 'keda.sh/v1alpha1',
  // azure-keyvault-secrets-provider add-on
  SecretProviderClass: 'secrets-store.csi.x-k8s.io/v1',
};
const CLUSTER_SCOPED = new Set(['Namespace']);
const PLACEHOLDER = 'set-by-azure-values';

const overlays = useBuiltOverlays();
const workspace = () => overlays.workspace();

const podSpec = (workload: K8sObject) => workload.spec.template.spec as K8sObject;
const podLabels = (workload: K8sObject) => workload.spec.template.metadata.labels as Record<string, string>;
const containers = (workload: K8sObject) => podSpec(workload).containers as K8sObject[];
const selects = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels[key] === value);
const workloads = (objects: K8sObject[]) => objects.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet');

describe.each(OVERLAYS)('k8s/overlays/%s', (overlay) => {
  const objects = () => overlays.objects(overlay);

  it('builds with kubectl kustomize, as kubectl apply -k does', () => {
    console.log(`kubectl kustomize ${kubectlKustomizeVersion()}: k8s/overlays/${overlay} builds ${objects().length} objects`);
    expect(objects().length).toBeGreaterThan(10);
  });

  it('uses only kinds and API versions the cluster and its add-ons serve, all in the dtq namespace', () => {
    for (const object of objects()) {
      const where = `${object.kind}/${object.metadata.name}`;
      expect(KNOWN_KINDS[object.kind], `${where}: unexpected kind`).toBeDefined();
      expect(object.apiVersion, where).toBe(KNOWN_KINDS[object.kind]);
      if (!CLUSTER_SCOPED.has(object.kind)) expect(object.metadata.namespace, where).toBe('dtq');
      expect(object.metadata.labels?.['app.kubernetes.io/part-of'], where).toBe('dtq');
    }
    expect(objects().some((o) => o.metadata.name === 'dtq-azure-values'), 'the azure-values ConfigMap is local config only').toBe(false);
  });

  it('has every deployment-specific value filled in from azure.env', () => {
    expect(JSON.stringify(objects())).not.toContain(PLACEHOLDER);
    const worker = find(objects(), 'Deployment', 'dtq-worker');
    expect(containers(worker)[0]!.image).toBe(workspace().azureValues.WORKER_IMAGE);
    const rabbitmq = find(objects(), 'Service', 'dtq-rabbitmq');
    expect(rabbitmq.spec.type).toBe('LoadBalancer');
    expect(rabbitmq.metadata.annotations).toMatchObject({
      'service.beta.kubernetes.io/azure-load-balancer-internal': 'true',
      'service.beta.kubernetes.io/azure-load-balancer-ipv4': workspace().azureValues.RABBITMQ_PRIVATE_IP,
    });
  });

  it('probes the worker on its health port and gives it longer than the drain timeout to stop', () => {
    const worker = find(objects(), 'Deployment', 'dtq-worker');
    const config = findConfigMap(objects(), 'dtq-worker-config').data as Record<string, string>;
    const container = containers(worker).find((c) => c.name === 'worker')!;
    const port = (container.ports as Array<{ name: string; containerPort: number }>).find((p) => p.name === 'metrics');
    expect(port?.containerPort, 'containerPort "metrics" = WORKER_METRICS_PORT').toBe(Number(config.WORKER_METRICS_PORT));
    const probePort = (probe: K8sObject) => {
      const target = probe.httpGet.port as string | number;
      return typeof target === 'number' ? target : (container.ports as Array<{ name: string; containerPort: number }>).find((p) => p.name === target)?.containerPort;
    };
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe]) {
      expect(probePort(probe as K8sObject)).toBe(Number(config.WORKER_METRICS_PORT));
    }
    const drainSeconds = Number(config.SHUTDOWN_TIMEOUT_MS) / 1000;
    expect(podSpec(worker).terminationGracePeriodSeconds, 'grace period >= drain timeout + 10 s to close connections').toBeGreaterThanOrEqual(
      drainSeconds + 10,
    );
    expect(worker.spec.replicas, 'KEDA owns the replica count; a fixed one would fight it on every apply').toBeUndefined();
  });

  it('has selectors that select: Deployment, Service, PodMonitor, PodDisruptionBudget, ScaledObject', () => {
    for (const workload of workloads(objects())) {
      expect(selects(workload.spec.selector.matchLabels, podLabels(workload)), `${workload.metadata.name} selector`).toBe(true);
    }
    const podsMatching = (selector: Record<string, string>) => workloads(objects()).filter((w) => selects(selector, podLabels(w)));
    const portNames = (workload: K8sObject) => containers(workload).flatMap((c) => ((c.ports ?? []) as Array<{ name: string }>).map((p) => p.name));
    for (const service of objects().filter((o) => o.kind === 'Service')) {
      const [target] = podsMatching(service.spec.selector);
      expect(target, `Service ${service.metadata.name} selects no pods`).toBeDefined();
      for (const port of service.spec.ports as Array<{ targetPort: string | number }>) {
        if (typeof port.targetPort === 'string') expect(portNames(target!), `Service ${service.metadata.name}`).toContain(port.targetPort);
      }
    }
    for (const monitor of objects().filter((o) => o.kind === 'PodMonitor')) {
      const [target] = podsMatching(monitor.spec.selector.matchLabels);
      expect(target, `PodMonitor ${monitor.metadata.name} selects no pods`).toBeDefined();
      for (const endpoint of monitor.spec.podMetricsEndpoints as Array<{ port: string }>) expect(portNames(target!)).toContain(endpoint.port);
    }
    for (const budget of objects().filter((o) => o.kind === 'PodDisruptionBudget')) {
      expect(podsMatching(budget.spec.selector.matchLabels), `PodDisruptionBudget ${budget.metadata.name}`).toHaveLength(1);
    }
    const scaled = find(objects(), 'ScaledObject', 'dtq-worker');
    expect(find(objects(), 'Deployment', scaled.spec.scaleTargetRef.name)).toBeDefined();
  });

  it('mounts the SecretProviderClass of every synced Secret a pod or KEDA reads', () => {
    for (const workload of workloads(objects())) {
      const mounted = ((podSpec(workload).volumes ?? []) as K8sObject[]).flatMap((v) => (v.csi ? [v.csi.volumeAttributes.secretProviderClass as string] : []));
      const secretsRead = containers(workload).flatMap((c) => [
        ...((c.envFrom ?? []) as K8sObject[]).flatMap((from) => (from.secretRef ? [from.secretRef.name as string] : [])),
        ...((c.env ?? []) as K8sObject[]).flatMap((env) => (env.valueFrom?.secretKeyRef ? [env.valueFrom.secretKeyRef.name as string] : [])),
      ]);
      for (const secret of secretsRead) {
        const provider = providerClassOf(objects(), secret);
        expect(provider, `${workload.metadata.name} reads Secret ${secret}, which no SecretProviderClass syncs`).toBeDefined();
        expect(mounted, `${workload.metadata.name} must mount ${provider!.metadata.name} for ${secret} to exist`).toContain(provider!.metadata.name);
      }
    }
    // KEDA reads no Secret: every TriggerAuthentication takes tokens of KEDA's workload identity.
    for (const auth of objects().filter((o) => o.kind === 'TriggerAuthentication')) {
      expect(auth.spec, `TriggerAuthentication ${auth.metadata.name}`).toEqual({
        podIdentity: { provider: 'azure-workload', identityId: workspace().azureValues.KEDA_IDENTITY_CLIENT_ID },
      });
    }
  });

  it('runs pods that read Key Vault with workload identity', () => {
    for (const workload of workloads(objects())) {
      const accountName = podSpec(workload).serviceAccountName as string;
      const account = find(objects(), 'ServiceAccount', accountName);
      expect(podLabels(workload)['azure.workload.identity/use']).toBe('true');
      const clientId = account.metadata.annotations?.['azure.workload.identity/client-id'];
      expect(clientId).toMatch(/^[0-9a-f-]{36}$/);
      for (const volume of (podSpec(workload).volumes ?? []) as K8sObject[]) {
        if (!volume.csi) continue;
        const spc = find(objects(), 'SecretProviderClass', volume.csi.volumeAttributes.secretProviderClass);
        expect(spc.spec.parameters).toMatchObject({ usePodIdentity: 'false', clientID: clientId, keyvaultName: workspace().azureValues.KEY_VAULT_NAME });
      }
    }
  });

  it('runs the worker unprivileged with a read-only root filesystem', () => {
    const worker = find(objects(), 'Deployment', 'dtq-worker');
    expect(podSpec(worker).securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(containers(worker)[0]!.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
  });

  it('applies no Grafana dashboard ConfigMap (Azure Managed Grafana never reads one; deploy.sh imports the dashboard)', () => {
    expect(objects().some((o) => o.metadata.name === 'dtq-grafana-dashboard')).toBe(false);
  });
});

describe('k8s/components/prometheus-operator', () => {
  it('adds the alert rules as a PrometheusRule to an overlay', async () => {
    const dir = join(workspace().root, 'k8s/overlays/with-prometheus-operator');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'kustomization.yaml'), 'resources:\n  - ../dev\ncomponents:\n  - ../../components/prometheus-operator\n');
    const objects = workspace().build('k8s/overlays/with-prometheus-operator');
    const rule = find(objects, 'PrometheusRule', 'dtq-alert-rules');
    expect(rule.apiVersion).toBe('monitoring.coreos.com/v1');
    expect((rule.spec.groups as unknown[]).length).toBeGreaterThan(0);
    // In-cluster Grafana's sidecar takes the dashboard from a labelled ConfigMap.
    const dashboard = find(objects, 'ConfigMap', 'dtq-grafana-dashboard');
    expect(dashboard.metadata.labels?.grafana_dashboard).toBe('1');
    expect(JSON.parse(dashboard.data['dtq-dashboard.json'] as string)).toHaveProperty('panels');
    expect(overlays.objects('dev').some((o) => o.kind === 'PrometheusRule'), 'AKS overlays: managed Prometheus has no PrometheusRule CRD').toBe(false);
  });
});
