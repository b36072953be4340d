using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Automation.Storage;
using Automation.Storage.Emulator;
using Automation.Testing;

namespace Automation.EndToEnd.Tests;

/// <summary>
/// The real executable in standalone mode, against an Azurite of its own loaded with the demo data, as the quick start
/// runs it: what webhook callers and admins talk to. Client addresses come from <c>X-Forwarded-For</c> (one trusted
/// proxy), so allow-list tests can present any address.
/// </summary>
public sealed class WebhookApp : IAsyncLifetime
{
    public const string Key = "webhook-e2e-admin-key-0123456789";

    private AzuriteProcess? _azurite;
    private AppProcess? _app;

    public string BaseUrl { get; private set; } = "";

    public HttpClient Admin { get; private set; } = null!;

    public HttpClient Anonymous { get; private set; } = null!;

    public AppProcess Process => _app!;

    public string ConnectionString { get; private set; } = "";

    /// <summary>Settings added for this app (environment variables), before it starts.</summary>
    public Dictionary<string, string?> Settings { get; } = new() { ["Automation__Webhooks__TrustedProxyHops"] = "1" };

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteProcess.StartAsync(new AzuriteOptions
        {
            Location = Path.Combine(Path.GetTempPath(), "automation-webhooks-" + Guid.NewGuid().ToString("N")),
        });
        ConnectionString = _azurite.ConnectionString;
        await StartAppAsync();
    }

    /// <summary>Starts (or restarts, after <see cref="KillAppAsync"/>) the app process on a new port.</summary>
    public async Task StartAppAsync()
    {
        var port = AppProcess.FreePort();
        var environment = new Dictionary<string, string?>(Settings)
        {
            ["AzureWebJobsStorage"] = ConnectionString,
            ["Automation__DemoData"] = "true",
            ["Automation__BootstrapAdminKey"] = Key,
            ["Logging__LogLevel__Default"] = "Warning",
        };
        _app = AppProcess.Start(environment, ["--urls", $"http://127.0.0.1:{port}"]);
        BaseUrl = $"http://127.0.0.1:{port}";
        await _app.WaitForHealthyAsync(BaseUrl + "/api/health", TimeSpan.FromSeconds(60));
        Admin?.Dispose();
        Anonymous?.Dispose();
        Admin = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        Anonymous = new HttpClient { BaseAddress = new Uri(BaseUrl) };
    }

    /// <summary>SIGKILL: the process dies wherever it is, as a crashed instance does.</summary>
    public async Task KillAppAsync()
    {
        if (_app is { HasExited: false })
        {
            System.Diagnostics.Process.GetProcessById(_app.ProcessId).Kill();
            await _app.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }
    }

    public async Task DisposeAsync()
    {
        Admin?.Dispose();
        Anonymous?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        if (_azurite is not null)
        {
            var location = _azurite.Location;
            await _azurite.DisposeAsync();
            try
            {
                Directory.Delete(location, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a temp folder.
            }
        }
    }

    /// <summary>Creates a rule; returns its id and (for webhook rules) the URL shown once.</summary>
    public async Task<(long Id, string? Url)> CreateRuleAsync(string json)
    {
        using var response = await Admin.PostAsync("/api/admin/rules", new StringContent(json, Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"Creating the rule answered {(int)response.StatusCode}: {body}");
        var rule = JsonNode.Parse(body)!;
        return (rule["id"]!.GetValue<long>(), rule["url"]?.GetValue<string>());
    }

    public async Task<JsonNode> SendJsonAsync(HttpMethod method, string path, string? json, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await Admin.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path} answered {(int)response.StatusCode}, not {(int)expected}: {body}");
        return body.Length == 0 ? new JsonObject() : JsonNode.Parse(body)!;
    }

    /// <summary>A webhook call: status, body and headers.</summary>
    public async Task<HookResponse> CallAsync(string url, string? body, string method = "POST", IReadOnlyDictionary<string, string>? headers = null,
        string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await Anonymous.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new HookResponse(response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text),
            response.Headers.RetryAfter?.Delta, response.Content.Headers.ContentType?.ToString());
    }

    /// <summary>The call's outcome once it finished (the API waits for it up to 20 s).</summary>
    public async Task<JsonNode> FinishedCallAsync(string callId)
    {
        var call = await Eventually.MatchAsync(
            async () => JsonNode.Parse(await Admin.GetStringAsync($"/api/admin/calls/{callId}?wait=20"))!,
            c => c["status"]!.GetValue<string>() is "done" or "failed", TimeSpan.FromSeconds(60), $"call {callId} to finish");
        return call;
    }

    public async Task<JsonNode> RecordAsync(string model, long id) => JsonNode.Parse(await Admin.GetStringAsync($"/api/records/{model}/{id}"))!;
}

public sealed record HookResponse(HttpStatusCode Status, JsonNode? Body, TimeSpan? RetryAfter, string? ContentType)
{
    public string? CallId => Body?["id"]?.GetValue<string>();
}
