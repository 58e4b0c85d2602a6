// RabbitMQ has no Azure PaaS: it runs in the cluster (k8s/base/rabbitmq). Its password lives here;
// the API reaches it through the internal load balancer IP (same VNet), the worker too.
param keyVaultName string
param username string
@secure()
param password string
@description('Internal load balancer IP of the RabbitMQ AMQP service, inside the AKS subnet')
param privateIp string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource passwordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'rabbitmq-password'
  properties: { value: password, contentType: 'RabbitMQ password of the dtq user' }
}

resource urlSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'rabbitmq-url'
  properties: {
    value: 'amqp://${uriComponent(username)}:${uriComponent(password)}@${privateIp}:5672'
    contentType: 'RABBITMQ_URL'
  }
}

output passwordSecretName string = passwordSecret.name
output urlSecretName string = urlSecret.name
