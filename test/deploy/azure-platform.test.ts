// What Azure itself requires of the deployment files, point by point, each after the Microsoft
// documentation (or sample) it follows. No subscription or Bicep CLI is reachable from the tests,
// so these read the files; what only a real deployment can prove is listed in docs/deploy.md
// ("Deploy to Azure", "What is checked only by reading").
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DELAYED_JOBS_COLLECTION, DELAYED_JOB_CLAIMS_COLLECTION, DELAYED_JOB_INDEXES, IDEMPOTENCY_COLLECTION, SCHEDULE_COLLECTION, SCHEDULE_INDEXES, WEBHOOK_COLLECTION, WEBHOOK_INDEXES } from '../../adapters/mongodb/index.js';
import { RESULT_INDEXES } from '../../adapters/mongodb/result-indexes.js';
import { STATUS_TTL_SECONDS } from '../../contracts/index.js';
import { ROUTES } from '../../api/route-table.js';
import { REPO_ROOT } from '../support/processes.js';
import { assignedParams, declaredParams, declaredResources, moduleParams, readBicep } from './support/bicep-source.js';
import { functionAppSettings, workerEnvironment } from './support/deployed-environment.js';
import { OVERLAYS, find, useBuiltOverlays, type K8sObject } from './support/kustomize-build.js';

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');
const overlays = useBuiltOverlays();

/** The `resource: { ... }` body of the job_results collection in cosmos-mongo.bicep, as text. */
function jobResultsCollection(): string {
  const [collection] = declaredResources(readBicep('bicep/modules/cosmos-mongo.bicep'), 'Microsoft.DocumentDB/databaseAccounts/mongodbDatabases/collections');
  if (!collection) throw new Error('cosmos-mongo.bicep declares no mongodbDatabases/collections resource');
  return collection.get('properties') ?? '';
}

/** The `properties` of the collection named `name` in cosmos-mongo.bicep, as text. */
function collectionProperties(name: string): string {
  return (
    declaredResources(readBicep('bicep/modules/cosmos-mongo.bicep'), 'Microsoft.DocumentDB/databaseAccounts/mongodbDatabases/collections')
      .find((declared) => declared.get('name') === `'${name}'`)
      ?.get('properties') ?? ''
  );
}

/** The indexes Bicep declares on a collection (job_results unless named): field names in order, and whether each is unique. */
function bicepIndexes(text = jobResultsCollection()): Array<{ keys: string[]; unique: boolean }> {
  return [...text.matchAll(/\{\s*key:\s*\{\s*keys:\s*\[([^\]]*)\]\s*\}(?:\s*,\s*options:\s*\{([^}]*)\})?\s*\}/g)].map((m) => ({
    keys: [...m[1]!.matchAll(/'([^']+)'/g)].map((k) => k[1]!),
    unique: /unique:\s*true/.test(m[2] ?? ''),
  }));
}

describe('1. Cosmos DB: job_results has a shard key, and its unique index includes it', () => {
  // "Shared throughput collection should have a partition key": a collection in a database with
  // shared (autoscale) throughput needs a shard key (learn.microsoft.com/azure/cosmos-db/mongodb/how-to-provision-throughput,
  // azure-quickstart-templates cosmosdb-mongodb-autoscale). For sharded collections, "all unique indexes
  // are compound indexes where one of the fields is the partition key" (learn.microsoft.com/azure/cosmos-db/mongodb/indexing).
  it('shards job_results on job_id (hashed), the key every result operation filters on', () => {
    expect(jobResultsCollection()).toMatch(/shardKey:\s*\{\s*job_id:\s*'Hash'\s*\}/);
  });

  it('every unique index includes the shard key, first', () => {
    const unique = bicepIndexes().filter((index) => index.unique);
    expect(unique.length).toBeGreaterThan(0);
    for (const index of unique) expect(index.keys[0], `unique index on ${index.keys.join(', ')}`).toBe('job_id');
  });
});

