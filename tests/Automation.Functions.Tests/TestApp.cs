using Automation.Functions.Hosting;
using Automation.Testing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Logging;

namespace Automation.Functions.Tests;

/// <summary>The real app, in this process, on a free loopback port, against the tests' Azurite.</summary>
public sealed class TestApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestApp(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
        Http = new HttpClient { BaseAddress = new Uri(baseUrl) };
    }

    /// <summary>The bootstrap admin key every test app accepts.</summary>
    public const string AdminKey = "test-admin-key-0123456789abcdef";

    public string BaseUrl { get; }

    /// <summary>A client that authenticates with <see cref="AdminKey"/>.</summary>
    public HttpClient Admin()
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminKey);
        return client;
    }

    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<TestApp> StartAsync(AzuriteFixture azurite, TestAppRoot root, bool functionsMode,
        IEnumerable<IQueueFunction>? queueFunctions = null, IEnumerable<ITimerFunction>? timerFunctions = null,
        IEnumerable<string>? extraArgs = null, ILoggerProvider? logs = null)
    {
        var args = new List<string>
        {
            $"--{HostingExtensions.AppRootSetting}={root.Path}",
            $"--AzureWebJobsStorage={azurite.ConnectionString}",
            "--urls=http://127.0.0.1:0",
            $"--Automation:BootstrapAdminKey={AdminKey}",
        };
        if (functionsMode)
        {
            args.Add($"--{HostingModes.CustomHandlerPortSetting}=0");
        }

        args.AddRange(extraArgs ?? []);
        var app = AutomationApp.Create([.. args], builder =>
        {
            foreach (var f in queueFunctions ?? [])
            {
                builder.Services.AddSingleton(f);
            }

            foreach (var f in timerFunctions ?? [])
            {
                builder.Services.AddSingleton(f);
            }

            if (logs is not null)
            {
                builder.Logging.AddProvider(logs);
            }
        });
        await app.InitializeAsync();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestApp(app, address);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
