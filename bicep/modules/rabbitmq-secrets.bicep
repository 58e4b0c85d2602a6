// RabbitMQ has no Azure PaaS: it runs in the cluster (k8s/base/rabbitmq). Its password lives here;
// the API reaches it through the internal load balancer IP (same VNet), the worker too.
// RabbitMQ takes its password on first boot only, so the secrets are written only when a password
// is passed (the first deployment, or a rotation): an empty one keeps what Key Vault holds, and
// scripts/deploy.sh never needs to read it back.
param keyVaultName string
param username string
@secure()
@description('Empty: leave both secrets as they are')
param password string
@description('Internal load balancer IP of the RabbitMQ AMQP service, inside the AKS subnet')
param privateIp string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource passwordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(password)) {
  parent: vault
  name: 'rabbitmq-password'
  properties: { value: password, contentType: 'RabbitMQ password of the dtq user' }
}

resource urlSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(password)) {
  parent: vault
  name: 'rabbitmq-url'
  properties: {
    value: 'amqp://${uriComponent(username)}:${uriComponent(password)}@${privateIp}:5672'
    contentType: 'RABBITMQ_URL'
  }
}

// Literal names: the resources may not be deployed this time, the secrets exist all the same.
output passwordSecretName string = 'rabbitmq-password'
output urlSecretName string = 'rabbitmq-url'
