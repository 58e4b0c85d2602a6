// The private network the API and the cluster share: the Function App reaches RabbitMQ (which
// has no Azure PaaS and runs in the cluster) through its internal load balancer on this VNet.
param baseName string
param location string
param tags object
param addressPrefix string = '10.40.0.0/16'
@description('AKS nodes; the RabbitMQ internal load balancer IP comes from this range too')
param aksSubnetPrefix string = '10.40.0.0/22'
param functionsSubnetPrefix string = '10.40.8.0/24'

// The Function App sends everything through the VNet once integrated; a NAT gateway gives it
// (and only it: AKS egresses through its own load balancer) a fixed way out to the services'
// public endpoints, whatever the subnet's default outbound access.
resource natIp 'Microsoft.Network/publicIPAddresses@2024-01-01' = {
  name: 'pip-${baseName}-nat'
  location: location
  tags: tags
  sku: { name: 'Standard' }
  properties: { publicIPAllocationMethod: 'Static' }
}

resource nat 'Microsoft.Network/natGateways@2024-01-01' = {
  name: 'nat-${baseName}'
  location: location
  tags: tags
  sku: { name: 'Standard' }
  properties: {
    idleTimeoutInMinutes: 10
    publicIpAddresses: [{ id: natIp.id }]
  }
}

resource vnet 'Microsoft.Network/virtualNetworks@2024-01-01' = {
  name: 'vnet-${baseName}'
  location: location
  tags: tags
  properties: {
    addressSpace: { addressPrefixes: [addressPrefix] }
    subnets: [
      {
        name: 'aks-nodes'
        properties: { addressPrefix: aksSubnetPrefix }
      }
      {
        // Flex Consumption VNet integration needs a subnet delegated to Microsoft.App/environments.
        name: 'functions'
        properties: {
          addressPrefix: functionsSubnetPrefix
          natGateway: { id: nat.id }
          delegations: [
            {
              name: 'flex-consumption'
              properties: { serviceName: 'Microsoft.App/environments' }
            }
          ]
        }
      }
    ]
  }
}

output vnetName string = vnet.name
output aksSubnetName string = 'aks-nodes'
output aksSubnetId string = resourceId('Microsoft.Network/virtualNetworks/subnets', vnet.name, 'aks-nodes')
output functionsOutboundIp string = natIp.properties.ipAddress
output functionsSubnetId string = resourceId('Microsoft.Network/virtualNetworks/subnets', vnet.name, 'functions')
