// The worker's cluster: Entra ID + Azure RBAC, workload identity (pods read Key Vault through the
// Secrets Store CSI driver add-on), the KEDA add-on (scales the worker on consumer lag, read from
// managed Prometheus with its own workload identity), the
// managed Prometheus metrics add-on wired to the Azure Monitor workspace, and the monitoring
// add-on (Container Insights) sending container logs to Log Analytics. A system pool runs the
// add-ons only; dtq runs on the apps pool (zoned in prod); upgrades wait for a Sunday-night window.
param baseName string
param location string
param tags object
param kubernetesVersion string
param nodeVmSize string
param nodeMinCount int
param nodeMaxCount int
@description('Zones of the apps node pool; empty: none')
param availabilityZones array
@allowed(['Free', 'Standard'])
param tier string
param controlPlaneIdentityId string
param controlPlanePrincipalId string
param vnetName string
param subnetName string
param registryName string
param collectionRuleId string
param collectionEndpointId string
@description('Log Analytics workspace the monitoring add-on (Container Insights) sends container logs to')
param logAnalyticsWorkspaceId string
@description('Container Insights data collection rule (monitoring.bicep)')
param containerInsightsRuleId string
@description('Namespace of the dtq workloads in k8s/ (k8s/base/namespace.yaml)')
param namespace string
@description('[{ identityName: string, serviceAccount: string }]: workload identity federation')
param workloadIdentities array
@description('User-assigned identity of KEDA (the add-on\'s keda-operator in kube-system): queries managed Prometheus')
param kedaIdentityName string
param deployerPrincipalId string
param deployerPrincipalType string

var networkContributor = '4d97b98b-1d4f-4787-a291-c67834d212e7'
var acrPull = '7f951dda-4ed3-4680-a7ca-43fe172d538d'
var clusterAdmin = 'b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b'

resource vnet 'Microsoft.Network/virtualNetworks@2024-01-01' existing = {
  name: vnetName
}

resource subnet 'Microsoft.Network/virtualNetworks/subnets@2024-01-01' existing = {
  parent: vnet
  name: subnetName
}

// The control plane manages node NICs and the internal load balancer in our subnet.
resource controlPlaneOnSubnet 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(subnet.id, controlPlaneIdentityId, networkContributor)
  scope: subnet
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', networkContributor)
    principalId: controlPlanePrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource cluster 'Microsoft.ContainerService/managedClusters@2024-09-01' = {
  name: 'aks-${baseName}'
  location: location
  tags: tags
  sku: { name: 'Base', tier: tier }
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${controlPlaneIdentityId}': {} }
  }
  properties: {
    kubernetesVersion: empty(kubernetesVersion) ? null : kubernetesVersion
    dnsPrefix: 'aks-${baseName}'
    enableRBAC: true
    disableLocalAccounts: true
    aadProfile: { managed: true, enableAzureRBAC: true, tenantID: tenant().tenantId }
    oidcIssuerProfile: { enabled: true }
    securityProfile: { workloadIdentity: { enabled: true } }
    workloadAutoScalerProfile: { keda: { enabled: true } }
    azureMonitorProfile: { metrics: { enabled: true } }
    addonProfiles: {
      // Container Insights with managed identity auth: the logs flow per containerInsightsRule.
      omsagent: {
        enabled: true
        config: {
          logAnalyticsWorkspaceResourceID: logAnalyticsWorkspaceId
          useAADAuth: 'true'
        }
      }
      azureKeyvaultSecretsProvider: {
        enabled: true
        config: { enableSecretRotation: 'true', rotationPollInterval: '2m' }
      }
    }
    autoUpgradeProfile: { upgradeChannel: 'patch', nodeOSUpgradeChannel: 'NodeImage' }
    agentPoolProfiles: [
      // The add-ons only (CriticalAddonsOnly): a busy worker cannot starve CoreDNS, KEDA or the
      // metrics agents, and node upgrades of the apps pool do not touch them.
      {
        name: 'system'
        mode: 'System'
        osType: 'Linux'
        osSKU: 'AzureLinux'
        type: 'VirtualMachineScaleSets'
        vmSize: 'Standard_D2ds_v5'
        // Two for the production tier (one node's upgrade leaves the add-ons a node), one for dev.
        count: tier == 'Standard' ? 2 : 1
        enableAutoScaling: true
        minCount: tier == 'Standard' ? 2 : 1
        maxCount: 3
        // Azure CNI Overlay's default, stated so a change is a decision (checkov CKV_AZURE_168).
        maxPods: 250
        vnetSubnetID: subnet.id
        availabilityZones: availabilityZones
        nodeTaints: ['CriticalAddonsOnly=true:NoSchedule']
      }
      // dtq's workloads (the worker, RabbitMQ), spread across the zones when there are some.
      {
        name: 'apps'
        mode: 'User'
        osType: 'Linux'
        osSKU: 'AzureLinux'
        type: 'VirtualMachineScaleSets'
        vmSize: nodeVmSize
        count: nodeMinCount
        enableAutoScaling: true
        minCount: nodeMinCount
        maxCount: nodeMaxCount
        maxPods: 250
        vnetSubnetID: subnet.id
        availabilityZones: availabilityZones
      }
    ]
    networkProfile: {
      networkPlugin: 'azure'
      networkPluginMode: 'overlay'
      podCidr: '10.244.0.0/16'
      serviceCidr: '10.41.0.0/16'
      dnsServiceIP: '10.41.0.10'
      loadBalancerSku: 'standard'
    }
  }
  dependsOn: [controlPlaneOnSubnet]
}

