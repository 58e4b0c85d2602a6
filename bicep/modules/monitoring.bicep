// Telemetry: Log Analytics + Application Insights for the Function App; the Container Insights
// data collection rule that sends the cluster's container logs to the same workspace; an Azure
// Monitor workspace (managed Prometheus) with the data collection endpoint and rule the AKS metrics
// add-on sends to; Azure Managed Grafana reading that workspace.
param baseName string
param suffix string
param location string
param tags object
@description('Object id of whoever runs the deployment; gets Grafana Admin. Empty: no assignment.')
param deployerPrincipalId string
param deployerPrincipalType string
@description('k8s/base/namespace.yaml: the one namespace Container Insights collects from')
param namespace string
@description('KEDA\'s identity: queries the worker\'s consumer lag in the Azure Monitor workspace')
param kedaPrincipalId string
@description('The worker\'s identity: sends its traces to Application Insights (local auth is off)')
param workerPrincipalId string

var monitoringDataReader = 'b0d8363b-8ddd-447d-831f-62ca05bff136'
var grafanaAdmin = '22926164-76b3-42b3-bc55-97df8dab3e41'
var metricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-${baseName}-${suffix}'
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${baseName}-${suffix}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
    // Telemetry is sent with the Function App's identity (Monitoring Metrics Publisher), not the key.
    DisableLocalAuth: true
  }
}

resource prometheusWorkspace 'Microsoft.Monitor/accounts@2023-04-03' = {
  name: 'amw-${baseName}-${suffix}'
  location: location
  tags: tags
}

resource collectionEndpoint 'Microsoft.Insights/dataCollectionEndpoints@2022-06-01' = {
  name: take('MSProm-${location}-${baseName}', 44)
  location: location
  tags: tags
  kind: 'Linux'
  properties: {}
}

resource collectionRule 'Microsoft.Insights/dataCollectionRules@2022-06-01' = {
  name: take('MSProm-${location}-${baseName}', 44)
  location: location
  tags: tags
  kind: 'Linux'
  properties: {
    dataCollectionEndpointId: collectionEndpoint.id
    description: 'AKS metrics add-on (managed Prometheus) to the dtq Azure Monitor workspace'
    dataSources: {
      prometheusForwarder: [
        {
          name: 'PrometheusDataSource'
          streams: ['Microsoft-PrometheusMetrics']
          labelIncludeFilter: {}
        }
      ]
    }
    destinations: {
      monitoringAccounts: [
        {
          accountResourceId: prometheusWorkspace.id
          name: 'MonitoringAccount1'
        }
      ]
    }
    dataFlows: [
      {
        streams: ['Microsoft-PrometheusMetrics']
        destinations: ['MonitoringAccount1']
      }
    ]
  }
}

// Container Insights (the AKS monitoring add-on, managed identity auth): container stdout/stderr
// as ContainerLogV2, pod inventory and Kubernetes events, into the workspace Application Insights
// uses, so the worker's JSON logs and the API's requests can be queried (and alerted on) together.
// The shape follows learn.microsoft.com/azure/azure-monitor/containers/kubernetes-monitoring-enable
// (ARM/Bicep); the association with the cluster is in aks.bicep.
resource containerInsightsRule 'Microsoft.Insights/dataCollectionRules@2022-06-01' = {
  name: take('MSCI-${location}-${baseName}', 64)
  location: location
  tags: tags
  kind: 'Linux'
  properties: {
    description: 'Container Insights: AKS container logs and inventory to the dtq Log Analytics workspace'
    dataSources: {
      extensions: [
        {
          name: 'ContainerInsightsExtension'
          extensionName: 'ContainerInsights'
          streams: ['Microsoft-ContainerLogV2', 'Microsoft-KubeEvents', 'Microsoft-KubePodInventory']
          extensionSettings: {
            dataCollectionSettings: {
              interval: '1m'
              // dtq's namespace only: the add-ons' own logs (kube-system and others) are not ours
              // to pay for; their health shows in the cluster's own insights.
              namespaceFilteringMode: 'Include'
              // https://learn.microsoft.com/azure/azure-monitor/containers/kubernetes-monitoring-enable
              namespaces: [namespace]
              enableContainerLogV2: true
            }
          }
        }
      ]
    }
    destinations: {
      logAnalytics: [{ workspaceResourceId: logs.id, name: 'ciworkspace' }]
    }
    dataFlows: [
      {
        streams: ['Microsoft-ContainerLogV2', 'Microsoft-KubeEvents', 'Microsoft-KubePodInventory']
        destinations: ['ciworkspace']
      }
    ]
  }
}

resource grafana 'Microsoft.Dashboard/grafana@2024-10-01' = {
  name: 'gf-${baseName}-${suffix}'
  location: location
  tags: tags
  sku: { name: 'Standard' }
  identity: { type: 'SystemAssigned' }
  properties: {
    publicNetworkAccess: 'Enabled'
    apiKey: 'Disabled'
    zoneRedundancy: 'Disabled'
    grafanaIntegrations: {
      azureMonitorWorkspaceIntegrations: [{ azureMonitorWorkspaceResourceId: prometheusWorkspace.id }]
    }
  }
}

// Grafana queries the Prometheus data with its own identity.
resource grafanaReadsPrometheus 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(prometheusWorkspace.id, grafana.id, monitoringDataReader)
  scope: prometheusWorkspace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringDataReader)
    principalId: grafana.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

// KEDA scales the worker on dtq_worker_consumer_lag, queried from this workspace with its own
// identity (k8s/base/worker/keda-trigger-authentication.yaml): no Event Hubs key for the scaler.
resource kedaReadsPrometheus 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(prometheusWorkspace.id, kedaPrincipalId, monitoringDataReader)
  scope: prometheusWorkspace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringDataReader)
    principalId: kedaPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Application Insights has local auth off: the worker sends its spans with its workload identity,
// as the Function App does with its own (function-app.bicep).
resource workerTelemetryPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, workerPrincipalId, metricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', metricsPublisher)
    principalId: workerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// The deployer can open Grafana and import the dtq dashboard.
resource deployerGrafanaAdmin 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deployerPrincipalId)) {
  name: guid(grafana.id, deployerPrincipalId, grafanaAdmin)
  scope: grafana
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', grafanaAdmin)
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
  }
}

output appInsightsName string = appInsights.name
output appInsightsId string = appInsights.id
@description('Where the worker sends its spans; not a secret: ingestion takes Entra tokens only (DisableLocalAuth)')
output appInsightsConnectionString string = appInsights.properties.ConnectionString
output logAnalyticsWorkspaceId string = logs.id
output containerInsightsRuleId string = containerInsightsRule.id
output prometheusWorkspaceId string = prometheusWorkspace.id
output prometheusQueryEndpoint string = prometheusWorkspace.properties.metrics.prometheusQueryEndpoint
output collectionEndpointId string = collectionEndpoint.id
output collectionRuleId string = collectionRule.id
output grafanaName string = grafana.name
output grafanaUrl string = grafana.properties.endpoint
