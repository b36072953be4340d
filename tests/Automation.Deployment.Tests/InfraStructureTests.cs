using System.Text.Json;
using System.Text.RegularExpressions;

namespace Automation.Deployment.Tests;

/// <summary>
/// No Bicep compiler runs here (ARCHITECTURE D2), so infra/ is checked for what would break a deployment or weaken it:
/// the module graph and its parameters, the Flex Consumption shape, security settings, role assignments, outputs,
/// and the parameters file. Each test reads the files as text.
/// </summary>
public sealed partial class InfraStructureTests
{
    private static readonly string Infra = Repository.Path("infra");

    private static string Read(params string[] parts) => File.ReadAllText(Path.Combine([Infra, .. parts]));

    private static string FunctionApp => Read("modules", "functionapp.bicep");

    public static TheoryData<string> BicepFiles() =>
        new(Directory.EnumerateFiles(Infra, "*.bicep", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Infra, f)).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void BicepFile_HasBalancedBracketsAndQuotes(string file)
    {
        var depth = new Stack<char>();
        var lineNumber = 0;
        foreach (var rawLine in Read(file).Split('\n'))
        {
            lineNumber++;
            var inString = false;
            for (var i = 0; i < rawLine.Length; i++)
            {
                var c = rawLine[i];
                if (inString)
                {
                    if (c == '\\')
                    {
                        i++;
                    }
                    else if (c == '\'')
                    {
                        inString = false;
                    }
                    else if (c == '$' && i + 1 < rawLine.Length && rawLine[i + 1] == '{')
                    {
                        var close = rawLine.IndexOf('}', i);
                        Assert.True(close > 0, $"{file}:{lineNumber}: unclosed interpolation");
                        i = close;
                    }

                    continue;
                }

                if (c == '/' && i + 1 < rawLine.Length && rawLine[i + 1] == '/')
                {
                    break;
                }

                switch (c)
                {
                    case '\'':
                        inString = true;
                        break;
                    case '{' or '[' or '(':
                        depth.Push(c);
                        break;
                    case '}' or ']' or ')':
                        Assert.True(depth.Count > 0, $"{file}:{lineNumber}: '{c}' closes nothing");
                        var open = depth.Pop();
                        Assert.True((open, c) is ('{', '}') or ('[', ']') or ('(', ')'), $"{file}:{lineNumber}: '{open}' closed by '{c}'");
                        break;
                }
            }

            Assert.False(inString, $"{file}:{lineNumber}: unterminated string");
        }

        Assert.Empty(depth);
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void BicepFile_UsesEveryParameterItDeclares_AndDeclaresEveryOneItUses(string file)
    {
        var text = Read(file);
        foreach (Match param in Declaration().Matches(text))
        {
            var name = param.Groups[2].Value;
            var uses = Regex.Count(text, $@"\b{name}\b");
            Assert.True(uses > 1, $"{file}: {param.Groups[1].Value} '{name}' is declared but never used.");
        }
    }

    [Fact]
    public void MainBicep_ModulesExist_AndReceiveExactlyTheParametersTheyDeclare()
    {
        var main = Read("main.bicep");
        var modules = ModuleBlock().Matches(main);
        Assert.NotEmpty(modules);
        foreach (Match module in modules)
        {
            var path = Path.Combine(Infra, module.Groups[2].Value);
            Assert.True(File.Exists(path), $"main.bicep: module '{module.Groups[1].Value}' points at {module.Groups[2].Value}, which does not exist.");
            var declared = Declaration().Matches(File.ReadAllText(path)).Where(m => m.Groups[1].Value == "param")
                .Select(m => (Name: m.Groups[2].Value, Optional: m.Groups[3].Value.Contains('=', StringComparison.Ordinal))).ToList();
            var given = ParamNames().Matches(module.Groups[3].Value).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

            var undeclared = given.Where(g => declared.All(d => d.Name != g)).ToList();
            var missing = declared.Where(d => !d.Optional && !given.Contains(d.Name)).Select(d => d.Name).ToList();
            Assert.True(undeclared.Count == 0, $"main.bicep gives module '{module.Groups[1].Value}' parameters it does not declare: {string.Join(", ", undeclared)}");
            Assert.True(missing.Count == 0, $"main.bicep does not give module '{module.Groups[1].Value}' its required parameters: {string.Join(", ", missing)}");
        }
    }

    [Fact]
    public void MainBicep_ModuleOutputsItUses_AreDeclaredByTheModules()
    {
        var main = Read("main.bicep");
        var paths = ModuleBlock().Matches(main).ToDictionary(m => m.Groups[1].Value, m => Path.Combine(Infra, m.Groups[2].Value));
        foreach (Match use in OutputUse().Matches(main))
        {
            var module = use.Groups[1].Value;
            Assert.True(paths.ContainsKey(module), $"main.bicep uses outputs of '{module}', which is not a module.");
            Assert.Matches($@"(?m)^output\s+{use.Groups[2].Value}\s", File.ReadAllText(paths[module]));
        }
    }

    [Fact]
    public void FunctionApp_IsFlexConsumptionWithTheCustomRuntime()
    {
        var app = FunctionApp;

        Assert.Contains("tier: 'FlexConsumption'", app, StringComparison.Ordinal);
        Assert.Contains("name: 'FC1'", app, StringComparison.Ordinal);
        Assert.Contains("reserved: true", app, StringComparison.Ordinal);
        Assert.Contains("kind: 'functionapp,linux'", app, StringComparison.Ordinal);
        Assert.Matches(@"runtime:\s*\{\s*name:\s*'custom'\s*version:\s*'1.0'\s*\}", app);
        Assert.Matches(@"deployment:\s*\{\s*storage:\s*\{\s*type:\s*'blobContainer'", app);
        Assert.Contains("scaleAndConcurrency", app, StringComparison.Ordinal);
    }

    [Fact]
    public void FunctionApp_IsHttpsOnlyWithTls12_AndUsesItsUserAssignedIdentityEverywhere()
    {
        var app = FunctionApp;

        Assert.Contains("httpsOnly: true", app, StringComparison.Ordinal);
        Assert.Contains("minTlsVersion: '1.2'", app, StringComparison.Ordinal);
        Assert.Contains("type: 'UserAssigned'", app, StringComparison.Ordinal);
        Assert.Contains("keyVaultReferenceIdentity: identityId", app, StringComparison.Ordinal);
        Assert.Contains("type: 'UserAssignedIdentity'", app, StringComparison.Ordinal);
        Assert.Contains("userAssignedIdentityResourceId: identityId", app, StringComparison.Ordinal);
    }

    [Fact]
    public void FunctionApp_TakesItsAppSettingsFromTheCheckedBlock_AndNothingElse()
    {
        // SettingsConsistencyTests reads 'var appSettings'; settings set anywhere else would escape it.
        var app = FunctionApp;

        Assert.Matches(@"resource\s+\w+\s+'config'\s*=\s*\{\s*name:\s*'appsettings'\s*properties:\s*appSettings\s*\}", app);
        Assert.DoesNotContain("siteConfig: {\n      appSettings", app, StringComparison.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Infra, "*.bicep", SearchOption.AllDirectories))
        {
            var text = File.ReadAllText(file);
            Assert.Equal(file.EndsWith("functionapp.bicep", StringComparison.Ordinal) ? 1 : 0, Regex.Count(text, "'appsettings'"));
            Assert.DoesNotContain("FUNCTIONS_WORKER_RUNTIME:", text, StringComparison.Ordinal); // Flex refuses it
            Assert.DoesNotContain("FUNCTIONS_EXTENSION_VERSION:", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Storage_DisablesSharedKeysAndPublicBlobs_WithTls12()
    {
        var storage = Read("modules", "storage.bicep");

        Assert.Contains("allowSharedKeyAccess: false", storage, StringComparison.Ordinal);
        Assert.Contains("allowBlobPublicAccess: false", storage, StringComparison.Ordinal);
        Assert.Contains("minimumTlsVersion: 'TLS1_2'", storage, StringComparison.Ordinal);
        Assert.Contains("supportsHttpsTrafficOnly: true", storage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("b7e6dc6d-f1e8-4753-8033-0f276bb0955b", "storage")] // Storage Blob Data Owner: host leases, timers, the package
    [InlineData("974c5e8b-45b9-4653-ba55-5f855dd0fb88", "storage")] // Storage Queue Data Contributor: triggers, change events
    [InlineData("0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", "storage")] // Storage Table Data Contributor: records, rules, runs
    [InlineData("3913510d-42f4-4e42-8a64-420c390055eb", "applicationInsights")] // Monitoring Metrics Publisher: Entra telemetry
    [InlineData("4633458b-17de-408a-b874-0445c86b69e6", "vault")] // Key Vault Secrets User: the admin key reference
    public void Identity_HasTheRoleItNeeds_OnTheRightScope(string roleId, string scope)
    {
        var rbac = Read("modules", "rbac.bicep");
        var variable = Regex.Match(rbac, $@"var\s+(\w+)\s*=\s*'{roleId}'").Groups[1].Value;

        Assert.False(string.IsNullOrEmpty(variable), $"rbac.bicep has no role definition {roleId}");
        Assert.Matches($@"scope:\s*{scope}\s*properties:\s*\{{\s*roleDefinitionId:[^\n]*\b{variable}\)\s*principalId:\s*identityPrincipalId", rbac);
    }

    [Fact]
    public void KeyVault_UsesRbac_AndKeepsTheSecretWhenNoKeyIsGiven()
    {
        var vault = Read("modules", "keyvault.bicep");

        Assert.Contains("enableRbacAuthorization: true", vault, StringComparison.Ordinal);
        Assert.Contains("@secure()", vault, StringComparison.Ordinal);
        Assert.Matches(@"'Microsoft.KeyVault/vaults/secrets@[^']+'\s*=\s*if\s*\(!empty\(bootstrapAdminKey\)\)", vault);
        Assert.Contains("@secure()\n@description('The bootstrap admin API key", Read("main.bicep").Replace("\r", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Monitoring_IsWorkspaceBasedApplicationInsightsWithoutLocalAuth()
    {
        var monitoring = Read("modules", "monitoring.bicep");

        Assert.Contains("Microsoft.OperationalInsights/workspaces", monitoring, StringComparison.Ordinal);
        Assert.Contains("WorkspaceResourceId: logAnalytics.id", monitoring, StringComparison.Ordinal);
        Assert.Contains("DisableLocalAuth: true", monitoring, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_DeriveFromTheEnvironmentLikeTheAzureSamples()
    {
        var main = Read("main.bicep");

        Assert.Contains("targetScope = 'subscription'", main, StringComparison.Ordinal);
        Assert.Contains("var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))", main, StringComparison.Ordinal);
        // resourceToken has 13 characters: storage accounts allow 24 lowercase letters and digits, Key Vaults 24 characters.
        Assert.Contains("name: 'st${resourceToken}'", main, StringComparison.Ordinal);
        Assert.Contains("name: 'kv-${resourceToken}'", main, StringComparison.Ordinal);
    }

    [Fact]
    public void Outputs_IncludeTheBaseUrlAndWhereTheAdminKeyIs()
    {
        var main = Read("main.bicep");

        Assert.Matches(@"output AUTOMATION_BASE_URL string = functionApp\.outputs\.baseUrl", main);
        Assert.Matches(@"output AZURE_KEY_VAULT_NAME string", main);
        Assert.Matches(@"output AUTOMATION_ADMIN_KEY_SECRET_NAME string", main);
        Assert.Matches(@"output AZURE_FUNCTION_APP_NAME string", main);
        Assert.Matches(@"output AZURE_RESOURCE_GROUP string", main);
        Assert.Contains("output baseUrl string = 'https://${functionApp.properties.defaultHostName}/api'", FunctionApp, StringComparison.Ordinal);
    }

    [Fact]
    public void ParametersFile_NamesOnlyParametersOfMain_AndEveryRequiredOne()
    {
        var main = Read("main.bicep");
        var declared = Declaration().Matches(main).Where(m => m.Groups[1].Value == "param")
            .ToDictionary(m => m.Groups[2].Value, m => m.Groups[3].Value.Contains('=', StringComparison.Ordinal));
        using var file = JsonDocument.Parse(Read("main.parameters.json"));
        var given = file.RootElement.GetProperty("parameters").EnumerateObject().Select(p => p.Name).ToList();
        var unknown = given.Where(g => !declared.ContainsKey(g)).ToList();
        var missing = declared.Where(d => !d.Value && !given.Contains(d.Key)).Select(d => d.Key).ToList();

        Assert.True(unknown.Count == 0, $"main.parameters.json names parameters main.bicep does not declare: {string.Join(", ", unknown)}");
        Assert.True(missing.Count == 0, $"main.parameters.json misses required parameters: {string.Join(", ", missing)}");
    }

    [Fact]
    public void AzdAndDeployScript_PointAtTheInfraAndThePackageCommand()
    {
        var azure = File.ReadAllText(Repository.Path("azure.yaml"));
        var deploy = Read("deploy.sh");

        Assert.Contains("path: infra", azure, StringComparison.Ordinal);
        Assert.Contains("run: ./infra/deploy.sh", azure, StringComparison.Ordinal);
        Assert.Contains("dotnet publish src/Automation.Functions -c Release -p:PackageFunctionApp=true", deploy, StringComparison.Ordinal);
        Assert.Contains("az functionapp deployment source config-zip", deploy, StringComparison.Ordinal);
        Assert.Contains("AZURE_FUNCTION_APP_NAME", deploy, StringComparison.Ordinal);
        Assert.Contains("output AZURE_FUNCTION_APP_NAME", Read("main.bicep"), StringComparison.Ordinal);
    }

    [Fact]
    public void ReadmeDeploySection_UsesTheOutputsParametersAndSecretNameInfraDefines()
    {
        var readme = File.ReadAllText(Repository.Path("README.md"));
        var start = readme.IndexOf("## Deploy to Azure", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no 'Deploy to Azure' section.");
        var section = readme[start..readme.IndexOf("\n## ", start + 3, StringComparison.Ordinal)];
        var main = Read("main.bicep");

        Assert.Contains("dotnet publish src/Automation.Functions -c Release -p:PackageFunctionApp=true", section, StringComparison.Ordinal);
        foreach (Match output in Regex.Matches(section, @"\bout ([A-Z_]+)"))
        {
            Assert.Matches($@"(?m)^output {output.Groups[1].Value} string", main);
        }

        foreach (Match parameter in Regex.Matches(section, @"\b(\w+)=""\$"))
        {
            Assert.Matches($@"(?m)^param {parameter.Groups[1].Value}\s", main);
        }

        Assert.Contains("var adminKeySecretName = 'automation-bootstrap-admin-key'", main, StringComparison.Ordinal);
        Assert.Contains("--name automation-bootstrap-admin-key", section, StringComparison.Ordinal);
        Assert.Contains("\"${AUTOMATION_BOOTSTRAP_ADMIN_KEY}\"", Read("main.parameters.json"), StringComparison.Ordinal);
        Assert.Contains("azd env set AUTOMATION_BOOTSTRAP_ADMIN_KEY", section, StringComparison.Ordinal);
    }

    // 'param name type [= default]' and 'var name = ...' at the start of a line (decorators are on lines of their own).
    [GeneratedRegex(@"(?m)^(param|var)\s+(\w+)([^\n]*)$")]
    private static partial Regex Declaration();

    [GeneratedRegex(@"(?ms)^module\s+(\w+)\s+'([^']+)'\s*=\s*\{.*?^\s{2}params:\s*\{(.*?)^\s{2}\}\s*^\}")]
    private static partial Regex ModuleBlock();

    [GeneratedRegex(@"(?m)^\s{4}(\w+):")]
    private static partial Regex ParamNames();

    [GeneratedRegex(@"\b(\w+)\.outputs\.(\w+)")]
    private static partial Regex OutputUse();
}
