// The registry the worker image goes to (pushed by CI, or built here by `az acr build`); AKS pulls
// it by digest with AcrPull.
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
    // Anonymous pull stays off: the default.
    adminUserEnabled: false
  }
}

output name string = registry.name
output id string = registry.id
output loginServer string = registry.properties.loginServer
