// dtq on Azure, in one resource group: the HTTP API on Functions Flex Consumption, the worker on
// AKS (managed Prometheus + Grafana, KEDA, Key Vault CSI with workload identity), Event Hubs as
// Kafka, Azure Managed Redis, Cosmos DB for MongoDB, RabbitMQ in the cluster, the web UI as a
// Static Web App, and Key Vault holding every secret. `scripts/deploy.sh --env <env>` deploys it
// with main.<env>.bicepparam; the outputs are every endpoint a client or an operator needs.
targetScope = 'resourceGroup'

@allowed(['dev', 'prod'])
param environmentName string
param location string = resourceGroup().location
param tags object = {}

// Messaging. These must match the code: a test compares them with contracts/ and config/.
@description('The job types of jobs/catalog.ts (generated/job-types.json, npm run catalog:render): three Event Hubs (Kafka topics) each, one per priority')
param jobTypes array = loadJsonContent('generated/job-types.json')
@description('KAFKA_TOPIC_TEMPLATE default')
param topicTemplate string = 'jobs.%s.v1'
@description('contracts DEAD_LETTER_TOPIC')
param deadLetterTopic string = 'jobs.dlq.v1'
@description('Partitions per hub; also the most worker replicas that get work (KEDA maxReplicaCount)')
@minValue(1)
@maxValue(32)
param eventHubPartitions int = 3
// Premium: every job type has three hubs (one per priority) and Standard holds 10 per namespace,
// so Standard fits three job types at most (test/deploy/event-hubs-tier.test.ts).
@allowed(['Standard', 'Premium'])
param eventHubsSku string = 'Premium'
param eventHubsCapacity int = 1
param eventHubsRetentionDays int = 1

// Cluster
@description('AKS minor version; the tests validate k8s/ against the API schemas of this version (scripts/tools/install.sh)')
param aksKubernetesVersion string = '1.34'
param aksNodeVmSize string = 'Standard_D2ds_v5'
@description('Availability zones of the apps node pool (empty: none, for regions without zones)')
param aksAvailabilityZones array = []
param aksNodeMinCount int = 2
param aksNodeMaxCount int = 4
@allowed(['Free', 'Standard'])
param aksTier string = 'Free'
@description('k8s/base/namespace.yaml')
param kubernetesNamespace string = 'dtq'
@allowed(['Basic', 'Standard', 'Premium'])
param registrySku string = 'Basic'

// Data services
param redisSku string = 'Balanced_B0'
param redisHighAvailability bool = false
param cosmosServerless bool = true
param cosmosMaxThroughput int = 1000
@description('MONGODB_DATABASE default')
param mongoDatabaseName string = 'dtq'
param keyVaultPurgeProtection bool = false

// RabbitMQ (in the cluster)
param rabbitmqUsername string = 'dtq'
@secure()
@description('Set by scripts/deploy.sh on the first deployment (generated) or to rotate it; empty: keep the password Key Vault holds')
param rabbitmqPassword string = ''
@description('Internal load balancer IP of RabbitMQ, inside the AKS subnet (10.40.0.0/22)')
param rabbitmqPrivateIp string = '10.40.3.250'

