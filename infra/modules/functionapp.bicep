// The Flex Consumption (FC1) plan and the function app: runtime 'custom' (our self-contained linux-x64 handler,
// ARCHITECTURE D2), HTTPS only, TLS 1.2, the user-assigned identity for everything, and the app settings.
param name string
param planName string
param location string
param tags object
param identityId string
param identityClientId string
param storageAccountName string
param deploymentContainerUrl string
param applicationInsightsConnectionString string
param keyVaultName string
param adminKeySecretName string
param instanceMemoryMB int
param maximumInstanceCount int

// Every setting the app reads either has a default or is set here, and everything set here is read by the app or by
// the Functions host; tests/Automation.Deployment.Tests holds this block to the code (README "Adding a setting").
// Not here on purpose: FUNCTIONS_WORKER_RUNTIME and FUNCTIONS_EXTENSION_VERSION (Flex takes the runtime from
// functionAppConfig and refuses them), FUNCTIONS_CUSTOMHANDLER_PORT (the host sets it when it starts the handler).
var appSettings = {
  // Host storage and the app's tables and queues, with the managed identity (the account has no shared keys).
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  // Read by the Functions host: telemetry with Entra ID (the component refuses instrumentation-key auth).
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  // The TimeRules timer's NCRONTAB schedule (its function.json refers to %TimeRulesSchedule%): it looks every minute
  // whether the time rules' check is due.
  TimeRulesSchedule: '0 * * * * *'
  // The first admin API key, resolved from Key Vault by the platform (latest version of the secret).
  Automation__BootstrapAdminKey: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${adminKeySecretName})'
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true // Linux
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'custom'
        version: '1.0'
      }
    }
  }

  resource settings 'config' = {
    name: 'appsettings'
    properties: appSettings
  }
}

output name string = functionApp.name
output baseUrl string = 'https://${functionApp.properties.defaultHostName}/api'
