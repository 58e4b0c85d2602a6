// The web UI (web/dist). Content is uploaded by scripts/deploy.sh (`swa deploy`), not from a repo.
param baseName string
param suffix string
@description('Static Web Apps run in a few regions only (e.g. westeurope, eastus2, centralus, westus2, eastasia)')
param location string
param tags object
@allowed(['Free', 'Standard'])
param sku string

resource site 'Microsoft.Web/staticSites@2023-12-01' = {
  name: 'swa-${baseName}-${suffix}'
  location: location
  tags: tags
  sku: { name: sku, tier: sku }
  properties: {
    allowConfigFileUpdates: true
    stagingEnvironmentPolicy: 'Disabled'
  }
}

output name string = site.name
output url string = 'https://${site.properties.defaultHostname}'
