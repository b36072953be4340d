using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Automation.Storage;
using Automation.Testing;

namespace Automation.Deployment.Tests.Package;

/// <summary>
/// The executable from the package, started the way the Functions host starts it (spec azure-functions-storage §1.2:
/// working directory = app root, host.json's arguments with %FUNCTIONS_CUSTOMHANDLER_PORT% expanded, the port and the
/// app settings in the environment), driven with the host's requests (§1.4) against the tests' Azurite.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class PackagedHandlerTests(PackageFixture package, AzuriteFixture azurite)
{
    private const string AdminKey = "deployment-test-admin-key-0123456789";

    [Fact]
    public async Task Starts_AnswersTheReadinessPingAndHealth()
    {
        await using var handler = await StartAsync();

        using var ping = await handler.Http.GetAsync("/");
        using var health = await handler.Http.GetAsync("/api/health");

        Assert.Equal(HttpStatusCode.NotFound, ping.StatusCode); // any answer counts as ready
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("ok", JsonDocument.Parse(await health.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task HttpInvocation_IsAnsweredAsTheResOutput()
    {
        await using var handler = await StartAsync();

        var reply = await handler.InvokeAsync("Health",
            """{"Data":{"req":{"Url":"https://app.azurewebsites.net/api/health","Method":"GET","Headers":{}}},"Metadata":{"sys":{"MethodName":"Health"}}}""");

        Assert.Equal(200, reply.GetProperty("Outputs").GetProperty("res").GetProperty("statusCode").GetInt32());
    }

    [Fact]
    public async Task ForwardedApiRequest_WithTheAdminKey_ReadsFromStorage()
    {
        await using var handler = await StartAsync();
        using var anonymous = await handler.Http.GetAsync("/api/records/res.partner");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/records/res.partner?limit=1");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);

        using var response = await handler.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>
    /// The package is partially trimmed (framework code nobody references is removed): the paths that lean on
    /// reflection over our types (JSON bodies of the admin and records APIs, the OpenAPI document, export, the rule
    /// engine and the interpreter behind a queue invocation) work in the packaged executable as they do in the tests.
    /// </summary>
    [Fact]
    public async Task TrimmedPackage_ServesTheApisAndRunsARuleFromTheQueue()
    {
        await using var handler = await StartAsync();
        var model = "x_pkg_" + Guid.NewGuid().ToString("N")[..8];
        await SendAsync(handler, HttpMethod.Put, $"/api/admin/models/{model}",
            """{"fields": {"name": {"type": "char"}, "counter": {"type": "integer"}, "seen": {"type": "integer"}}}""", HttpStatusCode.Created);
        await SendAsync(handler, HttpMethod.Post, "/api/admin/rules", $$"""
            {"name": "Seen", "model": "{{model}}", "trigger": "on_create",
             "action_server_ids": [{"name": "Count", "state": "code", "code": "record.write({'seen': record.counter + 1})"}]}
            """, HttpStatusCode.Created);
        var id = (await SendAsync(handler, HttpMethod.Post, $"/api/records/{model}", """{"name": "packaged", "counter": 41}""", HttpStatusCode.Created))
            .GetProperty("id").GetInt64();

        // The host's part: take the change event off the queue and invoke RecordEvents with it.
        var queue = new Automation.Storage.Queues.QueueServiceClient(StorageConnection.Parse(azurite.ConnectionString)).GetQueueClient("record-events");
        var invoked = false;
        for (var deadline = DateTime.UtcNow.AddSeconds(30); !invoked && DateTime.UtcNow < deadline;)
        {
            foreach (var message in await queue.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(30)))
            {
                if (message.Text is { } text && text.Contains(model, StringComparison.Ordinal))
                {
                    var payload = new System.Text.Json.Nodes.JsonObject
                    {
                        ["Data"] = new System.Text.Json.Nodes.JsonObject { ["msg"] = JsonSerializer.Serialize(text) },
                        ["Metadata"] = new System.Text.Json.Nodes.JsonObject { ["DequeueCount"] = "1", ["Id"] = JsonSerializer.Serialize(message.MessageId) },
                    };
                    await handler.InvokeAsync("RecordEvents", payload.ToJsonString());
                    await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                    invoked = true;
                }
            }

            await Task.Delay(invoked ? 0 : 100);
        }

        var record = await SendAsync(handler, HttpMethod.Get, $"/api/records/{model}/{id}", null, HttpStatusCode.OK);
        var openApi = await SendAsync(handler, HttpMethod.Get, "/api/openapi.json", null, HttpStatusCode.OK);
        var export = await SendAsync(handler, HttpMethod.Get, "/api/admin/export", null, HttpStatusCode.OK);

        Assert.True(invoked, "No change event of the record reached record-events.\n" + handler.StandardError);
        Assert.Equal(42, record.GetProperty("seen").GetInt64());
        Assert.True(openApi.GetProperty("paths").TryGetProperty("/api/records/{model}", out _), "The OpenAPI document lacks the records API.");
        Assert.Contains(model, export.GetRawText(), StringComparison.Ordinal);
    }

    /// <summary>Payload schemas are NJsonSchema on Newtonsoft.Json, reflection-heavy packages the trimmed package keeps whole.</summary>
    [Fact]
    public async Task TrimmedPackage_ChecksWebhookPayloadsAgainstTheirSchema()
    {
        await using var handler = await StartAsync();
        var partner = (await SendAsync(handler, HttpMethod.Post, "/api/records/res.partner", """{"name": "Schema probe"}""", HttpStatusCode.Created))
            .GetProperty("id").GetInt64();
        var rule = await SendAsync(handler, HttpMethod.Post, "/api/admin/rules", $$"""
            {"name": "Schema", "model": "res.partner", "trigger": "on_webhook", "record_getter": "model.browse({{partner}})",
             "webhook_payload_schema": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"} } },
             "action_server_ids": [{"name": "Store", "state": "code", "code": "record.write({'comment': payload['name']})"}]}
            """, HttpStatusCode.Created);
        var url = rule.GetProperty("url").GetString()!;
        var hook = "/api/hooks/" + url[(url.LastIndexOf('/') + 1)..];

        using var bad = await handler.Http.PostAsync(hook, new StringContent("""{"name": 42}""", Encoding.UTF8, "application/json"));
        using var good = await handler.Http.PostAsync(hook, new StringContent("""{"name": "Ann"}""", Encoding.UTF8, "application/json"));

        var badBody = await bad.Content.ReadAsStringAsync();
        Assert.True(bad.StatusCode == HttpStatusCode.UnprocessableEntity, $"{(int)bad.StatusCode}: {badBody}\n{handler.StandardError}");
        Assert.Contains("Expected a string.", badBody, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
    }

    private static async Task<JsonElement> SendAsync(Handler handler, HttpMethod method, string path, string? body, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await handler.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path} answered {(int)response.StatusCode}, not {(int)expected}: {text}\n{handler.StandardError}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public async Task TimerInvocation_RunsTheSweeperAgainstStorage()
    {
        await using var handler = await StartAsync();

        var reply = await handler.InvokeAsync("Sweeper",
            """{"Data":{"timer":{"Schedule":{"AdjustForDST":true},"ScheduleStatus":null,"IsPastDue":false}},"Metadata":{"sys":{"MethodName":"Sweeper"}}}""");

        Assert.Equal(JsonValueKind.Object, reply.GetProperty("Outputs").ValueKind);
    }

    [Fact]
    public async Task UnresolvedKeyVaultReference_StopsStartupNamingTheSetting()
    {
        await using var handler = Start(new() { ["Automation__BootstrapAdminKey"] = "@Microsoft.KeyVault(VaultName=kv-x;SecretName=automation-bootstrap-admin-key)" });

        var exit = await handler.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, exit);
        Assert.Contains("'Automation:BootstrapAdminKey' is a Key Vault reference the platform could not resolve", handler.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableStorage_ListensFirst_ThenStopsWithTheReason()
    {
        var closed = AppProcess.FreePort();
        await using var handler = Start(new()
        {
            ["AzureWebJobsStorage"] = StorageConnection.AzuriteConnectionString(closed, closed),
        });

        var exit = await handler.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, exit);
        Assert.Contains("Automation cannot start: Storage is unreachable", handler.StandardError, StringComparison.Ordinal);
    }

    private async Task<Handler> StartAsync()
    {
        var handler = Start([]);
        await handler.WaitUntilListeningAsync(TimeSpan.FromSeconds(30));
        return handler;
    }

    private Handler Start(Dictionary<string, string> settings)
    {
        var port = AppProcess.FreePort().ToString(CultureInfo.InvariantCulture);
        var start = new ProcessStartInfo(Path.Combine(package.AppRoot, package.ExecutablePath))
        {
            WorkingDirectory = package.AppRoot,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in package.Arguments)
        {
            start.ArgumentList.Add(argument.Replace("%FUNCTIONS_CUSTOMHANDLER_PORT%", port, StringComparison.Ordinal));
        }

        foreach (var name in new[] { "AzureWebJobsStorage", "ASPNETCORE_URLS", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT", "Automation__BootstrapAdminKey" })
        {
            start.Environment.Remove(name);
        }

        start.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = port;
        start.Environment["AzureWebJobsStorage"] = azurite.ConnectionString;
        start.Environment["Automation__BootstrapAdminKey"] = AdminKey;
        foreach (var (name, value) in settings)
        {
            start.Environment[name] = value;
        }

        return new Handler(Process.Start(start)!, new Uri($"http://127.0.0.1:{port}"));
    }

    private sealed class Handler : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _stderr = new();

        public Handler(Process process, Uri baseAddress)
        {
            _process = process;
            _process.OutputDataReceived += (_, _) => { };
            _process.ErrorDataReceived += (_, e) =>
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
            Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        }

        public HttpClient Http { get; }

        public string StandardError
        {
            get
            {
                lock (_stderr)
                {
                    return _stderr.ToString();
                }
            }
        }

        public async Task WaitUntilListeningAsync(TimeSpan timeout)
        {
            // The host's readiness check: GET / until anything answers.
            var deadline = DateTime.UtcNow + timeout;
            while (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                try
                {
                    using var _ = await Http.GetAsync("/");
                    return;
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(25);
                }
            }

            throw new InvalidOperationException($"The packaged handler did not listen (exited: {_process.HasExited}).\n{StandardError}");
        }

        public async Task<JsonElement> InvokeAsync(string function, string payload)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/" + function) { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
            request.Headers.Add("X-Azure-Functions-InvocationId", Guid.NewGuid().ToString());
            using var response = await Http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{function} answered {(int)response.StatusCode}: {text}\n{StandardError}");
            return JsonDocument.Parse(text).RootElement.Clone();
        }

        public async Task<int> WaitForExitAsync(TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            await _process.WaitForExitAsync(cts.Token);
            _process.WaitForExit(); // drains the redirected output
            return _process.ExitCode;
        }

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }
    }
}
