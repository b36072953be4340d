// Automation on Azure Functions Flex Consumption (ARCHITECTURE D2; spec azure-functions-storage §1.7).
// Creates a resource group with: a user-assigned managed identity, a storage account without shared keys (host
// storage, the deployment package, and the app's tables and queues), Log Analytics + Application Insights, a Key Vault
// holding the bootstrap admin key, and the Flex Consumption (FC1) function app with runtime 'custom'.
// Deploy: README "Deploy to Azure". Names derive from environmentName the way the Azure samples do.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the environment (for example automation-prod). The resource group and every resource name derive from it.')
param environmentName string

@minLength(1)
@description('Region of every resource. It must offer Flex Consumption: az functionapp list-flexconsumption-locations -o table')
@metadata({ azd: { type: 'location' } })
param location string

@description('Object id of the person or pipeline that deploys (az ad signed-in-user show --query id -o tsv). It gets Key Vault Secrets Officer on the vault, to read and rotate the bootstrap admin key. Empty: nobody.')
param principalId string = ''

@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
@description('What principalId is.')
param principalType string = 'User'

@secure()
@description('The bootstrap admin API key, written to Key Vault (use at least 32 random characters: openssl rand -base64 32). Empty keeps the key the vault already has, so only the first deployment and a rotation need it.')
param bootstrapAdminKey string = ''

@allowed([
  512
  2048
  4096
])
@description('Memory of each Flex Consumption instance, in MB.')
param instanceMemoryMB int = 2048

@minValue(40)
@maxValue(1000)
@description('Most instances the plan scales out to.')
param maximumInstanceCount int = 100

@description('Resource group name; default rg-<environmentName>.')
param resourceGroupName string = ''

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
  application: 'automation'
}
var adminKeySecretName = 'automation-bootstrap-admin-key'
var deploymentContainerName = 'app-package'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-automation-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-automation-${resourceToken}'
    applicationInsightsName: 'appi-automation-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: 'kv-${resourceToken}'
    location: location
    tags: tags
    adminKeySecretName: adminKeySecretName
    bootstrapAdminKey: bootstrapAdminKey
  }
}

module rbac 'modules/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    keyVaultName: keyVault.outputs.name
    identityPrincipalId: identity.outputs.principalId
    deployerPrincipalId: principalId
    deployerPrincipalType: principalType
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  scope: rg
  dependsOn: [
    rbac // the identity needs its roles before the app reads storage and resolves the Key Vault reference
  ]
  params: {
    name: 'func-automation-${resourceToken}'
    planName: 'plan-automation-${resourceToken}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerUrl: '${storage.outputs.blobEndpoint}${deploymentContainerName}'
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    keyVaultName: keyVault.outputs.name
    adminKeySecretName: adminKeySecretName
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AUTOMATION_ADMIN_KEY_SECRET_NAME string = adminKeySecretName
@description('Base URL of the API, e.g. https://func-automation-<token>.azurewebsites.net/api')
output AUTOMATION_BASE_URL string = functionApp.outputs.baseUrl
