using Automation.Deployment.Tests.Settings;
using Automation.Functions.Hosting;

namespace Automation.Deployment.Tests;

/// <summary>
/// Every setting the app reads is set by infra/ or has a default; everything infra/ sets is read (by the app or the
/// Functions host). The checker first, on synthetic inputs (a setting added on one side only must fail), then the
/// repository itself.
/// </summary>
public sealed class SettingsConsistencyTests
{
    private static readonly AppSetting[] Catalogue =
    [
        new("Automation:Colour", SettingKind.Default, "blue"),
        new("Automation:Secret", SettingKind.Required, "—"),
        new("FUNCTIONS_CUSTOMHANDLER_PORT", SettingKind.SetByHost, "—"),
        new("APPLICATIONINSIGHTS_CONNECTION_STRING", SettingKind.ReadByHost, "—"),
    ];

    private static readonly string[] ScannedKeys =
        ["Automation:Hooks", "Automation:Hooks:MaxBodyBytes", "Automation:Hooks:PublicBaseUrl", "Automation:MaxDepth", "Automation:Other", "SOME_PORT", "Storage", "Storage:accountName", "urls"];

    private static Dictionary<string, IReadOnlyList<string>> Read(params string[] keys) =>
        keys.ToDictionary(k => k, k => (IReadOnlyList<string>)["Some.cs"], StringComparer.OrdinalIgnoreCase);

    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> NoReferences = Read();

    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> ReadByApp =
        Read("Automation:Colour", "Automation:Secret", "FUNCTIONS_CUSTOMHANDLER_PORT");

    private static readonly string[] Infra = ["Automation__Secret", "APPLICATIONINSIGHTS_CONNECTION_STRING"];

    [Fact]
    public void Check_BothSidesAgree_FindsNoProblem()
    {
        var problems = SettingsConsistency.Check(ReadByApp, Catalogue, NoReferences, Infra);

        Assert.Empty(problems);
    }