// API and web
@description('Flex Consumption scale-out limit: 40 is the lowest the platform accepts (learn.microsoft.com/azure/azure-functions/event-driven-scaling#limit-scale-out)')
@minValue(40)
@maxValue(1000)
param functionMaximumInstances int = 40
@description('Always-ready instances of the HTTP functions (Flex Consumption): the status path meets no cold start; billed while idle')
@minValue(0)
param functionAlwaysReadyInstances int = 0
@allowed([512, 2048, 4096])
param functionInstanceMemoryMB int = 2048
@allowed(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
param logLevel string = 'info'
param staticWebAppLocation string = 'westeurope'
@allowed(['Free', 'Standard'])
param staticWebAppSku string = 'Free'
@description('Client id of the Entra ID app registration people sign in to the API with (App Service Authentication); empty: no sign-in, function keys only')
param authClientId string = ''
@description('With sign-in: name of a Key Vault secret, made by an operator, holding API keys (comma-separated) that services may send as x-api-key instead of a token; empty: every caller needs a token')
param apiKeysEntry string = ''

// People
@description('Object id of the user or service principal running the deployment: gets AKS RBAC Cluster Admin, Grafana Admin, Key Vault Secrets Officer. Empty: none.')
param deployerPrincipalId string = ''
@allowed(['User', 'ServicePrincipal', 'Group'])
param deployerPrincipalType string = 'User'
param alertEmailAddress string = ''

var baseName = 'dtq-${environmentName}'
var suffix = take(uniqueString(subscription().id, resourceGroup().id), 8)
var allTags = union(tags, { application: 'dtq', environment: environmentName })

func keyVaultReference(vaultUri string, secretName string) string =>
  '@Microsoft.KeyVault(SecretUri=${vaultUri}secrets/${secretName}/)'

module identities 'modules/identities.bicep' = {
  name: 'identities'
  params: { baseName: baseName, location: location, tags: allTags }
}

module network 'modules/network.bicep' = {
  name: 'network'
  params: { baseName: baseName, location: location, tags: allTags }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    baseName: baseName
    suffix: suffix
    location: location
    tags: allTags
    deployerPrincipalId: deployerPrincipalId
    deployerPrincipalType: deployerPrincipalType
    namespace: kubernetesNamespace
    kedaPrincipalId: identities.outputs.kedaPrincipalId
    workerPrincipalId: identities.outputs.workerPrincipalId
  }
}

module keyVault 'modules/key-vault.bicep' = {
  name: 'key-vault'
  params: {
    baseName: baseName
    suffix: suffix
    location: location
    tags: allTags
    purgeProtection: keyVaultPurgeProtection
    deployerPrincipalId: deployerPrincipalId
    deployerPrincipalType: deployerPrincipalType
  }
}

module registry 'modules/container-registry.bicep' = {
  name: 'container-registry'
  params: { baseName: baseName, suffix: suffix, location: location, tags: allTags, sku: registrySku }
}

module aks 'modules/aks.bicep' = {
  name: 'aks'
  params: {
    baseName: baseName
    location: location
    tags: allTags
    kubernetesVersion: aksKubernetesVersion
    nodeVmSize: aksNodeVmSize
    nodeMinCount: aksNodeMinCount
    nodeMaxCount: aksNodeMaxCount
    availabilityZones: aksAvailabilityZones
    tier: aksTier
    controlPlaneIdentityId: identities.outputs.aksControlPlaneId
    controlPlanePrincipalId: identities.outputs.aksControlPlanePrincipalId
    vnetName: network.outputs.vnetName
    subnetName: network.outputs.aksSubnetName
    registryName: registry.outputs.name
    collectionRuleId: monitoring.outputs.collectionRuleId
    collectionEndpointId: monitoring.outputs.collectionEndpointId
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
    containerInsightsRuleId: monitoring.outputs.containerInsightsRuleId
    namespace: kubernetesNamespace
    // Service accounts of k8s/base: the worker and RabbitMQ read their secrets as these identities.
    workloadIdentities: [
      { identityName: identities.outputs.workerName, serviceAccount: 'dtq-worker' }
      { identityName: identities.outputs.rabbitmqName, serviceAccount: 'dtq-rabbitmq' }
    ]
    kedaIdentityName: identities.outputs.kedaName
    deployerPrincipalId: deployerPrincipalId
    deployerPrincipalType: deployerPrincipalType
  }
}

module eventHubs 'modules/event-hubs.bicep' = {
  name: 'event-hubs'
  params: {
    baseName: baseName
    suffix: suffix
    location: location
    tags: allTags
    sku: eventHubsSku
    capacity: eventHubsCapacity
    jobTypes: jobTypes
    topicTemplate: topicTemplate
    deadLetterTopic: deadLetterTopic
    partitionCount: eventHubPartitions
    retentionDays: eventHubsRetentionDays
    apiPrincipalId: identities.outputs.apiPrincipalId
    workerPrincipalId: identities.outputs.workerPrincipalId
  }
}

module redis 'modules/redis.bicep' = {
  name: 'redis'
  params: {
    baseName: baseName
    suffix: suffix
    location: location
    tags: allTags
    sku: redisSku
    highAvailability: redisHighAvailability
    keyVaultName: keyVault.outputs.name
  }
}

