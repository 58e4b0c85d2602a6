// "Key Vault Secrets User" on exactly the secrets each identity reads, nothing vault-wide.
param keyVaultName string
@description('[{ secretName: string, principalId: string }]')
param grants array

var secretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource secrets 'Microsoft.KeyVault/vaults/secrets@2023-07-01' existing = [
  for grant in grants: {
    parent: vault
    name: grant.secretName
  }
]

resource readers 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (grant, i) in grants: {
    name: guid(vault.id, grant.secretName, grant.principalId, secretsUser)
    scope: secrets[i]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsUser)
      principalId: grant.principalId
      principalType: 'ServicePrincipal'
    }
  }
]
