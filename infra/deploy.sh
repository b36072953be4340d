#!/usr/bin/env bash
# Builds the deployment package and deploys it to the function app that infra/main.bicep created.
#   infra/deploy.sh <resource-group> <function-app-name>
# azd runs it after provisioning (azure.yaml, postprovision hook) with the deployment's outputs in the environment.
# Needs: the .NET SDK (global.json), the az CLI signed in (az login) with rights on the resource group.
set -euo pipefail
cd "$(dirname "$0")/.."

group="${1:-${AZURE_RESOURCE_GROUP:-}}"
app="${2:-${AZURE_FUNCTION_APP_NAME:-}}"
if [ -z "$group" ] || [ -z "$app" ]; then
  echo "usage: infra/deploy.sh <resource-group> <function-app-name>" >&2
  exit 2
fi

package=artifacts/automation-functions.zip
dotnet publish src/Automation.Functions -c Release -p:PackageFunctionApp=true -p:FunctionAppPackagePath="$PWD/$package"
az functionapp deployment source config-zip --resource-group "$group" --name "$app" --src "$package"

host=$(az functionapp show --resource-group "$group" --name "$app" --query defaultHostName -o tsv)
echo "Waiting for https://$host/api/health ..."
if curl -fsS --retry 30 --retry-delay 5 --retry-all-errors "https://$host/api/health"; then
  echo
  echo "Automation is serving https://$host/api"
else
  echo "https://$host/api/health did not answer 200; see README 'Deploy to Azure' (troubleshooting)." >&2
  exit 1
fi
