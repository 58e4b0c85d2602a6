// The vault holding every secret dtq needs (connection strings, keys, the RabbitMQ password).
// RBAC mode: readers get "Key Vault Secrets User" on single secrets (key-vault-access.bicep).
param baseName string
param suffix string
param location string
param tags object
param purgeProtection bool
@description('Object id of whoever runs the deployment; gets Key Vault Secrets Officer. Empty: no assignment.')
param deployerPrincipalId string
param deployerPrincipalType string

var secretsOfficer = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: 'kv-${baseName}-${suffix}'
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 30
    // ARM accepts only true or null here: purge protection cannot be switched off once on.
    enablePurgeProtection: purgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
  }
}

// scripts/deploy.sh reads the RabbitMQ password back on re-runs, so the deployer must read secrets.
resource deployerOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deployerPrincipalId)) {
  name: guid(vault.id, deployerPrincipalId, secretsOfficer)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsOfficer)
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