describe('2. Cosmos DB: one owner of the index set (Bicep), the same indexes the code expects', () => {
  // Bicep owns them: a unique index can only be created on an empty collection (learn.microsoft.com/azure/cosmos-db/mongodb/indexing),
  // so it is made with the collection, and ARM is declarative about the set. ARM index keys are field
  // names without a direction (azure-rest-api-specs#11824, terraform-provider-azurerm#9045), so the
  // comparison is by fields and their order; single-field sort order does not matter on Cosmos DB.
  const fieldsOf = (key: unknown) => Object.keys(key as Record<string, unknown>);

  it('declares exactly RESULT_INDEXES (adapters/mongodb/result-indexes.ts), plus the _id index', () => {
    const expected = [{ keys: ['_id'], unique: false }, ...RESULT_INDEXES.map((index) => ({ keys: fieldsOf(index.key), unique: index.unique === true }))];
    const sort = (list: Array<{ keys: string[]; unique: boolean }>) => [...list].sort((a, b) => a.keys.join().localeCompare(b.keys.join()));
    expect(sort(bicepIndexes())).toEqual(sort(expected));
  });

  it('the shard key is a field every unique index of the code starts with', () => {
    for (const index of RESULT_INDEXES.filter((i) => i.unique)) expect(fieldsOf(index.key)[0]).toBe('job_id');
  });
});

describe('2b. Cosmos DB: idempotency keys kept durably, beside the results', () => {
  it('declares the collection the idempotency store writes, sharded on _id, with a TTL on _ts of the 24 h key window', () => {
    const properties = collectionProperties(IDEMPOTENCY_COLLECTION);
    expect(properties).toMatch(/shardKey:\s*\{\s*_id:\s*'Hash'\s*\}/);
    expect(properties).toMatch(new RegExp(`keys:\\s*\\['_ts'\\]\\s*\\},\\s*options:\\s*\\{\\s*expireAfterSeconds:\\s*${STATUS_TTL_SECONDS}\\s*\\}`));
  });
});

