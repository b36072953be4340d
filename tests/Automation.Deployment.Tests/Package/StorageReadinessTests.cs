using System.Net;
using System.Net.Http.Headers;
using Automation.Functions;
using Automation.Functions.Hosting;
using Automation.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Automation.Deployment.Tests.Package;

/// <summary>
/// Cold start (issue #11): in Functions mode the handler listens before storage is ready, answers the host's readiness
/// ping and health at once, and holds every other request until its tables, queues and start-up tasks are done.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class StorageReadinessTests(AzuriteFixture azurite)
{
    private const string AdminKey = "readiness-test-admin-key-0123456789";

    [Fact]
    public async Task FunctionsMode_AnswersHealthBeforeStorageIsReady_AndHoldsOtherRequestsUntilItIs()
    {
        var startupTask = new HeldStartupTask();
        var app = AutomationApp.Create(
        [
            $"--{HostingModes.CustomHandlerPortSetting}=0",
            "--urls=http://127.0.0.1:0",
            $"--AzureWebJobsStorage={azurite.ConnectionString}",
            $"--Automation:BootstrapAdminKey={AdminKey}",
        ], builder => builder.Services.AddSingleton<IStartupTask>(startupTask));
        try
        {
            await app.InitializeAsync().WaitAsync(TimeSpan.FromSeconds(30)); // returns before storage work in Functions mode
            await app.StartAsync();
            using var http = new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };
            using var records = new HttpRequestMessage(HttpMethod.Get, "/api/records/res.partner?limit=1");
            records.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);

            await startupTask.Started.WaitAsync(TimeSpan.FromSeconds(30)); // tables and queues exist; the start-up tasks run
            using var ping = await http.GetAsync("/");
            using var health = await http.GetAsync("/api/health");
            var held = http.SendAsync(records);
            var finishedEarly = await Task.WhenAny(held, Task.Delay(TimeSpan.FromMilliseconds(500))) == held;
            startupTask.Release();
            using var response = await held;

            Assert.Equal(HttpStatusCode.NotFound, ping.StatusCode);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.False(finishedEarly, "A request that needs storage was answered before storage was ready.");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(app.Services.GetRequiredService<StorageReadiness>().Ready.IsCompletedSuccessfully);
        }
        finally
        {
            startupTask.Release();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private sealed class HeldStartupTask : IStartupTask
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Started => _started.Task;

        public void Release() => _release.TrySetResult();

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            _started.TrySetResult();
            await _release.Task.WaitAsync(cancellationToken);
        }
    }
}
