using System.Text.RegularExpressions;
using Automation.Deployment.Tests.Settings;
using Automation.Functions;
using Automation.Functions.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Automation.Deployment.Tests;

/// <summary>
/// The function.json files against the code, as the Functions host will use them in Azure: every function has a
/// handler, queue names match the queues the code writes, schedules are NCRONTAB, and every API route is reachable
/// through some http function's route (the host only forwards requests that match one).
/// </summary>
public sealed partial class FunctionJsonConsistencyTests : IAsyncLifetime
{
    private WebApplication _app = null!;

    public Task InitializeAsync()
    {
        // The app as the Functions host starts it; nothing here talks to storage (InitializeAsync is not called).
        _app = AutomationApp.Create(
        [
            $"--{HostingModes.CustomHandlerPortSetting}=7071",
            "--AzureWebJobsStorage:accountName=automationtest",
            "--AzureWebJobsStorage:credential=managedidentity",
            "--AzureWebJobsStorage:clientId=00000000-0000-0000-0000-000000000000",
            $"--{HostingExtensions.AppRootSetting}={AppContext.BaseDirectory}",
        ]);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private FunctionCatalog Catalog => _app.Services.GetRequiredService<FunctionCatalog>();

    [Fact]
    public void TestOutput_HasTheRepositorysFunctionFolders()
    {
        Assert.Equal(FunctionJsonFiles.All().Select(f => f.Name).Order(StringComparer.Ordinal), Catalog.All.Select(f => f.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EveryQueueAndTimerFunction_HasAHandler_AndEveryHandlerAFunction()
    {
        var handlers = Record.Exception(() => _app.Services.GetRequiredService<FunctionHandlers>());

        Assert.Null(handlers);
    }

    [Fact]
    public void EveryQueueTheCodeUses_IsTheQueueOfAQueueFunction()
    {
        var triggered = Catalog.All.Where(f => f.Trigger == TriggerKind.Queue).Select(f => f.QueueName!).ToHashSet(StringComparer.Ordinal);
        var used = _app.Services.GetRequiredService<StorageResources>().Queues;
        var unconsumed = used.Where(q => !triggered.Contains(q)).ToList();

        Assert.True(unconsumed.Count == 0, $"The code uses queues no queueTrigger function.json listens on, so their messages pile up: {string.Join(", ", unconsumed)}");
    }

    [Fact]
    public void EveryQueueFunctionsQueue_IsNamedInTheCode_AndHasRoomForItsPoisonQueue()
    {
        var source = string.Join("\n", Directory.EnumerateFiles(Repository.Path("src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText));
        foreach (var function in Catalog.All.Where(f => f.Trigger == TriggerKind.Queue))
        {
            Assert.True(source.Contains($"\"{function.QueueName}\"", StringComparison.Ordinal),
                $"Function '{function.Name}' listens on queue '{function.QueueName}', but no code in src/ names that queue, so nothing writes to it.");
            Assert.True(QueueName().IsMatch(function.QueueName!) && function.QueueName!.Length + "-poison".Length <= 63,
                $"Queue '{function.QueueName}' is not a valid queue name with room for '-poison' (3-56 lowercase letters, digits and single hyphens).");
        }
    }

    [Fact]
    public void EveryTimerSchedule_IsSixFieldNcrontab_OrASettingInfraSets()
    {
        var infra = BicepAppSettings.Parse(File.ReadAllText(Repository.FunctionAppBicep));
        foreach (var (name, path, root) in FunctionJsonFiles.All())
        {
            foreach (var binding in root.GetProperty("bindings").EnumerateArray().Where(b => b.GetProperty("type").GetString() == "timerTrigger"))
            {
                var schedule = binding.GetProperty("schedule").GetString()!;
                if (SettingReference().Match(schedule) is { Success: true } reference)
                {
                    Assert.True(infra.ContainsKey(reference.Groups[1].Value), $"{path}: schedule {schedule} names a setting infra/ does not set.");
                }
                else
                {
                    // Flex Consumption accepts NCRONTAB only (no TimeSpan schedules): spec azure-functions-storage §1.7.
                    Assert.Null(Record.Exception(() => TimerSchedule.Parse(schedule, name)));
                }
            }
        }
    }

    [Fact]
    public void EveryHttpFunctionRoute_LeadsToAnEndpointOfTheApp()
    {
        var endpoints = AppEndpoints();
        foreach (var function in Catalog.All.Where(f => f.Trigger == TriggerKind.Http))
        {
            var template = TemplateParser.Parse(Prefix + function.Route);
            if (template.Segments.Count == 2 && template.Segments[1].Parts is [{ IsCatchAll: true }])
            {
                continue; // forwards everything under the prefix to the app
            }

            var sample = SamplePath(template);
            Assert.True(endpoints.Any(e => Matches(e.Template, sample)),
                $"Function '{function.Name}' routes '{function.Route}' to the handler, but no endpoint of the app answers {sample}.");
        }
    }

    [Fact]
    public void EveryEndpointOfTheApp_IsReachableThroughAnHttpFunction()
    {
        var functions = Catalog.All.Where(f => f.Trigger == TriggerKind.Http)
            .Select(f => (f.Name, Template: TemplateParser.Parse(Prefix + f.Route), f.Methods))
            .ToList();
        var endpoints = AppEndpoints();
        Assert.Contains(endpoints, e => e.Display.EndsWith("/health", StringComparison.Ordinal)); // the check below sees the API
        var unreachable = new List<string>();
        foreach (var (template, methods, display) in endpoints)
        {
            var sample = SamplePath(template);
            foreach (var method in methods)
            {
                if (!functions.Any(f => Matches(f.Template, sample) && (f.Methods.Count == 0 || f.Methods.Contains(method))))
                {
                    unreachable.Add($"{method} {display}");
                }
            }
        }

        Assert.True(unreachable.Count == 0,
            "In Azure the Functions host forwards only requests that match an http function's route; these endpoints match none " +
            "(add a function.json whose route covers them):\n" + string.Join("\n", unreachable));
    }

    private string Prefix => _app.Services.GetRequiredService<HostSettings>().RoutePrefix + "/";

    private List<(RouteTemplate Template, IReadOnlyList<string> Methods, string Display)> AppEndpoints() =>
        ((IEndpointRouteBuilder)_app).DataSources
            .SelectMany(source => source.Endpoints)
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && raw.TrimStart('/').StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
            .Select(e => (TemplateParser.Parse(e.RoutePattern.RawText!.TrimStart('/')),
                (IReadOnlyList<string>)(e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.ToList() ?? ["GET", "POST", "PUT", "PATCH", "DELETE"]),
                e.RoutePattern.RawText!))
            .ToList();

    /// <summary>A concrete path the template matches: every parameter becomes 1 (it satisfies int, long and string constraints).</summary>
    private static string SamplePath(RouteTemplate template) =>
        "/" + string.Join("/", template.Segments.Select(s => string.Concat(s.Parts.Select(p => p.IsParameter ? "1" : p.Text))));

    private static bool Matches(RouteTemplate template, string path) =>
        new TemplateMatcher(template, new RouteValueDictionary()).TryMatch(path, new RouteValueDictionary());

    [GeneratedRegex("^[a-z0-9](?!.*--)[a-z0-9-]{1,54}[a-z0-9]$")]
    private static partial Regex QueueName();

    [GeneratedRegex("^%([^%]+)%$")]
    private static partial Regex SettingReference();
}
