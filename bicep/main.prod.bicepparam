// Production: more partitions (so more worker replicas share the work), bigger nodes, highly
// available Redis, provisioned Cosmos DB throughput, purge protection on the vault.
using './main.bicep'

param environmentName = 'prod'
param eventHubPartitions = 12
param eventHubsCapacity = 2
param aksNodeVmSize = 'Standard_D4ds_v5'
param aksNodeMinCount = 3
param aksNodeMaxCount = 6
param aksTier = 'Standard'
// The apps node pool across three zones (the region must have them).
param aksAvailabilityZones = ['1', '2', '3']
param registrySku = 'Standard'
param redisSku = 'Balanced_B1'
param redisHighAvailability = true
param cosmosServerless = false
param cosmosMaxThroughput = 4000
param keyVaultPurgeProtection = true
param functionMaximumInstances = 100
// Submits and status reads meet warm instances.
param functionAlwaysReadyInstances = 1
param logLevel = 'info'
param staticWebAppSku = 'Standard'

// Set by scripts/deploy.sh; never written into this file.
param rabbitmqPassword = readEnvironmentVariable('DTQ_RABBITMQ_PASSWORD', '')
param deployerPrincipalId = readEnvironmentVariable('DTQ_DEPLOYER_PRINCIPAL_ID', '')
param deployerPrincipalType = readEnvironmentVariable('DTQ_DEPLOYER_PRINCIPAL_TYPE', 'User')
param alertEmailAddress = readEnvironmentVariable('DTQ_ALERT_EMAIL', '')
param authClientId = readEnvironmentVariable('DTQ_AUTH_CLIENT_ID', '')
param apiKeysEntry = readEnvironmentVariable('DTQ_API_KEYS_SECRET', '')