// Planned maintenance: cluster and node image upgrades (autoUpgradeProfile) start only in the
// Sunday night window, not in business hours.
resource upgradeWindow 'Microsoft.ContainerService/managedClusters/maintenanceConfigurations@2024-09-01' = {
  parent: cluster
  // https://learn.microsoft.com/azure/aks/planned-maintenance
  name: 'aksManagedAutoUpgradeSchedule'
  properties: {
    maintenanceWindow: {
      schedule: { weekly: { intervalWeeks: 1, dayOfWeek: 'Sunday' } }
      durationHours: 4
      startTime: '01:00'
      utcOffset: '+00:00'
    }
  }
}

resource nodeOsUpgradeWindow 'Microsoft.ContainerService/managedClusters/maintenanceConfigurations@2024-09-01' = {
  parent: cluster
  // https://learn.microsoft.com/azure/aks/planned-maintenance
  name: 'aksManagedNodeOSUpgradeSchedule'
  properties: {
    maintenanceWindow: {
      schedule: { weekly: { intervalWeeks: 1, dayOfWeek: 'Sunday' } }
      durationHours: 4
      startTime: '01:00'
      utcOffset: '+00:00'
    }
  }
}

// Managed Prometheus: the add-on reads its configuration from the endpoint and sends per the rule.
resource prometheusRule 'Microsoft.Insights/dataCollectionRuleAssociations@2022-06-01' = {
  name: 'dtq-managed-prometheus'
  scope: cluster
  properties: {
    dataCollectionRuleId: collectionRuleId
    description: 'Sends the cluster metrics add-on data to the dtq Azure Monitor workspace'
  }
}

resource prometheusEndpoint 'Microsoft.Insights/dataCollectionRuleAssociations@2022-06-01' = {
  name: 'configurationAccessEndpoint'
  scope: cluster
  properties: {
    dataCollectionEndpointId: collectionEndpointId
  }
}

// Container Insights: what the monitoring add-on collects, and where it sends it.
resource containerInsights 'Microsoft.Insights/dataCollectionRuleAssociations@2022-06-01' = {
  name: 'ContainerInsightsExtension'
  scope: cluster
  properties: {
    dataCollectionRuleId: containerInsightsRuleId
    description: 'Sends the cluster container logs and inventory to the dtq Log Analytics workspace'
  }
}

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: registryName
}

resource kubeletPullsImages 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, cluster.id, acrPull)
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPull)
    principalId: cluster.properties.identityProfile.kubeletidentity.objectId
    principalType: 'ServicePrincipal'
  }
}

resource identities 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = [
  for workload in workloadIdentities: {
    name: workload.identityName
  }
]

// A pod running as the service account gets a token for its identity (no secret in the cluster).
@batchSize(1)
resource federations 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2023-01-31' = [
  for (workload, i) in workloadIdentities: {
    parent: identities[i]
    name: 'aks-${namespace}-${workload.serviceAccount}'
    properties: {
      issuer: cluster.properties.oidcIssuerProfile.issuerURL
      subject: 'system:serviceaccount:${namespace}:${workload.serviceAccount}'
      audiences: ['api://AzureADTokenExchange']
    }
  }
]

resource kedaIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: kedaIdentityName
}

// KEDA's TriggerAuthentication (podIdentity azure-workload) takes tokens for this identity in the
// operator's own pod: the AKS add-on runs it as kube-system/keda-operator
// (https://learn.microsoft.com/azure/aks/keda-workload-identity). The add-on's pods pick up the
// federation when they restart; scripts/deploy.sh restarts them while they lack it.
resource kedaFederation 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2023-01-31' = {
  parent: kedaIdentity
  name: 'aks-kube-system-keda-operator'
  properties: {
    issuer: cluster.properties.oidcIssuerProfile.issuerURL
    subject: 'system:serviceaccount:kube-system:keda-operator'
    audiences: ['api://AzureADTokenExchange']
  }
}

resource deployerClusterAdmin 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deployerPrincipalId)) {
  name: guid(cluster.id, deployerPrincipalId, clusterAdmin)
  scope: cluster
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', clusterAdmin)
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
  }
}

output name string = cluster.name
output oidcIssuerUrl string = cluster.properties.oidcIssuerProfile.issuerURL
