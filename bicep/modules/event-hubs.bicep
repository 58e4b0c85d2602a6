// Event Hubs with its Kafka endpoint (<namespace>.servicebus.windows.net:9093, Standard tier or
// higher): one hub per job type and priority, the dead-letter hub, and the worker's consumer group.
param baseName string
param suffix string
param location string
param tags object
@allowed(['Standard', 'Premium'])
param sku string
param capacity int
param jobTypes array
@description('KAFKA_TOPIC_TEMPLATE: %s is replaced by the job type')
param topicTemplate string
param deadLetterTopic string
param partitionCount int
param retentionDays int
param apiPrincipalId string
param workerPrincipalId string

var dataSender = '2b629674-e913-4c01-ae53-ef4638d8f975'
var dataReceiver = 'a638d3c7-ab3a-418d-83e6-5f17a39d4fde'
// One hub per job type and priority (contracts/job-priority.ts): normal keeps the template's
// name, high and low put `.high` / `.low` after the job type. Standard allows 10 hubs per
// namespace, three job types' worth: main.bicep defaults to Premium (eventHubsSku).
// One for-expression over plain arithmetic rather than map() with a lambda or nested arrays:
// checkov's Bicep parser reads this file then.
var prioritySuffixes = ['', '.high', '.low']
var jobTopics = [for i in range(0, length(jobTypes) * 3): replace(topicTemplate, '%s', '${jobTypes[i / 3]}${prioritySuffixes[i % 3]}')]

resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' = {
  name: 'evhns-${baseName}-${suffix}'
  location: location
  tags: tags
  sku: { name: sku, tier: sku, capacity: capacity }
  properties: {
    minimumTlsVersion: '1.2'
    // Every client authenticates with Entra ID: the API and the worker over OAUTHBEARER (the roles
    // below), KEDA through managed Prometheus (monitoring.bicep). No SAS key exists to leak.
    disableLocalAuth: true
  }
}

resource hubs 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = [
  for topic in concat(jobTopics, [deadLetterTopic]): {
    parent: namespace
    name: topic
    properties: {
      partitionCount: partitionCount
      messageRetentionInDays: retentionDays
    }
  }
]

// No Event Hubs consumer groups: Kafka clients' consumer groups (KAFKA_CONSUMER_GROUP) live in the
// Kafka protocol layer and are created on first use; Event Hubs consumer groups serve AMQP readers.

// Data roles of the Entra ID (OAUTHBEARER) clients: the API publishes, the worker consumes.
resource apiSends 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(namespace.id, apiPrincipalId, dataSender)
  scope: namespace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', dataSender)
    principalId: apiPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource workerReceives 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(namespace.id, workerPrincipalId, dataReceiver)
  scope: namespace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', dataReceiver)
    principalId: workerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// The worker publishes invalid records to the dead-letter hub.
resource workerSendsDeadLetters 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(hubs[length(jobTopics)].id, workerPrincipalId, dataSender)
  scope: hubs[length(jobTopics)]
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', dataSender)
    principalId: workerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

var host = replace(replace(namespace.properties.serviceBusEndpoint, 'https://', ''), ':443/', '')

output namespaceName string = namespace.name
@description('KAFKA_BROKERS for API and worker (OAUTHBEARER over TLS)')
output kafkaEndpoint string = '${host}:9093'
output topics array = concat(jobTopics, [deadLetterTopic])
