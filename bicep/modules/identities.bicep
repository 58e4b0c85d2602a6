// One user-assigned identity per workload, so each gets only the roles it needs:
// the API (Function App), the worker pods, the RabbitMQ pod, KEDA (the AKS add-on's operator,
// which reads the worker's consumer lag from managed Prometheus), and the AKS control plane.
param baseName string
param location string
param tags object

resource api 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${baseName}-api'
  location: location
  tags: tags
}

resource worker 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${baseName}-worker'
  location: location
  tags: tags
}

resource rabbitmq 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${baseName}-rabbitmq'
  location: location
  tags: tags
}

resource keda 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${baseName}-keda'
  location: location
  tags: tags
}

resource aksControlPlane 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${baseName}-aks'
  location: location
  tags: tags
}

output apiId string = api.id
output apiClientId string = api.properties.clientId
output apiPrincipalId string = api.properties.principalId
output workerName string = worker.name
output workerClientId string = worker.properties.clientId
output workerPrincipalId string = worker.properties.principalId
output rabbitmqName string = rabbitmq.name
output rabbitmqClientId string = rabbitmq.properties.clientId
output rabbitmqPrincipalId string = rabbitmq.properties.principalId
output kedaName string = keda.name
output kedaClientId string = keda.properties.clientId
output kedaPrincipalId string = keda.properties.principalId
output aksControlPlaneId string = aksControlPlane.id
output aksControlPlanePrincipalId string = aksControlPlane.properties.principalId
