using Automation.Functions.Hosting;
using Automation.Functions.Time;

namespace Automation.Functions.Tests;

/// <summary>Configuration the app cannot run with stops start-up with one message naming the setting and the fix.</summary>
public sealed class StartupTests
{
    private static WebApplication Create(TestAppRoot root, params string[] args) =>
        AutomationApp.Create([$"--{HostingExtensions.AppRootSetting}={root.Path}", "--urls=http://127.0.0.1:0", .. args]);

    [Fact]
    public void MalformedConnectionString_NamesAzureWebJobsStorage()
    {
        using var root = new TestAppRoot();

        var error = Assert.Throws<StartupException>(() => Create(root, "--AzureWebJobsStorage=AccountName=x"));

        Assert.Contains("AzureWebJobsStorage", error.Message, StringComparison.Ordinal);
        Assert.Contains("AccountKey is missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FunctionsMode_WithoutStorageSetting_NamesIt()
    {
        using var root = new TestAppRoot();

        var error = Assert.Throws<StartupException>(() => Create(root, $"--{HostingModes.CustomHandlerPortSetting}=7777"));

        Assert.Contains("'AzureWebJobsStorage' is missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ScheduleReferencingAMissingAppSetting_NamesTheSetting()
    {
        using var root = new TestAppRoot().TimerFunction("Tick", "%NoSuchSchedule%");

        var error = Assert.Throws<StartupException>(() => Create(root));

        Assert.Contains("'NoSuchSchedule'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ScheduleThatIsNotNcrontab_IsRefused()
    {
        using var root = new TestAppRoot().TimerFunction("Tick", "every minute");

        var error = Assert.Throws<StartupException>(() => Create(root));

        Assert.Contains("6-field NCRONTAB", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueueFunctionWithoutHandler_IsRefusedAtInitialization()
    {
        using var root = new TestAppRoot().QueueFunction("Orphan", "orphan-queue");
        await using var app = Create(root, "--AzureWebJobsStorage=UseDevelopmentStorage=true");

        var error = await Assert.ThrowsAsync<StartupException>(() => app.InitializeAsync());

        Assert.Contains("'Orphan'", error.Message, StringComparison.Ordinal);
        Assert.Contains("no handler", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RepositoryHostJson_IsReadWithTheQueueSettingsBothModesUse()
    {
        var settings = HostSettings.Load(Path.Combine(AppContext.BaseDirectory, "host.json"));

        Assert.Equal(16, settings.BatchSize);
        Assert.Equal(8, settings.NewBatchThreshold);
        Assert.Equal(5, settings.MaxDequeueCount);
        Assert.Equal(TimeSpan.FromSeconds(2), settings.MaxPollingInterval);
        Assert.Equal("api", settings.RoutePrefix);
        Assert.Equal(TimeSpan.FromMinutes(10), settings.FunctionTimeout);
    }

    [Fact]
    public void ShippedFunctionFolders_AllParse_AndHealthRoutesToTheHealthEndpoint()
    {
        // The defaults the app adds below every configuration source (%TimeRulesSchedule%, issue #9).
        var catalog = FunctionCatalog.Load(AppContext.BaseDirectory, new ConfigurationManager().AddTimeRuleDefaults());

        var health = catalog.Find("Health");
        Assert.NotNull(health);
        Assert.Equal(TriggerKind.Http, health.Trigger);
        Assert.Equal("health", health.Route);
        Assert.Equal(["GET"], health.Methods);
    }
}
