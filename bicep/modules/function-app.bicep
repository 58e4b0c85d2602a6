// The HTTP API on Azure Functions Flex Consumption (Node 22 LTS). The repository root is the function
// app (host.json, package.json "main"); scripts/deploy.sh publishes a zip of the build.
param baseName string
param suffix string
param location string
param tags object
param identityId string
param identityClientId string
param identityPrincipalId string
param appInsightsName string
param subnetId string
@description('dtq\'s own settings (variables of config/config-schema.ts), Key Vault references for secrets')
param dtqSettings object
param allowedOrigins array
param maximumInstanceCount int
@description('Instances of the http function group kept warm (0: none)')
param alwaysReadyInstances int
param instanceMemoryMB int
@description('Client id of the Entra ID app registration for dtq\'s API; empty: no App Service Authentication (function keys only)')
param authClientId string = ''
@description('With sign-in: dtq API keys (API_KEYS) let services in without a token, so App Service Authentication passes token-less requests on and dtq decides')
param serviceKeys bool = false
@description('Node.js major version; Flex Consumption supports the active LTS lines (Node 20 ended its support on 30 April 2026)')
param nodeVersion string = '22'

var blobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
var metricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'
var packageContainer = 'app-package'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: 'st${replace(baseName, '-', '')}${suffix}'
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    // The host and deployments use the app's identity; no account keys.
    allowSharedKeyAccess: false
    supportsHttpsTrafficOnly: true
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource packages 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobs
  name: packageContainer
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource storageOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identityId, blobDataOwner)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', blobDataOwner)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Application Insights has local auth off: the host sends telemetry with this identity.
resource telemetryPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, identityId, metricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', metricsPublisher)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-${baseName}-${suffix}'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { name: 'FC1', tier: 'FlexConsumption' }
  properties: { reserved: true }
}

// Settings the Functions host itself reads. Flex Consumption rejects FUNCTIONS_WORKER_RUNTIME and
// FUNCTIONS_EXTENSION_VERSION: the runtime is functionAppConfig.runtime below.
var platformSettings = {
  AzureWebJobsStorage__accountName: storage.name
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  // @azure/identity's DefaultAzureCredential takes the user-assigned identity named here (Event
  // Hubs OAUTHBEARER tokens, Entra-authenticated trace export).
  AZURE_CLIENT_ID: identityClientId
  NODE_ENV: 'production'
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: 'func-${baseName}-${suffix}'
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references resolve with this identity.
    keyVaultReferenceIdentity: identityId
    // Private traffic (RabbitMQ's internal load balancer) goes through the VNet.
    virtualNetworkSubnetId: subnetId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${packageContainer}'
          authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: identityId }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        // All of dtq's functions are HTTP triggers: the 'http' group keeps them warm together.
        // https://learn.microsoft.com/azure/azure-functions/flex-consumption-how-to#set-always-ready-instance-counts
        alwaysReady: alwaysReadyInstances > 0 ? [{ name: 'http', instanceCount: alwaysReadyInstances }] : []
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: { name: 'node', version: nodeVersion }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      cors: { allowedOrigins: allowedOrigins, supportCredentials: false }
      appSettings: [for setting in items(union(platformSettings, dtqSettings)): { name: setting.key, value: setting.value }]
    }
  }
  dependsOn: [storageOwner, telemetryPublisher, packages]
}

// Sign-in in front of the API: App Service Authentication ("Easy Auth") with Microsoft Entra ID
// (learn.microsoft.com/azure/app-service/configure-authentication-provider-aad; the
// Microsoft.Web/sites/config authsettingsV2 reference). It validates the token of every request
// that has one and tells the app who called (x-ms-client-principal-id, which it strips from client
// requests: learn.microsoft.com/azure/app-service/configure-authentication-user-identities).
// The job routes are then registered anonymous (APP_SERVICE_AUTH in main.bicep), since the
// Functions host would demand a function key even of a signed-in caller, and dtq requires the
// principal. Without service keys every request but the anonymous routes (probes and metrics,
// authLevel 'anonymous' in api/route-table.ts; a test compares them) needs a token: people
// get one by signing in (the web UI, MSAL.js), services through the client-credentials flow; 401,
// not a redirect, as for an API. With service keys, token-less requests go on to dtq, which serves
// a configured x-api-key and answers 401 to the rest ("Allow unauthenticated requests" defers the
// decision to the app).
resource auth 'Microsoft.Web/sites/config@2024-04-01' = if (!empty(authClientId)) {
  parent: site
  name: 'authsettingsV2'
  properties: {
    platform: { enabled: true }
    globalValidation: {
      requireAuthentication: !serviceKeys
      unauthenticatedClientAction: serviceKeys ? 'AllowAnonymous' : 'Return401'
      excludedPaths: ['/healthz', '/readyz', '/metrics']
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: authClientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
        }
        validation: {
          allowedAudiences: ['api://${authClientId}', authClientId]
        }
      }
    }
    // Bearer tokens only: no session cookies or stored tokens for an API.
    login: { tokenStore: { enabled: false } }
    httpSettings: { requireHttps: true }
  }
}

output name string = site.name
output url string = 'https://${site.properties.defaultHostName}'
