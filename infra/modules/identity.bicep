// The function app's user-assigned managed identity: host storage, the app's tables and queues, the deployment
// package, Application Insights and the Key Vault reference all authenticate as it (no keys anywhere).
param name string
param location string
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
