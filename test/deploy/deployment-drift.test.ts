// The deployment cannot drift from the code: what the Function App settings (Bicep) and the
// worker manifests (kustomize) set is checked against the config schema read at test time, the
// names they share with the code (topics, consumer group, namespace, secrets) against the code,
// and the metrics the alert rules and dashboard query against what the code exports.
import { readdirSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { ZodType } from 'zod';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parse } from 'yaml';
import { CONFIG_VARIABLES, ConfigSchema } from '../../config/index.js';
import { DEAD_LETTER_TOPIC, JOB_TYPES } from '../../contracts/index.js';
import { CATALOG_RENDER_COMMAND, renderCatalogFiles } from '../../scripts/catalog/render-catalog-files.js';
import { jobSettingVariables } from '../../composition/job-handlers.js';
import { ROUTES } from '../../api/route-table.js';
import { dashboardTargets, exportedMetricNames, promqlJobNames, promqlMetricNames } from '../support/exported-metrics.js';
import { REPO_ROOT } from '../support/processes.js';
import { assignedParams, declaredParams, declaredResources, literalValues, readBicep } from './support/bicep-source.js';
import { functionAppSettings, keyVaultObjectNames, providerClassOf, workerEnvironment, type DeployedVariable } from './support/deployed-environment.js';
import { OVERLAYS, find, findConfigMap, useBuiltOverlays } from './support/kustomize-build.js';
import { readMonitoringSources } from '../../scripts/monitoring/read-sources.js';
import { parseRuleFile } from '../../scripts/monitoring/render-monitoring.js';

/** What dtq reads: its config schema, and the settings each job type declares (the worker reads them). */
const schema = new Set<string>([...CONFIG_VARIABLES, ...Object.values(jobSettingVariables()).flat()]);
const fieldOf = (name: string) => (ConfigSchema.shape as Record<string, ZodType>)[name];
const defaultOf = (name: string) => fieldOf(name)!.parse(undefined) as unknown;

/** Each service's switch: unset, the process silently runs in memory, which a deployment must never do. */
const SERVICE_VARIABLES = ['KAFKA_BROKERS', 'REDIS_URL', 'RABBITMQ_URL', 'MONGODB_URI'];
/** Event Hubs' Kafka endpoint: TLS and OAUTHBEARER (Entra ID tokens); required once the schema reads these. */
const EVENT_HUBS_VARIABLES = ['KAFKA_SASL_MECHANISM', 'KAFKA_SSL'];
/**
 * dtq's own API keys. Under Azure Functions the host checks its function keys on the job routes
 * and dtq does not read these, so setting them on the Function App would only look like protection.
 */
const API_KEY_VARIABLES = ['API_KEYS', 'API_KEYS_FILE'];
/** Values that are secrets: they must come from Key Vault, never from a literal or a ConfigMap. */
const SECRET_VARIABLES = ['REDIS_URL', 'RABBITMQ_URL', 'MONGODB_URI', 'KAFKA_SASL_PASSWORD', 'API_KEYS', 'GITHUB_TOKEN'];
/** Fixed values in a services deployment: the API and the worker reach Event Hubs with Entra ID tokens, over TLS. */
const FIXED_VALUES: Record<string, string> = {
  PROVIDER_MODE: 'http',
  KAFKA_SSL: 'true',
  KAFKA_SASL_MECHANISM: 'oauthbearer',
};
/** Worker variables the manifests rely on elsewhere (probe port, grace period, the consumer group whose lag KEDA scales on). */
const WORKER_MANIFEST_VARIABLES = ['WORKER_METRICS_PORT', 'SHUTDOWN_TIMEOUT_MS', 'KAFKA_CONSUMER_GROUP'];
/** Worker variables that are not dtq's config: the Azure Monitor OpenTelemetry distro reads them (telemetry/trace-export.ts). */
const WORKER_PLATFORM_VARIABLES: Record<string, string> = {
  APPLICATIONINSIGHTS_CONNECTION_STRING: "where the worker's spans go: the Application Insights resource the API uses",
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'spans are sent with Entra ID tokens of the workload identity (local auth is off)',
};

/** Function App settings that are not dtq's: the Functions host reads them. */
const FUNCTIONS_PLATFORM_SETTINGS: Record<string, string> = {
  AzureWebJobsStorage__accountName: "the Functions host's own storage account (keys, leases), reached with the managed identity",
  AzureWebJobsStorage__credential: 'tells the host to use a managed identity for that storage account',
  AzureWebJobsStorage__clientId: 'which user-assigned identity the host uses for that storage account',
  APPLICATIONINSIGHTS_CONNECTION_STRING: 'where the Functions host sends requests, logs and traces',
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'the host authenticates telemetry with the managed identity (local auth is off)',
  NODE_ENV: 'production behaviour of npm dependencies; dtq itself does not read it',
  AZURE_CLIENT_ID: "the user-assigned identity @azure/identity uses (Event Hubs tokens, trace export)",
};
/** Flex Consumption rejects these: the runtime is set in functionAppConfig.runtime. */
const FLEX_REJECTED_SETTINGS = ['FUNCTIONS_WORKER_RUNTIME', 'FUNCTIONS_EXTENSION_VERSION', 'WEBSITE_RUN_FROM_PACKAGE', 'WEBSITE_NODE_DEFAULT_VERSION'];

