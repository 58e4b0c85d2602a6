// Azure Managed Redis for the status store and idempotency keys. The single endpoint
// (EnterpriseCluster policy) looks like one Redis server to ioredis; TLS on port 10000.
param baseName string
param suffix string
param location string
param tags object
param sku string
param highAvailability bool
param keyVaultName string

resource cache 'Microsoft.Cache/redisEnterprise@2025-04-01' = {
  name: 'redis-${baseName}-${suffix}'
  location: location
  tags: tags
  sku: { name: sku }
  properties: {
    minimumTlsVersion: '1.2'
    highAvailability: highAvailability ? 'Enabled' : 'Disabled'
  }
}

resource database 'Microsoft.Cache/redisEnterprise/databases@2025-04-01' = {
  parent: cache
  name: 'default'
  properties: {
    clientProtocol: 'Encrypted'
    port: 10000
    clusteringPolicy: 'EnterpriseCluster'
    // Status hashes and idempotency keys expire by TTL; evicting live ones would lose state.
    evictionPolicy: 'NoEviction'
    accessKeysAuthentication: 'Enabled'
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource redisUrl 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'redis-url'
  properties: {
    value: 'rediss://:${uriComponent(database.listKeys().primaryKey)}@${cache.properties.hostName}:10000'
    contentType: 'REDIS_URL'
  }
}

output hostName string = cache.properties.hostName
output secretName string = redisUrl.name
