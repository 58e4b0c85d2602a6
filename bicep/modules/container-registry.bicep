// The registry `az acr build` pushes the worker (and API fallback) images to; AKS pulls with AcrPull.
param baseName string
param suffix string
param location string
param tags object
@allowed(['Basic', 'Standard', 'Premium'])
param sku string

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  // Registry names are alphanumeric only.
  name: 'acr${replace(baseName, '-', '')}${suffix}'
  location: location
  tags: tags
  sku: { name: sku }
  properties: {
    adminUserEnabled: false
    anonymousPullEnabled: false
  }
}

output name string = registry.name
output id string = registry.id
output loginServer string = registry.properties.loginServer