const pending = (names: string[]) => names.filter((name) => !schema.has(name));
const present = (names: string[]) => names.filter((name) => schema.has(name));
/** The fixed values of the variables the schema reads (the Event Hubs ones may not exist yet). */
const REQUIRED_VALUES = Object.fromEntries(Object.entries(FIXED_VALUES).filter(([name]) => schema.has(name)));
const requiredEverywhere = () => [...new Set([...SERVICE_VARIABLES, ...Object.keys(REQUIRED_VALUES), ...present(EVENT_HUBS_VARIABLES)])];

function expectValuesValid(where: string, variables: Map<string, DeployedVariable>) {
  for (const [name, variable] of variables) {
    if (variable.value === undefined || !schema.has(name)) continue;
    const parsed = fieldOf(name)!.safeParse(variable.value);
    expect(parsed.success, `${where}: ${name}=${variable.value} is rejected by the config schema`).toBe(true);
  }
  for (const [name, value] of Object.entries(REQUIRED_VALUES)) {
    expect(variables.get(name)?.value, `${where}: ${name} must be ${value}`).toBe(value);
  }
  for (const name of SECRET_VARIABLES) {
    const variable = variables.get(name);
    if (variable) expect(['key-vault', 'secret'], `${where}: ${name} is a secret and must come from Key Vault`).toContain(variable.source);
  }
}

const overlays = useBuiltOverlays();

describe('deployment drift: environment variables against config/config-schema.ts', () => {
  it('the schema still reads the variables a services deployment is built around', () => {
    expect(pending([...SERVICE_VARIABLES, 'PROVIDER_MODE', ...WORKER_MANIFEST_VARIABLES])).toEqual([]);
    const waiting = pending(EVENT_HUBS_VARIABLES);
    if (waiting.length > 0) {
      console.log(`not in the config schema yet, so not required of the deployment: ${waiting.join(', ')}`);
    }
  });

  it('the Function App sets every variable the API needs, secrets as Key Vault references', () => {
    const { dtq } = functionAppSettings();
    for (const name of requiredEverywhere()) expect(dtq.has(name), `Function App setting ${name} (bicep/main.bicep apiAppSettings)`).toBe(true);
    expectValuesValid('Function App', dtq);
    const keyVaultReference = readBicep('bicep/main.bicep').text;
    expect(keyVaultReference).toMatch(/func keyVaultReference\([^)]*\) string =>\s*'@Microsoft\.KeyVault\(SecretUri=\$\{vaultUri\}secrets\/\$\{secretName\}\/\)'/);
  });

  it('the Function App sets nothing the schema does not read, beyond the host platform settings', () => {
    const { dtq, platform } = functionAppSettings();
    expect([...dtq.keys()].filter((name) => !schema.has(name)), 'dtq settings unknown to the config schema').toEqual([]);
    expect([...platform.keys()].filter((name) => !(name in FUNCTIONS_PLATFORM_SETTINGS)), 'platform settings without a reason').toEqual([]);
    expect([...platform.keys()].filter((name) => schema.has(name)), 'dtq variables belong in apiAppSettings').toEqual([]);
    expect([...dtq.keys(), ...platform.keys()].filter((name) => FLEX_REJECTED_SETTINGS.includes(name))).toEqual([]);
    expect(readBicep('bicep/modules/function-app.bicep').text).toContain('items(union(platformSettings, dtqSettings))');
  });

  it('the API on Azure is not open: the Functions host guards every job route with its keys', () => {
    const jobRoutes = ROUTES.filter((route) => route.route.startsWith('v1/'));
    expect(jobRoutes.length).toBeGreaterThan(0);
    for (const route of jobRoutes) expect(route.authLevel, `${route.name} (${route.route})`).toBe('function');
    const { dtq } = functionAppSettings();
    expect(API_KEY_VARIABLES.filter((name) => dtq.has(name)), 'ignored under Azure Functions').toEqual([]);
  });

  for (const overlay of OVERLAYS) {
    it(`the worker manifests (${overlay}) set every variable the worker needs, secrets from Key Vault`, () => {
      const environment = workerEnvironment(overlays.objects(overlay));
      for (const name of [...requiredEverywhere(), ...WORKER_MANIFEST_VARIABLES]) {
        expect(environment.has(name), `worker variable ${name} in k8s/overlays/${overlay}`).toBe(true);
      }
      expectValuesValid(`worker (${overlay})`, environment);
    });

    it(`the worker manifests (${overlay}) set nothing the schema does not read, beyond the trace exporter's settings`, () => {
      const environment = workerEnvironment(overlays.objects(overlay));
      expect([...environment.keys()].filter((name) => !schema.has(name) && !(name in WORKER_PLATFORM_VARIABLES))).toEqual([]);
      expect(Object.keys(WORKER_PLATFORM_VARIABLES).filter((name) => schema.has(name)), 'dtq variables belong in the ConfigMap').toEqual([]);
    });
  }
});

