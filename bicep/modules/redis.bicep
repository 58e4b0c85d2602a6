// Azure Managed Redis for the status store and idempotency keys; TLS on port 10000.
//
// Clustering policy OSSCluster, on purpose (learn.microsoft.com/azure/redis/choose-clustering-policy):
// the client talks to the shards directly (the best throughput and latency the service offers), and
// it must follow the Redis Cluster protocol, which dtq's Redis client does with REDIS_CLUSTER=true
// (set for the API in main.bicep and for the worker in k8s/base). That is also what the stores are
// tested on: services:up runs a real three-node Redis Cluster, and the status store keeps each
// job's keys in one hash slot. EnterpriseCluster would hide the shards behind a proxy but still
// refuse multi-key commands across slots, and it is not what the tests exercise; NoCluster would
// cap the cache at one shard. The policy cannot be changed without deleting the database.
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
    clusteringPolicy: 'OSSCluster'
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
