// Key Vault (RBAC authorization) holding the bootstrap admin API key. The function app reads it through a Key Vault
// reference in its app settings; the deployer reads and rotates it (README "Deploy to Azure").
param name string
param location string
param tags object
param adminKeySecretName string

@secure()
@description('Written as a new version of the secret when not empty; empty leaves the secret as it is.')
param bootstrapAdminKey string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    publicNetworkAccess: 'Enabled'
  }
}

resource adminKey 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(bootstrapAdminKey)) {
  parent: vault
  name: adminKeySecretName
  properties: {
    value: bootstrapAdminKey
    contentType: 'Automation bootstrap admin API key (Authorization: Bearer)'
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
