// Azure Cosmos DB for MongoDB (RU): database dtq, collection job_results sharded on job_id with the
// unique job_id index the result store relies on (one document per job however often it is replayed),
// idempotency_keys, the durable Idempotency-Keys, and delayed_jobs, jobs waiting for their run_at,
// with delayed_job_claims, the hand-over's claim markers.
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

// job_results: sharded on job_id, and owner of its index set.
// - Shard key job_id (hashed): a collection in a database with shared (autoscale) throughput must
//   have one ("Shared throughput collection should have a partition key";
//   learn.microsoft.com/azure/cosmos-db/mongodb/how-to-provision-throughput), and every result
//   operation filters on job_id, so each is a single-partition one. Set here for serverless too, so
//   dev and prod behave alike. A shard key cannot be changed on an existing collection.
// - The indexes are exactly adapters/mongodb/result-indexes.ts RESULT_INDEXES (a test compares them):
//   a unique index can only be created on an empty collection, so it is created with it, and on a
//   sharded collection it must include the shard key, as {job_id} does
//   (learn.microsoft.com/azure/cosmos-db/mongodb/indexing). ARM keys carry no sort direction
//   (azure-rest-api-specs#11824): the code verifies these by their fields rather than creating them.
resource jobResults 'Microsoft.DocumentDB/databaseAccounts/mongodbDatabases/collections@2024-11-15' = {
  parent: database
  name: 'job_results'
  properties: {
    resource: {
      id: 'job_results'
      shardKey: { job_id: 'Hash' }
      indexes: [
        { key: { keys: ['_id'] } }
        { key: { keys: ['job_id'] }, options: { unique: true } }
        // Single-field indexes serve both sort directions (completed_at: -1 for recent results).
        { key: { keys: ['completed_at'] } }
        // list(): keyset pages sorted on completed_at, job_id, optionally after an equality filter.
        { key: { keys: ['completed_at', 'job_id'] } }
        { key: { keys: ['final_state', 'completed_at', 'job_id'] } }
        { key: { keys: ['job_type', 'completed_at', 'job_id'] } }
      ]
    }
  }
}

// idempotency_keys: the durable copy of each Idempotency-Key (adapters/mongodb/mongo-idempotency-store.ts),
// so a key outlives Azure Managed Redis losing its data. Sharded on _id (the key's hash), which every
// operation filters on; _id is unique. RU-based Cosmos DB serves a TTL index only on _ts: keys go
// 24 h after their last write (the store also ignores a record past its own expires_at).
resource idempotencyKeys 'Microsoft.DocumentDB/databaseAccounts/mongodbDatabases/collections@2024-11-15' = {
  parent: database
  name: 'idempotency_keys'
  properties: {
    resource: {
      id: 'idempotency_keys'
      shardKey: { _id: 'Hash' }
      indexes: [
        { key: { keys: ['_id'] } }
        { key: { keys: ['_ts'] }, options: { expireAfterSeconds: 86400 } }
      ]
    }
  }
}

// schedules: every schedule and where its ticks have got to (adapters/mongodb/mongo-schedule-store.ts),
// kept beside the results so a schedule outlives every process and Azure Managed Redis losing its
// data. Sharded on _id (the schedule id), which every write filters on. The indexes are exactly
// SCHEDULE_INDEXES (a test compares them): next_run_at serves the workers' due query, created_at
// the listing. No TTL: a schedule lives until it is deleted.
resource schedules 'Microsoft.DocumentDB/databaseAccounts/mongodbDatabases/collections@2024-11-15' = {
  parent: database
  name: 'schedules'
  properties: {
    resource: {
      id: 'schedules'
      shardKey: { _id: 'Hash' }
      indexes: [
        { key: { keys: ['_id'] } }
        { key: { keys: ['next_run_at'] } }
        { key: { keys: ['created_at'] } }
      ]
    }
  }
}

// delayed_jobs: jobs put off until their run_at (adapters/mongodb/mongo-delayed-jobs.ts), the only
// copy of each until it is handed over to Kafka, so it is kept here and not in Redis. Sharded on _id
// (the job id), which hold, hand-over and cancel filter on. The indexes are exactly
// adapters/mongodb/delayed-job-indexes.ts DELAYED_JOB_INDEXES (a test compares them): due_at serves
// the hand-over's query for due jobs. No TTL: a held job leaves only when it is handed over or cancelled.
resource delayedJobs 'Microsoft.DocumentDB/databaseAccounts/mongodbDatabases/collections@2024-11-15' = {
  parent: database
  name: 'delayed_jobs'
  properties: {
    resource: {
      id: 'delayed_jobs'
      shardKey: { _id: 'Hash' }
      indexes: [
        { key: { keys: ['_id'] } }
        { key: { keys: ['due_at'] } }
      ]
    }
  }
}

// delayed_job_claims: the hand-over's claim markers (_id = the job id, with the end of the claim's
// lease), whose unique _id lets one of several workers claim a due job; the workers delete them when
// the lease ends (no TTL, as FerretDB has none). Few at a time: only claims in progress. Sharded on _id.
resource delayedJobClaims 'Microsoft.DocumentDB/databaseAccounts/mongodbDatabases/collections@2024-11-15' = {
  parent: database
  name: 'delayed_job_claims'
  properties: {
    resource: {
      id: 'delayed_job_claims'
      shardKey: { _id: 'Hash' }
      indexes: [
        { key: { keys: ['_id'] } }
      ]
    }
  }
}

// webhook_deliveries: the webhook outbox (adapters/mongodb/mongo-webhook-outbox.ts), one delivery
// per job and how far it has got, kept beside the results so a delivery outlives the worker that
// recorded it. Sharded on _id (the job id), which every claim and attempt filters on. The indexes
// are exactly WEBHOOK_INDEXES (a test compares them): next_attempt_at serves the deliverers' due
// query, state the pending count. No TTL: a delivery lives as long as its result.
resource webhookDeliveries 'Microsoft.DocumentDB/databaseAccounts/mongodbDatabases/collections@2024-11-15' = {
  parent: database
  name: 'webhook_deliveries'
  properties: {
    resource: {
      id: 'webhook_deliveries'
      shardKey: { _id: 'Hash' }
      indexes: [
        { key: { keys: ['_id'] } }
        { key: { keys: ['next_attempt_at'] } }
        { key: { keys: ['state'] } }
      ]
    }
  }
}

// bulk_operations: one document per bulk cancel, retry or replay (adapters/mongodb/mongo-bulk-operation-store.ts),
// kept so an operation outlives the API that ran it. Sharded on _id (the operation id), which every call filters on.
resource bulkOperations 'Microsoft.DocumentDB/databaseAccounts/mongodbDatabases/collections@2024-11-15' = {
  parent: database
  name: 'bulk_operations'
  properties: {
    resource: {
      id: 'bulk_operations'
      shardKey: { _id: 'Hash' }
      indexes: [
        { key: { keys: ['_id'] } }
      ]
    }
  }
}

// bulk_operation_items: one document per job an operation matched, written before any job is acted on.
// Sharded on operation_id, which every call filters on; the indexes are BULK_ITEM_INDEXES.
resource bulkOperationItems 'Microsoft.DocumentDB/databaseAccounts/mongodbDatabases/collections@2024-11-15' = {
  parent: database
  name: 'bulk_operation_items'
  properties: {
    resource: {
      id: 'bulk_operation_items'
      shardKey: { operation_id: 'Hash' }
      indexes: [
        { key: { keys: ['_id'] } }
        { key: { keys: ['operation_id', 'seq'] } }
        { key: { keys: ['operation_id', 'outcome'] } }
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