describe('deployment drift: names shared by code, Bicep and manifests', () => {
  const main = readBicep('bicep/main.bicep');
  const paramDefault = (name: string) => {
    const text = declaredParams(main).find((p) => p.name === name)?.defaultText;
    if (text === undefined) throw new Error(`bicep/main.bicep has no default for ${name}`);
    // loadJsonContent('generated/x.json') is read at compile time, from beside main.bicep.
    const loaded = /^loadJsonContent\('([^']+)'\)$/.exec(text.trim());
    if (loaded) return JSON.parse(readFileSync(new URL(`../../bicep/${loaded[1]}`, import.meta.url), 'utf8')) as unknown;
    return parse(text.replace(/'/g, '"')) as unknown;
  };

  it('Event Hubs: one hub per job type of the catalog (rendered from it and up to date), the dead-letter hub, the consumer group', () => {
    expect(paramDefault('jobTypes')).toEqual([...JOB_TYPES]);
    for (const [path, text] of Object.entries(renderCatalogFiles())) {
      expect(readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8'), `${path} is stale: run ${CATALOG_RENDER_COMMAND}`).toBe(text);
    }
    expect(paramDefault('topicTemplate')).toBe(defaultOf('KAFKA_TOPIC_TEMPLATE'));
    expect(paramDefault('deadLetterTopic')).toBe(DEAD_LETTER_TOPIC);
    // Kafka consumer groups are not Event Hubs consumer groups: Bicep creates none (they were unused).
    expect(readBicep('bicep/modules/event-hubs.bicep').text).not.toMatch(/consumergroups@/);
    expect(paramDefault('mongoDatabaseName')).toBe(defaultOf('MONGODB_DATABASE'));
    expect(readBicep('bicep/modules/event-hubs.bicep').text).toMatch(/output kafkaEndpoint string = '\$\{host\}:9093'/);
  });

  for (const overlay of OVERLAYS) {
    it(`KEDA (${overlay}) scales on the consumer lag the worker exports, as managed Prometheus scrapes it, within the partitions`, async () => {
      const objects = overlays.objects(overlay);
      const config = findConfigMap(objects, 'dtq-worker-config').data as Record<string, string>;
      const scaledObject = find(objects, 'ScaledObject', 'dtq-worker');
      const triggers = scaledObject.spec.triggers as Array<{ type: string; metadata: Record<string, string>; authenticationRef?: { name: string } }>;
      expect(triggers.map((t) => t.type)).toEqual(['prometheus']);
      const [trigger] = triggers;
      expect(trigger!.metadata.serverAddress, 'the Azure Monitor workspace query endpoint (azure.env)').toBe(overlays.workspace().azureValues.PROMETHEUS_QUERY_ENDPOINT);
      const exported = await exportedMetricNames();
      expect(promqlMetricNames(trigger!.metadata.query!)).toEqual(['dtq_worker_consumer_lag']);
      expect(exported.has('dtq_worker_consumer_lag')).toBe(true);
      const scrapeJobs = objects
        .filter((o) => o.kind === 'PodMonitor')
        .flatMap((m) => (m.spec.podMetricsEndpoints as Array<{ relabelings?: Array<{ targetLabel?: string; replacement?: string }> }>).flatMap((e) => (e.relabelings ?? []).filter((r) => r.targetLabel === 'job').map((r) => r.replacement!)));
      for (const job of promqlJobNames(trigger!.metadata.query!)) expect(scrapeJobs, `the query selects job="${job}"`).toContain(job);
      expect(find(objects, 'TriggerAuthentication', trigger!.authenticationRef!.name)).toBeDefined();
      const partitions = Number(assignedParams(readBicep(`bicep/main.${overlay}.bicepparam`)).get('eventHubPartitions'));
      expect(Number(config.KAFKA_TOPIC_PARTITIONS), `KAFKA_TOPIC_PARTITIONS = eventHubPartitions of main.${overlay}.bicepparam`).toBe(partitions);
      expect(scaledObject.spec.maxReplicaCount, 'more replicas than partitions would sit idle').toBeLessThanOrEqual(partitions);
      // The lag is exported by the workers themselves: at zero replicas nothing would report a
      // backlog and nothing would start one. The worker is also the progress responder.
      expect(scaledObject.spec.minReplicaCount, 'never scale to zero').toBeGreaterThanOrEqual(1);
      expect(trigger!.metadata.ignoreNullValues, 'no reading must not read as no lag').toBe('false');
    });

    it(`workload identity (${overlay}): namespace and service accounts are the ones Bicep federates`, () => {
      const objects = overlays.objects(overlay);
      expect(paramDefault('kubernetesNamespace')).toBe(find(objects, 'Namespace', 'dtq').metadata.name);
      const federated = literalValues(main, 'serviceAccount');
      const accounts = objects.filter((o) => o.kind === 'ServiceAccount').map((o) => o.metadata.name);
      expect(federated.sort()).toEqual(accounts.sort());
    });

    it(`Key Vault (${overlay}): every secret the pods read is one Bicep writes`, () => {
      const written = new Set(
        bicepFiles().flatMap((file) =>
          declaredResources(readBicep(file), 'Microsoft.KeyVault/vaults/secrets').map((body) => (body.get('name') ?? '').replace(/'/g, '')),
        ),
      );
      const objects = overlays.objects(overlay);
      for (const spc of objects.filter((o) => o.kind === 'SecretProviderClass')) {
        for (const name of keyVaultObjectNames(spc)) expect(written, `${spc.metadata.name} reads ${name}`).toContain(name);
      }
      expect(providerClassOf(objects, 'dtq-worker-env')).toBeDefined();
    });
  }
});

function bicepFiles(): string[] {
  const modules = readdirSync(join(REPO_ROOT, 'bicep/modules')).filter((name) => name.endsWith('.bicep'));
  return ['bicep/main.bicep', ...modules.map((name) => `bicep/modules/${name}`)];
}

describe('deployment drift: what the alert rules and the dashboard query', () => {
  const queries = async () => {
    const sources = await readMonitoringSources(REPO_ROOT);
    const rules = parseRuleFile(sources.alertRulesText).groups.flatMap((group) => group.rules);
    return {
      recorded: new Set(rules.flatMap((rule) => (typeof rule.record === 'string' ? [rule.record] : []))),
      expressions: [
        ...rules.map((rule) => ({ where: `rule ${String(rule.alert ?? rule.record)}`, expr: rule.expr })),
        ...dashboardTargets(JSON.parse(sources.dashboardText) as Parameters<typeof dashboardTargets>[0]).map((t) => ({ where: `panel "${t.panel}"`, expr: t.expr })),
      ],
    };
  };

  it('names only metrics the API or the worker exports (or Prometheus itself: up)', async () => {
    const { recorded, expressions } = await queries();
    const exported = await exportedMetricNames();
    for (const { where, expr } of expressions) {
      for (const name of promqlMetricNames(expr)) {
        expect(exported.has(name) || recorded.has(name) || name === 'up', `${where} queries ${name}, which dtq does not export`).toBe(true);
      }
    }
  });

  for (const overlay of OVERLAYS) {
    it(`selects scrape jobs the PodMonitors of k8s/overlays/${overlay} produce`, async () => {
      const jobs = overlays
        .objects(overlay)
        .filter((o) => o.kind === 'PodMonitor')
        .flatMap((monitor) =>
          (monitor.spec.podMetricsEndpoints as Array<{ relabelings?: Array<{ targetLabel?: string; replacement?: string }> }>).flatMap((endpoint) =>
            (endpoint.relabelings ?? []).filter((r) => r.targetLabel === 'job').map((r) => r.replacement!),
          ),
        );
      for (const { where, expr } of (await queries()).expressions) {
        for (const job of promqlJobNames(expr)) expect(jobs, `${where} selects job="${job}"`).toContain(job);
      }
    });
  }
});

describe('deployment files parse', () => {
  it('every YAML and JSON file under k8s/, ops/, bicep/ and .github/', async () => {
    const files = (await Promise.all(['k8s', 'ops', 'bicep', '.github'].map((dir) => listFiles(join(REPO_ROOT, dir))))).flat();
    const checked: string[] = [];
    for (const file of files) {
      const name = relative(REPO_ROOT, file);
      if (/\.ya?ml$/.test(file)) {
        const documents = parseAllDocuments(await readFile(file, 'utf8'));
        for (const doc of documents) expect(doc.errors.map((e) => e.message), name).toEqual([]);
        checked.push(name);
      } else if (file.endsWith('.json')) {
        const text = await readFile(file, 'utf8');
        expect(() => JSON.parse(text) as unknown, name).not.toThrow();
        checked.push(name);
      }
    }
    expect(checked.some((name) => name.startsWith('k8s/'))).toBe(true);
    expect(checked.some((name) => name.startsWith('.github/'))).toBe(true);
  });
});

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : Promise.resolve([join(dir, e.name)]))));
  return nested.flat();
}
