// Azure Cosmos DB for MongoDB (RU): database dtq, collection job_results with the unique job_id
// index the result store relies on (one document per job however often it is replayed).
param baseName string
param suffix string
param location string
param tags object
param serverless bool
@description('Autoscale ceiling of the database when not serverless')
param maxThroughput int
param databaseName string
param keyVaultName string

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: 'cosmos-${baseName}-${suffix}'
  location: location
  tags: tags
  kind: 'MongoDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [{ locationName: location, failoverPriority: 0, isZoneRedundant: false }]
    consistencyPolicy: { defaultConsistencyLevel: 'Session' }
    apiProperties: { serverVersion: '7.0' }
    capabilities: concat([{ name: 'EnableMongo' }], serverless ? [{ name: 'EnableServerless' }] : [])
    minimalTlsVersion: 'Tls12'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/mongodbDatabases@2024-11-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: { id: databaseName }
    options: serverless ? {} : { autoscaleSettings: { maxThroughput: maxThroughput } }
  }
}

resource jobResults 'Microsoft.DocumentDB/databaseAccounts/mongodbDatabases/collections@2024-11-15' = {
  parent: database
  name: 'job_results'
  properties: {
    resource: {
      id: 'job_results'
      // A unique index can only be created on an empty collection, so it is created with it.
      indexes: [
        { key: { keys: ['_id'] } }
        { key: { keys: ['job_id'] }, options: { unique: true } }
        // Single-field indexes serve both sort directions (completed_at: -1 for recent results).
        { key: { keys: ['completed_at'] } }
      ]
    }
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource mongodbUri 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'mongodb-uri'
  properties: {
    value: account.listConnectionStrings().connectionStrings[0].connectionString
    contentType: 'MONGODB_URI'
  }
}

output accountName string = account.name
output secretName string = mongodbUri.name