module cosmos 'modules/cosmos-mongo.bicep' = {
  name: 'cosmos-mongo'
  params: {
    baseName: baseName
    suffix: suffix
    location: location
    tags: allTags
    serverless: cosmosServerless
    maxThroughput: cosmosMaxThroughput
    databaseName: mongoDatabaseName
    keyVaultName: keyVault.outputs.name
  }
}

module rabbitmq 'modules/rabbitmq-secrets.bicep' = {
  name: 'rabbitmq-secrets'
  params: {
    keyVaultName: keyVault.outputs.name
    username: rabbitmqUsername
    password: rabbitmqPassword
    privateIp: rabbitmqPrivateIp
  }
}

// Which identity reads which secret. The API and the worker read the service connections; the
// RabbitMQ pod reads only its password.
var serviceSecrets = [
  redis.outputs.secretName
  rabbitmq.outputs.urlSecretName
  cosmos.outputs.secretName
]

module keyVaultAccess 'modules/key-vault-access.bicep' = {
  name: 'key-vault-access'
  params: {
    keyVaultName: keyVault.outputs.name
    grants: concat(
      map(serviceSecrets, name => { secretName: name, principalId: identities.outputs.apiPrincipalId }),
      map(serviceSecrets, name => { secretName: name, principalId: identities.outputs.workerPrincipalId }),
      [{ secretName: rabbitmq.outputs.passwordSecretName, principalId: identities.outputs.rabbitmqPrincipalId }],
      // The secret must exist: a deployment naming a missing one fails here, not with a Key Vault
      // reference that never resolves.
      serviceKeys ? [{ secretName: apiKeysEntry, principalId: identities.outputs.apiPrincipalId }] : []
    )
  }
}

module staticWebApp 'modules/static-web-app.bicep' = {
  name: 'static-web-app'
  params: {
    baseName: baseName
    suffix: suffix
    location: staticWebAppLocation
    tags: allTags
    sku: staticWebAppSku
  }
}

// The API's settings: variables of config/config-schema.ts. Secrets are Key Vault references
// (versionless, so a rotated secret is picked up). test/deploy/deployment-drift.test.ts checks
// that this block sets every variable a services deployment needs, and nothing the schema lacks.
var apiAppSettings = {
  KAFKA_BROKERS: eventHubs.outputs.kafkaEndpoint
  KAFKA_TOPIC_PARTITIONS: string(eventHubPartitions)
  // Event Hubs' Kafka endpoint over TLS with Entra ID tokens of the app's managed identity
  // (OAUTHBEARER; roles in modules/event-hubs.bicep): no Event Hubs key on the Function App.
  KAFKA_SSL: 'true'
  KAFKA_SASL_MECHANISM: 'oauthbearer'
  REDIS_URL: keyVaultReference(keyVault.outputs.uri, redis.outputs.secretName)
  // Azure Managed Redis runs the OSS clustering policy (modules/redis.bicep): a cluster-aware client.
  REDIS_CLUSTER: 'true'
  RABBITMQ_URL: keyVaultReference(keyVault.outputs.uri, rabbitmq.outputs.urlSecretName)
  MONGODB_URI: keyVaultReference(keyVault.outputs.uri, cosmos.outputs.secretName)
  MONGODB_DATABASE: mongoDatabaseName
  PROVIDER_MODE: 'http'
  LOG_LEVEL: logLevel
  // Sign-in (modules/function-app.bicep authsettingsV2): the job routes are registered anonymous
  // and serve the principal App Service Authentication injects (functions/functions-registration.ts).
  APP_SERVICE_AUTH: string(!empty(authClientId))
}

