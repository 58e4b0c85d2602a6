// Development: smallest sizes, serverless Cosmos DB, no purge protection (easy teardown).
using './main.bicep'

param environmentName = 'dev'
param eventHubPartitions = 3
param eventHubsCapacity = 1
param aksNodeVmSize = 'Standard_D2ds_v5'
param aksNodeMinCount = 2
param aksNodeMaxCount = 3
param aksTier = 'Free'
param registrySku = 'Basic'
param redisSku = 'Balanced_B0'
param redisHighAvailability = false
param cosmosServerless = true
param keyVaultPurgeProtection = false
// 40: the lowest scale-out limit Flex Consumption accepts.
param functionMaximumInstances = 40
param logLevel = 'debug'
param staticWebAppSku = 'Free'

// Set by scripts/deploy.sh; never written into this file.
param rabbitmqPassword = readEnvironmentVariable('DTQ_RABBITMQ_PASSWORD', '')
param deployerPrincipalId = readEnvironmentVariable('DTQ_DEPLOYER_PRINCIPAL_ID', '')
param deployerPrincipalType = readEnvironmentVariable('DTQ_DEPLOYER_PRINCIPAL_TYPE', 'User')
param alertEmailAddress = readEnvironmentVariable('DTQ_ALERT_EMAIL', '')
param authClientId = readEnvironmentVariable('DTQ_AUTH_CLIENT_ID', '')
param apiKeysEntry = readEnvironmentVariable('DTQ_API_KEYS_SECRET', '')