describe('2c. Cosmos DB: schedules kept durably, beside the results, with the indexes the store makes', () => {
  const collection = () =>
    declaredResources(readBicep('bicep/modules/cosmos-mongo.bicep'), 'Microsoft.DocumentDB/databaseAccounts/mongodbDatabases/collections').find(
      (declared) => declared.get('name') === `'${SCHEDULE_COLLECTION}'`,
    );

  it('declares the collection the schedule store writes, sharded on _id, with exactly SCHEDULE_INDEXES plus _id and no TTL', () => {
    const properties = collection()?.get('properties') ?? '';
    expect(properties).toMatch(/shardKey:\s*\{\s*_id:\s*'Hash'\s*\}/);
    expect(properties).not.toMatch(/expireAfterSeconds/);
    const declared = [...properties.matchAll(/\{\s*key:\s*\{\s*keys:\s*\[([^\]]*)\]\s*\}/g)].map((m) => [...m[1]!.matchAll(/'([^']+)'/g)].map((k) => k[1]!).join(','));
    const expected = ['_id', ...SCHEDULE_INDEXES.map((index) => Object.keys(index.key).join(','))];
    expect(declared.sort()).toEqual(expected.sort());
  });
});

describe('2d. Cosmos DB: delayed jobs kept durably, beside the results', () => {
  it('declares the collection the delayed jobs store writes, sharded on _id, with exactly DELAYED_JOB_INDEXES plus _id and no TTL', () => {
    const properties = collectionProperties(DELAYED_JOBS_COLLECTION);
    expect(properties).toMatch(/shardKey:\s*\{\s*_id:\s*'Hash'\s*\}/);
    expect(properties).not.toMatch(/expireAfterSeconds/);
    const expected = [{ keys: ['_id'], unique: false }, ...DELAYED_JOB_INDEXES.map((index) => ({ keys: Object.keys(index.key as object), unique: index.unique === true }))];
    expect(bicepIndexes(properties)).toEqual(expected);
  });

  it('declares the collection of the hand-over\'s claim markers, sharded on _id, found by _id only', () => {
    const properties = collectionProperties(DELAYED_JOB_CLAIMS_COLLECTION);
    expect(properties).toMatch(/shardKey:\s*\{\s*_id:\s*'Hash'\s*\}/);
    expect(bicepIndexes(properties)).toEqual([{ keys: ['_id'], unique: false }]);
  });
});

describe('2e. Cosmos DB: the webhook outbox kept durably, beside the results, with the indexes the outbox makes', () => {
  it('declares the collection the webhook outbox writes, sharded on _id, with exactly WEBHOOK_INDEXES plus _id and no TTL', () => {
    const properties =
      declaredResources(readBicep('bicep/modules/cosmos-mongo.bicep'), 'Microsoft.DocumentDB/databaseAccounts/mongodbDatabases/collections')
        .find((declared) => declared.get('name') === `'${WEBHOOK_COLLECTION}'`)
        ?.get('properties') ?? '';
    expect(properties).toMatch(/shardKey:\s*\{\s*_id:\s*'Hash'\s*\}/);
    expect(properties).not.toMatch(/expireAfterSeconds/);
    const declared = [...properties.matchAll(/\{\s*key:\s*\{\s*keys:\s*\[([^\]]*)\]\s*\}/g)].map((m) => [...m[1]!.matchAll(/'([^']+)'/g)].map((k) => k[1]!).join(','));
    expect(declared.sort()).toEqual(['_id', ...WEBHOOK_INDEXES.map((index) => Object.keys(index.key).join(','))].sort());
  });
});

describe('3. Azure Managed Redis: the clustering policy is named on purpose, and the app is told', () => {
  // learn.microsoft.com/azure/redis/choose-clustering-policy: OSS cluster "requires all clients to
  // support redis clustering"; Enterprise keeps a proxy (no cluster commands); the policy cannot be
  // changed later without deleting the database (KnownClusteringPolicy, @azure/arm-redisenterprisecache).
  const redis = readBicep('bicep/modules/redis.bicep').text;
  const policy = /clusteringPolicy:\s*'(\w+)'/.exec(redis)?.[1];

  it('uses the OSS cluster policy, the protocol the status store is tested on (a Redis Cluster from services:up)', () => {
    expect(policy).toBe('OSSCluster');
    expect(redis, 'the reason is written in the module').toMatch(/\/\/[^\n]*OSSCluster/);
  });

  it('sets REDIS_CLUSTER=true for the API and the worker exactly when the policy is OSSCluster', () => {
    const expected = policy === 'OSSCluster' ? 'true' : undefined;
    expect(functionAppSettings().dtq.get('REDIS_CLUSTER')?.value, 'bicep/main.bicep apiAppSettings').toBe(expected);
    for (const overlay of OVERLAYS) expect(workerEnvironment(overlays.objects(overlay)).get('REDIS_CLUSTER')?.value, `k8s/overlays/${overlay}`).toBe(expected);
  });
});

describe('4. Node 22 LTS everywhere it runs on Azure; Node 20 still allowed locally', () => {
  // Node 20 reached end of life on 30 April 2026; Flex Consumption runs Node 22
  // (learn.microsoft.com/azure/azure-functions/functions-reference-node, supported versions).
  it('the Function App runs Node 22', () => {
    expect(declaredParams(readBicep('bicep/modules/function-app.bicep')).find((p) => p.name === 'nodeVersion')?.defaultText).toBe("'22'");
  });

  it.each(['worker-container/Dockerfile', 'functions/fallback-host/Dockerfile'])('%s builds and runs on node:22', (dockerfile) => {
    expect(read(dockerfile)).toMatch(/^ARG NODE_IMAGE=node:22-bookworm-slim$/m);
  });

  it('the workflow deploys with Node 22', () => {
    const workflow = parse(read('.github/workflows/ci-cd.yml')) as { jobs: Record<string, { steps: Array<{ uses?: string; with?: Record<string, unknown> }> }> };
    const nodeVersions = Object.entries(workflow.jobs)
      .filter(([name]) => name !== 'test')
      .flatMap(([, job]) => job.steps.filter((s) => s.uses?.startsWith('actions/setup-node@')).map((s) => String(s.with?.['node-version'])));
    expect(nodeVersions.length).toBeGreaterThan(0);
    expect(nodeVersions.every((v) => v === '22')).toBe(true);
  });

  it('package.json engines still accepts Node 20 for local use', () => {
    expect((JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node).toBe('>=20.19');
  });
});

describe('5. RabbitMQ 4.x with probes and settings for it', () => {
  // RabbitMQ community support covers the latest 4.x minor only (rabbitmq-server COMMUNITY_SUPPORT.md);
  // health checks: `rabbitmq-diagnostics ping` and `check_port_connectivity` (rabbitmq.com/docs/monitoring#health-checks);
  // classic queue mirroring was removed in 4.0 (rabbitmq.com/docs/4.0/whats-new).
  const statefulSet = () => find(overlays.objects('dev'), 'StatefulSet', 'dtq-rabbitmq');
  const container = () => (statefulSet().spec.template.spec.containers as K8sObject[]).find((c) => c.name === 'rabbitmq')!;
  const command = (probe: K8sObject | undefined) => (probe?.exec?.command as string[] | undefined)?.join(' ');

  it('runs a supported 4.x management image, pinned to its minor', () => {
    expect(container().image).toMatch(/^rabbitmq:4\.[2-9]-management$/);
  });

  it('probes readiness with check_port_connectivity and liveness with ping', () => {
    expect(command(container().readinessProbe)).toBe('rabbitmq-diagnostics -q check_port_connectivity');
    expect(command(container().livenessProbe)).toBe('rabbitmq-diagnostics -q ping');
    expect(container().startupProbe, 'a first boot (fresh volume, feature flags) may take a while').toBeDefined();
  });

  it('configures nothing 4.x removed (classic queue mirroring, its ha-* policies, master locators)', () => {
    const settings = read('k8s/base/rabbitmq/rabbitmq.conf')
      .split('\n')
      .filter((line) => line.trim() && !line.trim().startsWith('#'));
    expect(settings.length).toBeGreaterThan(0);
    for (const line of settings) expect(line).not.toMatch(/mirroring|ha[-_]mode|queue_master_locator/);
  });
});

describe('6. scripts/deploy.sh needs no Microsoft Graph, and a new principal can deploy', () => {
  const script = read('scripts/deploy.sh');

  it('never calls az ad (Graph): the object id comes from the ARM token (oid claim) or DTQ_DEPLOYER_PRINCIPAL_ID', () => {
    expect(script).not.toMatch(/\baz ad\b/);
    expect(script).toMatch(/az account get-access-token/);
    expect(script).toMatch(/\boid\b/);
    expect(script).toMatch(/\$\{DTQ_DEPLOYER_PRINCIPAL_ID:-\}/);
  });

  it('never reads the RabbitMQ password back from Key Vault: Bicep keeps the stored one when none is passed', () => {
    expect(script).not.toMatch(/az keyvault secret show/);
    const secrets = readBicep('bicep/modules/rabbitmq-secrets.bicep').text;
    for (const name of ['passwordSecret', 'urlSecret']) {
      expect(secrets, `${name} is written only when a password is passed`).toMatch(new RegExp(`^resource ${name} '[^']+' = if \\(!empty\\(password\\)\\)`, 'm'));
    }
    const main = readBicep('bicep/main.bicep').text;
    expect(main, 'an empty password means "keep"').toMatch(/param rabbitmqPassword string = ''/);
  });
});

describe('7. Azure Monitor alerts on the API, from Application Insights, to the same action group', () => {
  // Functions instances cannot be scraped one by one; their requests are in Application Insights.
  // Log search alerts: Microsoft.Insights/scheduledQueryRules (learn.microsoft.com/azure/azure-monitor/alerts/alerts-create-log-alert-rule).
  const alertsFile = () => readBicep('bicep/modules/api-alerts.bicep');
  const rules = () => declaredResources(alertsFile(), 'Microsoft.Insights/scheduledQueryRules');
  const routeNames = new Set(ROUTES.map((r) => r.name));

  it('declares rules for the 5xx ratio, submits outrunning processing, and status timeouts', () => {
    const text = alertsFile().text;
    expect(rules().length).toBeGreaterThanOrEqual(3);
    expect(text).toMatch(/resultCode[^\n]*>= 500/);
    expect(text).toMatch(/'job finished'/);
    expect(text).toMatch(/resultCode == '504'/);
    for (const name of [...text.matchAll(/\bname == '([a-z-]+)'/gi)].map((m) => m[1]!)) expect(routeNames, `route ${name}`).toContain(name);
  });

  it('routes them to the action group the Prometheus rules use', () => {
    const main = readBicep('bicep/main.bicep');
    expect(moduleParams(main, 'apiAlerts').get('actionGroupId')).toBe('prometheusRules.outputs.actionGroupId');
    expect(alertsFile().text).toMatch(/actionGroups:\s*empty\(actionGroupId\) \? \[\] : \[actionGroupId\]/);
    expect(readBicep('bicep/modules/prometheus-rules.bicep').text).toMatch(/^output actionGroupId string/m);
  });
});

describe('8. Container logs from AKS reach Log Analytics (Container Insights)', () => {
  // learn.microsoft.com/azure/azure-monitor/containers/kubernetes-monitoring-enable (ARM/Bicep):
  // the monitoring add-on with managed identity auth, a data collection rule with the
  // ContainerInsights extension and its association with the cluster.
  const aks = readBicep('bicep/modules/aks.bicep').text;

  it('enables the monitoring add-on with managed identity auth, sending to the workspace', () => {
    expect(aks).toMatch(/omsagent:\s*\{\s*enabled: true\s*config:\s*\{\s*logAnalyticsWorkspaceResourceID: logAnalyticsWorkspaceId\s*useAADAuth: 'true'/);
  });

  it('associates a Container Insights data collection rule that collects ContainerLogV2', () => {
    const monitoring = readBicep('bicep/modules/monitoring.bicep').text;
    expect(monitoring).toMatch(/extensionName: 'ContainerInsights'/);
    expect(monitoring).toMatch(/'Microsoft-ContainerLogV2'/);
    expect(aks).toMatch(/name: 'ContainerInsightsExtension'[^]*dataCollectionRuleId: containerInsightsRuleId/);
  });
});

describe('9. PodMonitors carry the label limits managed Prometheus asks for', () => {
  // "Please make sure to use the labelLimit, labelNameLengthLimit and labelValueLengthLimit specified
  // in the templates" (learn.microsoft.com/azure/azure-monitor/containers/prometheus-metrics-scrape-crd).
  it.each(OVERLAYS)('k8s/overlays/%s', (overlay) => {
    const monitors = overlays.objects(overlay).filter((o) => o.kind === 'PodMonitor');
    expect(monitors.length).toBeGreaterThan(0);
    for (const monitor of monitors) {
      expect(monitor.spec, monitor.metadata.name).toMatchObject({ labelLimit: 63, labelNameLengthLimit: 511, labelValueLengthLimit: 1023 });
    }
  });
});

describe('10. Flex Consumption maximumInstanceCount is at least 40', () => {
  // "Currently the lowest maximum instance count value is 40" (learn.microsoft.com/azure/azure-functions/event-driven-scaling#limit-scale-out;
  // newer revisions lower it in some regions: 40 is valid everywhere).
  it.each(['dev', 'prod'])('main.%s.bicepparam, and main.bicep refuses less', (env) => {
    expect(Number(assignedParams(readBicep(`bicep/main.${env}.bicepparam`)).get('functionMaximumInstances'))).toBeGreaterThanOrEqual(40);
    expect(readBicep('bicep/main.bicep').text).toMatch(/@minValue\(40\)\s*(@[^\n]*\n\s*)*param functionMaximumInstances int/);
  });
});

describe('12. Sign-in in front of the API (App Service Authentication, Entra ID) and the UI (MSAL.js, Static Web Apps)', () => {
  // learn.microsoft.com/azure/app-service/configure-authentication-provider-aad, the
  // Microsoft.Web/sites/config authsettingsV2 reference, and configure-authentication-user-identities
  // (x-ms-client-principal-*: set by App Service, never by a client); function keys are "not a
  // good practice ... in a public app" (learn.microsoft.com/azure/azure-functions/function-keys-how-to);
  // Static Web Apps: learn.microsoft.com/azure/static-web-apps/authentication-authorization;
  // MSAL.js v5 redirect bridge: learn.microsoft.com/entra/msal/javascript/browser/redirect-bridge.
  const functionApp = readBicep('bicep/modules/function-app.bicep').text;
  const main = readBicep('bicep/main.bicep').text;
  const deployScript = read('scripts/deploy.sh');

  it('the Function App validates Entra ID tokens when an app registration is given: 401 for APIs unless service keys are configured', () => {
    expect(functionApp).toMatch(/resource auth 'Microsoft\.Web\/sites\/config@[^']+' = if \(!empty\(authClientId\)\)/);
    expect(functionApp).toMatch(/name: 'authsettingsV2'/);
    expect(functionApp).toMatch(/requireAuthentication: !serviceKeys/);
    expect(functionApp).toMatch(/unauthenticatedClientAction: serviceKeys \? 'AllowAnonymous' : 'Return401'/);
    expect(functionApp).toMatch(/azureActiveDirectory:\s*\{\s*enabled: true/);
    expect(moduleParams(readBicep('bicep/main.bicep'), 'functionApp').get('serviceKeys')).toBe('serviceKeys');
    expect(main).toMatch(/^var serviceKeys = !empty\(authClientId\) && !empty\(apiKeysEntry\)$/m);
  });

  it('leaves exactly the anonymous routes (probes, metrics) outside sign-in', () => {
    const anonymous = ROUTES.filter((r) => r.authLevel === 'anonymous').map((r) => `/${r.route}`);
    const excluded = /excludedPaths:\s*\[([^\]]*)\]/.exec(functionApp)?.[1] ?? '';
    expect([...excluded.matchAll(/'([^']+)'/g)].map((m) => m[1]).sort()).toEqual(anonymous.sort());
  });

  it('turns on APP_SERVICE_AUTH with sign-in, so the job routes need the token alone: registered anonymous, the principal required', async () => {
    expect(main).toMatch(/^\s*APP_SERVICE_AUTH: string\(!empty\(authClientId\)\)$/m);
    expect(functionAppSettings().dtq.get('APP_SERVICE_AUTH')?.source).toBe('expression');
    const { loadConfig } = await import('../../config/index.js');
    const { RequestAuth } = await import('../../api/http/request-auth.js');
    const { RequestLimits } = await import('../../api/http/request-limits.js');
    const { functionRegistrations } = await import('../../functions/functions-registration.js');
    const limits = new RequestLimits({ requestsPerMinute: 0, authFailuresPerMinute: 0 });
    for (const [authClientId, expected] of [['', 'function'], ['5c9d2e1f-3a4b-4c6d-8e7f-9a0b1c2d3e4f', 'anonymous']] as const) {
      // string(!empty(authClientId)) in Bicep is 'true' or 'false'.
      const config = loadConfig({ APP_SERVICE_AUTH: String(authClientId !== ''), LOG_LEVEL: 'silent' });
      const auth = new RequestAuth({ keys: [], trustAppServicePrincipal: config.APP_SERVICE_AUTH });
      const registrations = functionRegistrations(ROUTES, { auth, limits, deps: {} as never });
      const jobsPost = registrations.find((r) => r.name === 'jobs-post');
      expect(jobsPost?.options.authLevel, `authClientId '${authClientId}'`).toBe(expected);
      // /readyz and /metrics need a function key with or without sign-in; /healthz stays open.
      const levels = Object.fromEntries(registrations.filter((r) => /^(healthz|readyz|metrics)-get$/.test(r.name)).map((r) => [r.name, r.options.authLevel]));
      expect(levels).toEqual({ 'healthz-get': 'anonymous', 'readyz-get': 'function', 'metrics-get': 'function' });
    }
  });

  it('service keys beside sign-in come from an existing Key Vault secret the API identity may read, never without sign-in', () => {
    expect(main).toMatch(/^var apiKeySettings = serviceKeys \? \{ API_KEYS: keyVaultReference\(keyVault\.outputs\.uri, apiKeysEntry\) \} : \{\}$/m);
    expect(main).toMatch(/dtqSettings: union\(apiAppSettings, apiKeySettings\)/);
    expect(main).toMatch(/serviceKeys \? \[\{ secretName: apiKeysEntry, principalId: identities\.outputs\.apiPrincipalId \}\] : \[\]/);
    for (const env of ['dev', 'prod']) {
      expect(assignedParams(readBicep(`bicep/main.${env}.bicepparam`)).get('apiKeysEntry')).toBe("readEnvironmentVariable('DTQ_API_KEYS_SECRET', '')");
    }
    expect(read('.github/workflows/ci-cd.yml')).toContain('DTQ_API_KEYS_SECRET: ${{ vars.DTQ_API_KEYS_SECRET }}');
  });

  it('an API_KEYS that is an unresolved Key Vault reference stops the API instead of becoming a key', async () => {
    const { loadConfig } = await import('../../config/index.js');
    expect(() => loadConfig({ API_KEYS: '@Microsoft.KeyVault(SecretUri=https://kv-dtq.vault.azure.net/secrets/dtq-api-keys/)' })).toThrow(
      /API_KEYS entry 1 is a Key Vault reference that did not resolve/,
    );
  });

  it('builds the web UI with the app registration, authority and API scope, all empty without sign-in', async () => {
    expect(main).toMatch(/^output signInClientId string = authClientId$/m);
    expect(main).toMatch(/^output signInAuthority string = empty\(authClientId\) \? '' : '\$\{environment\(\)\.authentication\.loginEndpoint\}\$\{tenant\(\)\.tenantId\}'$/m);
    expect(main).toMatch(/^output signInScope string = empty\(authClientId\) \? '' : 'api:\/\/\$\{authClientId\}\/user_impersonation'$/m);
    expect(deployScript).toMatch(/"VITE_AUTH_CLIENT_ID=\$\{SIGN_IN_CLIENT_ID\}" "VITE_AUTH_AUTHORITY=\$\{SIGN_IN_AUTHORITY\}" \\\n\s*"VITE_AUTH_SCOPE=\$\{SIGN_IN_SCOPE\}" npm run build:web/);
    for (const [variable, output] of [['SIGN_IN_CLIENT_ID', 'signInClientId'], ['SIGN_IN_AUTHORITY', 'signInAuthority'], ['SIGN_IN_SCOPE', 'signInScope']]) {
      expect(deployScript).toContain(`${variable}="$(output ${output})"`);
    }
    // What those outputs evaluate to, read by the web build's own check (web/vite.config.ts).
    const { parseSignInConfig } = await import('../../web/src/sign-in/sign-in-config.js');
    expect(parseSignInConfig({ VITE_AUTH_CLIENT_ID: '', VITE_AUTH_AUTHORITY: '', VITE_AUTH_SCOPE: '' })).toBeUndefined();
    const client = '5c9d2e1f-3a4b-4c6d-8e7f-9a0b1c2d3e4f';
    expect(
      parseSignInConfig({
        VITE_AUTH_CLIENT_ID: client,
        VITE_AUTH_AUTHORITY: 'https://login.microsoftonline.com/3f2a8c41-7d6e-4b9a-8c1d-2e5f6a7b8c9d',
        VITE_AUTH_SCOPE: `api://${client}/user_impersonation`,
      }),
    ).toEqual({ clientId: client, authority: 'https://login.microsoftonline.com/3f2a8c41-7d6e-4b9a-8c1d-2e5f6a7b8c9d', scope: `api://${client}/user_impersonation` });
    expect(() => parseSignInConfig({ VITE_AUTH_CLIENT_ID: client })).toThrow(/VITE_AUTH_AUTHORITY, VITE_AUTH_SCOPE are missing/);
  });

  it('the web build has MSAL\'s redirect bridge as a page of its own, the redirect URI deploy.sh names', () => {
    expect(read('web/redirect.html')).toContain('src="/src/redirect-bridge.ts"');
    expect(read('web/src/redirect-bridge.ts')).toMatch(/broadcastResponseToMainFrame\(\)/);
    expect(read('web/vite.config.ts')).toMatch(/redirect: join\(root, 'redirect\.html'\)/);
    expect(deployScript).toContain('${STATIC_WEB_APP_URL}/redirect.html');
    // "The bridge page should also be served with Cache-Control: no-store" (MSAL v5 migration guide).
    const swa = JSON.parse(read('web/public/staticwebapp.config.json')) as { routes: Array<{ route: string; headers?: Record<string, string> }> };
    expect(swa.routes.find((r) => r.route === '/redirect.html')?.headers?.['cache-control']).toBe('no-store');
  });

  it('the web UI is for the people invited to the dtq-user role only, not any signed-in Microsoft account', () => {
    const config = JSON.parse(read('web/public/staticwebapp.config.json')) as {
      routes: Array<{ route: string; allowedRoles?: string[] }>;
      responseOverrides?: Record<string, { redirect?: string }>;
    };
    // The preconfigured Entra provider admits any Microsoft account as 'authenticated'; a custom
    // role is held only by those invited to it (Static Web Apps role management).
    expect(config.routes.at(-1)).toMatchObject({ route: '/*', allowedRoles: ['dtq-user'] });
    for (const route of config.routes.filter((r) => r.allowedRoles)) expect(route.allowedRoles, route.route).toEqual(['dtq-user']);
    expect(config.responseOverrides?.['401']?.redirect).toBe('/.auth/login/aad');
  });
});

describe('13. local.settings.sample.json', () => {
  // AzureWebJobsFeatureFlags=EnableWorkerIndexing is the default for the Node v4 model
  // (learn.microsoft.com/azure/azure-functions/functions-reference-node); UseDevelopmentStorage=true
  // needs the Azurite emulator (learn.microsoft.com/azure/storage/common/storage-use-azurite).
  const values = (JSON.parse(read('local.settings.sample.json')) as { Values: Record<string, string> }).Values;

  it('drops the obsolete EnableWorkerIndexing flag', () => {
    expect(values).not.toHaveProperty('AzureWebJobsFeatureFlags');
  });

  it('needs no storage emulator (HTTP triggers only), or the README says to start Azurite', () => {
    const usesEmulator = values.AzureWebJobsStorage === 'UseDevelopmentStorage=true';
    expect(!usesEmulator || /Azurite/.test(read('README.md'))).toBe(true);
    expect(read('README.md')).toMatch(/local\.settings\.sample\.json/);
  });
});