// Service keys beside sign-in: read from the operator's secret; without sign-in the Functions
// host's own function keys guard the job routes and dtq reads none.
var serviceKeys = !empty(authClientId) && !empty(apiKeysEntry)
var apiKeySettings = serviceKeys ? { API_KEYS: keyVaultReference(keyVault.outputs.uri, apiKeysEntry) } : {}

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  params: {
    baseName: baseName
    suffix: suffix
    location: location
    tags: allTags
    identityId: identities.outputs.apiId
    identityClientId: identities.outputs.apiClientId
    identityPrincipalId: identities.outputs.apiPrincipalId
    appInsightsName: monitoring.outputs.appInsightsName
    subnetId: network.outputs.functionsSubnetId
    dtqSettings: union(apiAppSettings, apiKeySettings)
    allowedOrigins: [staticWebApp.outputs.url]
    maximumInstanceCount: functionMaximumInstances
    alwaysReadyInstances: functionAlwaysReadyInstances
    instanceMemoryMB: functionInstanceMemoryMB
    authClientId: authClientId
    serviceKeys: serviceKeys
  }
  // Key Vault references resolve only once the identity may read the secrets.
  dependsOn: [keyVaultAccess]
}

module prometheusRules 'modules/prometheus-rules.bicep' = {
  name: 'prometheus-rules'
  params: {
    baseName: baseName
    location: location
    tags: allTags
    prometheusWorkspaceId: monitoring.outputs.prometheusWorkspaceId
    clusterName: aks.outputs.name
    alertEmailAddress: alertEmailAddress
  }
}

// Nothing scrapes the Functions instances: the API's alerts run on its Application Insights data.
module apiAlerts 'modules/api-alerts.bicep' = {
  name: 'api-alerts'
  params: {
    baseName: baseName
    location: location
    tags: allTags
    appInsightsId: monitoring.outputs.appInsightsId
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
    namespace: kubernetesNamespace
    actionGroupId: prometheusRules.outputs.actionGroupId
  }
}

@description('The HTTP API (Function App); the web UI calls it')
output apiUrl string = functionApp.outputs.url
output functionAppName string = functionApp.outputs.name
@description('The web UI')
output staticWebAppUrl string = staticWebApp.outputs.url
output staticWebAppName string = staticWebApp.outputs.name
output acrLoginServer string = registry.outputs.loginServer
output acrName string = registry.outputs.name
output aksName string = aks.outputs.name
@description('KAFKA_BROKERS: <namespace>.servicebus.windows.net:9093, OAUTHBEARER (Entra ID tokens), TLS')
output eventHubsKafkaEndpoint string = eventHubs.outputs.kafkaEndpoint
output eventHubsNamespace string = eventHubs.outputs.namespaceName
output grafanaUrl string = monitoring.outputs.grafanaUrl
output grafanaName string = monitoring.outputs.grafanaName
@description('Managed Prometheus query endpoint; KEDA scales the worker on the consumer lag it serves')
output prometheusQueryEndpoint string = monitoring.outputs.prometheusQueryEndpoint
output keyVaultUri string = keyVault.outputs.uri
output keyVaultName string = keyVault.outputs.name
output redisHostName string = redis.outputs.hostName
output cosmosAccountName string = cosmos.outputs.accountName
output rabbitmqPrivateIp string = rabbitmqPrivateIp
output tenantId string = tenant().tenantId
// What scripts/deploy.sh builds the web UI with (VITE_AUTH_*): all empty without sign-in.
@description('The app registration the web UI signs people in with (MSAL.js); empty: no sign-in')
output signInClientId string = authClientId
output signInAuthority string = empty(authClientId) ? '' : '${environment().authentication.loginEndpoint}${tenant().tenantId}'
@description('The delegated scope of the API the web UI asks a token for')
output signInScope string = empty(authClientId) ? '' : 'api://${authClientId}/user_impersonation'
@description('Workload identity of the worker pods (k8s service account dtq-worker)')
output workerIdentityClientId string = identities.outputs.workerClientId
@description('Workload identity of the RabbitMQ pod (k8s service account dtq-rabbitmq)')
output rabbitmqIdentityClientId string = identities.outputs.rabbitmqClientId
@description('Workload identity of KEDA (kube-system/keda-operator): reads the worker\'s consumer lag from managed Prometheus')
output kedaIdentityClientId string = identities.outputs.kedaClientId
@description('APPLICATIONINSIGHTS_CONNECTION_STRING of the worker (Entra-authenticated ingestion)')
output appInsightsConnectionString string = monitoring.outputs.appInsightsConnectionString