    [Fact]
    public void Check_SettingAddedInCodeOnly_IsReportedWithTheFix()
    {
        var read = Read([.. ReadByApp.Keys, "Automation:NewLimit"]);

        var problem = Assert.Single(SettingsConsistency.Check(read, Catalogue, NoReferences, Infra));

        Assert.Contains("'Automation:NewLimit' is read in Some.cs but is not in the settings catalogue", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_SettingAddedInInfraOnly_IsReported()
    {
        var problem = Assert.Single(SettingsConsistency.Check(ReadByApp, Catalogue, NoReferences, [.. Infra, "Automation__Typo"]));

        Assert.Contains("sets 'Automation:Typo', which neither the app nor the Functions host reads", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_RequiredSettingInfraDoesNotSet_IsReported()
    {
        var problem = Assert.Single(SettingsConsistency.Check(ReadByApp, Catalogue, NoReferences, ["APPLICATIONINSIGHTS_CONNECTION_STRING"]));

        Assert.Contains("'Automation:Secret' is Required", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_CatalogueEntryNothingReads_IsReported()
    {
        var read = Read("Automation:Secret", "FUNCTIONS_CUSTOMHANDLER_PORT");

        var problem = Assert.Single(SettingsConsistency.Check(read, Catalogue, NoReferences, Infra));

        Assert.Contains("'Automation:Colour' is in the settings catalogue", problem, StringComparison.Ordinal);
        Assert.Contains("nothing in src/ reads it", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_InfraSetsWhatTheHostGivesTheHandler_IsReported()
    {
        var problem = Assert.Single(SettingsConsistency.Check(ReadByApp, Catalogue, NoReferences, [.. Infra, "FUNCTIONS_CUSTOMHANDLER_PORT"]));

        Assert.Contains("given to the handler by the platform", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_FunctionJsonSettingReference_MustBeSetByInfra()
    {
        var references = Read("RuleSchedule");

        var problem = Assert.Single(SettingsConsistency.Check(ReadByApp, Catalogue, references, Infra));
        var fixedProblems = SettingsConsistency.Check(ReadByApp, Catalogue, references, [.. Infra, "RuleSchedule"]);

        Assert.Contains("%RuleSchedule%", problem, StringComparison.Ordinal);
        Assert.Empty(fixedProblems);
    }

    [Fact]
    public void Check_ReadingASectionWhoseKeysAreListed_IsNotAProblem()
    {
        var read = Read([.. ReadByApp.Keys, "Automation"]);

        Assert.Empty(SettingsConsistency.Check(read, Catalogue, NoReferences, Infra));
    }

    [Fact]
    public void Scanner_FindsEveryWayTheAppReadsASetting()
    {
        var read = SettingsScanner.Scan(
        [
            ("Literal.cs", """var depth = configuration.GetValue("Automation:MaxDepth", 16);"""),
            ("Constant.cs", """public const string PortSetting = "SOME_PORT";"""),
            ("Indexer.cs", """if (string.IsNullOrEmpty(configuration["urls"])) { }"""),
            ("Options.cs", """
                public const string Section = "Automation:Hooks";
                var limit = Get(section, nameof(MaxBodyBytes), 1);
                var url = section[nameof(PublicBaseUrl)];
                """),
            ("Connection.cs", """
                public const string DefaultSettingName = "Storage";
                var account = section["accountName"];
                """),
            ("Environment.cs", """var key = "Automation__Other";"""),
            ("Noise.cs", """var message = "Automation cannot start: x"; var json = node["name"];"""),
        ]);

        Assert.Equal(ScannedKeys, read.Keys.Order(StringComparer.OrdinalIgnoreCase).ToArray());
        Assert.Equal(["Literal.cs"], read["Automation:MaxDepth"]);
    }

    [Fact]
    public void BicepReader_ReadsTheKeysOfTheAppSettingsBlockOnly()
    {
        var settings = BicepAppSettings.Parse("""
            param name string
            var other = {
              NotASetting: 'x'
            }
            var appSettings = {
              // host storage
              AzureWebJobsStorage__accountName: storageAccountName // the account
              'Automation__Quoted': 'a//b'
              Nested__Object: {
                Inner: 1
              }
              Automation__Key: '@Microsoft.KeyVault(VaultName=${vault};SecretName=key)'
            }
            var after = { Later: 1 }
            """);

        Assert.Equal(["AzureWebJobsStorage:accountName", "Automation:Quoted", "Nested:Object", "Automation:Key"], settings.Keys.ToArray());
        Assert.Equal("'@Microsoft.KeyVault(VaultName=${vault};SecretName=key)'", settings["Automation:Key"]);
    }

    [Fact]
    public void Repository_SettingsTheAppReads_AgreeWithInfraAndTheCatalogue()
    {
        var read = SettingsScanner.ScanDirectory(Repository.Path("src"), Repository.Path("src", "Automation.Functions", "Hosting", "AppSettings.cs"));
        var infra = BicepAppSettings.Parse(File.ReadAllText(Repository.FunctionAppBicep));

        var problems = SettingsConsistency.Check(read, AppSettings.All, FunctionJsonFiles.SettingReferences(), infra.Keys);

        Assert.True(problems.Count == 0, "Settings are out of step (README \"Adding a setting\"):\n" + string.Join("\n", problems));
    }

    [Fact]
    public void Repository_ScannerStillFindsTheSettingsWeKnowAbout()
    {
        // Guards the scanner itself: if a refactoring hid these from it, the repository check above would go blind.
        var read = SettingsScanner.ScanDirectory(Repository.Path("src"), Repository.Path("src", "Automation.Functions", "Hosting", "AppSettings.cs"));

        Assert.Contains("Automation:BootstrapAdminKey", read.Keys);
        Assert.Contains("Automation:MaxChainDepth", read.Keys);
        Assert.Contains("AzureWebJobsStorage:accountName", read.Keys);
        Assert.Contains("FUNCTIONS_CUSTOMHANDLER_PORT", read.Keys);
    }

    [Fact]
    public void Repository_KeyVaultReference_NamesTheSecretTheVaultModuleWrites()
    {
        var infra = BicepAppSettings.Parse(File.ReadAllText(Repository.FunctionAppBicep));
        var main = File.ReadAllText(Repository.Path("infra", "main.bicep"));

        Assert.Equal("'@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${adminKeySecretName})'", infra["Automation:BootstrapAdminKey"]);
        Assert.Contains("adminKeySecretName: adminKeySecretName", main, StringComparison.Ordinal);
        Assert.Equal("'managedidentity'", infra["AzureWebJobsStorage:credential"]);
    }
}
