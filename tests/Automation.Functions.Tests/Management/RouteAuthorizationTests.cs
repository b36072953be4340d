using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Automation.Functions.Api;
using Automation.Testing;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;

namespace Automation.Functions.Tests.Management;

/// <summary>
/// Issue #10 acceptance: every route of API.md (and every other route the app maps) with and without the scope it
/// needs (403), with and without a key (401), all as problem details. Routes are read from the running app's endpoints,
/// so a route added later is walked too; API.md's list is checked against them.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed partial class RouteAuthorizationTests(AzuriteFixture azurite) : IAsyncLifetime
{
    /// <summary>API.md's routes (method, path), as its text lists them; compared with API.md itself when it is beside the repository.</summary>
    public static readonly string[] ContractRoutes =
    [
        "POST /api/hooks/{token}", "GET /api/hooks/{token}",
        "GET /api/admin/calls/{id}",
        "GET /api/admin/models", "GET /api/admin/models/{model}", "PUT /api/admin/models/{model}", "DELETE /api/admin/models/{model}",
        "POST /api/records/{model}", "GET /api/records/{model}/{id}", "PATCH /api/records/{model}/{id}", "DELETE /api/records/{model}/{id}",
        "GET /api/records/{model}", "POST /api/records/{model}/{id}/messages", "POST /api/records/{model}/onchange",
        "GET /api/admin/rules", "POST /api/admin/rules", "GET /api/admin/rules/{id}", "PUT /api/admin/rules/{id}", "PATCH /api/admin/rules/{id}",
        "DELETE /api/admin/rules/{id}", "POST /api/admin/rules/{id}/rotate-secret", "GET /api/admin/rules/{id}/logs", "POST /api/admin/rules/{id}/test",
        "GET /api/admin/scheduler", "PUT /api/admin/scheduler", "POST /api/admin/scheduler/run",
        "GET /api/admin/runs", "GET /api/admin/runs/{id}", "POST /api/admin/runs/{id}/replay",
        "GET /api/admin/dead-letters", "POST /api/admin/dead-letters/{id}/replay",
        "GET /api/admin/deliveries",
        "GET /api/health", "GET /api/openapi.json", "GET /api/admin/export", "POST /api/admin/import",
    ];

    /// <summary>Routes of API.md that another open issue builds: #9 the scheduler. Walked like the rest once they exist.</summary>
    private static readonly string[] OtherIssues =
        ["GET /api/admin/scheduler", "PUT /api/admin/scheduler", "POST /api/admin/scheduler/run"];


    /// <summary>Anonymous by API.md: health, and the webhook endpoint (its token is the secret; other methods answer 405).</summary>
    private static readonly string[] Anonymous =
        ["GET /api/health", "GET /api/hooks/{}", "POST /api/hooks/{}", "PUT /api/hooks/{}", "PATCH /api/hooks/{}", "DELETE /api/hooks/{}"];

    private readonly TestAppRoot _root = new();
    private TestApp _app = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(azurite, _root, functionsMode: false);
        _admin = _app.Admin();
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _app.DisposeAsync();
        _root.Dispose();
    }

    [Fact]
    public void ContractRoutes_AreTheRoutesApiMdLists()
    {
        var apiMd = Path.GetFullPath(Path.Combine(RepositoryRoot(), "..", "shared", "design", "API.md"));
        if (!File.Exists(apiMd))
        {
            return; // a clone without shared/ beside it: the embedded list stands for API.md
        }

        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match match in ApiMdRoute().Matches(File.ReadAllText(apiMd)))
        {
            foreach (var method in match.Groups["methods"].Value.Split('|'))
            {
                listed.Add(method + " " + match.Groups["path"].Value);
            }
        }

        // "`GET /api/admin/scheduler` → {…}; `PUT` sets the interval": the PUT names no path of its own.
        listed.Add("PUT /api/admin/scheduler");
        Assert.Equal(listed.Order(StringComparer.Ordinal), ContractRoutes.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EveryContractRoute_IsMapped_ExceptThoseOfOtherOpenIssues()
    {
        var mapped = Endpoints().Select(e => e.Route).ToHashSet(StringComparer.Ordinal);

        var missing = ContractRoutes.Where(r => !mapped.Contains(Normalize(r))).Except(OtherIssues).ToList();

        Assert.True(missing.Count == 0, "API.md routes not mapped: " + string.Join(", ", missing));
    }

    [Fact]
    public void EveryMappedRoute_IsEitherAnonymousOnPurposeOrNeedsAKey()
    {
        var unprotected = Endpoints().Where(e => e.Scope is null && !e.AnyKey).Select(e => e.Route).Except(Anonymous).ToList();

        Assert.True(unprotected.Count == 0, "Routes without RequireScope/RequireKey: " + string.Join(", ", unprotected));
    }

    [Fact]
    public async Task EveryRoute_WithoutKeyOrWithUnknownKey_Answers401ProblemDetails()
    {
        var failures = new List<string>();
        foreach (var endpoint in Endpoints().Where(e => e.Scope is not null || e.AnyKey))
        {
            foreach (var key in new string?[] { null, "ak_0123456789ab_not-a-real-key", "wrong-bootstrap-key-0123456789" })
            {
                using var response = await SendAsync(endpoint, key);
                if (response.StatusCode != HttpStatusCode.Unauthorized || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                {
                    failures.Add($"{endpoint.Route} with key {key ?? "(none)"}: {(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task EveryRoute_WithAKeyLackingItsScope_Answers403_AndWithTheScope_IsLetThrough()
    {
        var only = new Dictionary<string, string>();
        var allBut = new Dictionary<string, string>();
        foreach (var scope in Scopes.All)
        {
            only[scope] = await CreateKeyAsync("only " + scope, [scope]);
            allBut[scope] = await CreateKeyAsync("all but " + scope, Scopes.All.Where(s => s != scope && s != Scopes.Admin).ToArray());
        }

        var failures = new List<string>();
        var walked = 0;
        foreach (var endpoint in Endpoints().Where(e => e.Scope is not null || e.AnyKey))
        {
            walked++;
            if (endpoint.Scope is { } scope)
            {
                using var denied = await SendAsync(endpoint, allBut[scope]);
                if (denied.StatusCode != HttpStatusCode.Forbidden || denied.Content.Headers.ContentType?.MediaType != "application/problem+json")
                {
                    failures.Add($"{endpoint.Route} without '{scope}': {(int)denied.StatusCode}");
                }
            }

            using var allowed = await SendAsync(endpoint, only[endpoint.Scope ?? Scopes.RecordsRead]);
            if (allowed.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                failures.Add($"{endpoint.Route} with only '{endpoint.Scope ?? "any key"}': {(int)allowed.StatusCode} {await allowed.Content.ReadAsStringAsync()}");
            }
        }

        Assert.True(walked >= 35, $"Only {walked} protected routes were found");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private async Task<string> CreateKeyAsync(string name, string[] scopes)
    {
        var body = new JsonObject { ["name"] = name, ["scopes"] = new JsonArray(scopes.Select(s => (JsonNode)s).ToArray()) };
        using var response = await _admin.PostAsync("/api/admin/keys", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return json["key"]!.GetValue<string>();
    }

    private async Task<HttpResponseMessage> SendAsync(Endpoint endpoint, string? key)
    {
        using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), endpoint.Url);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        if (endpoint.Method is "POST" or "PUT" or "PATCH")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        return await _app.Http.SendAsync(request);
    }

    private sealed record Endpoint(string Method, string Route, string Url, string? Scope, bool AnyKey);

    /// <summary>Every (method, route) the running app maps, with the scope its metadata names.</summary>
    private List<Endpoint> Endpoints()
    {
        var sources = _app.Services.GetRequiredService<EndpointDataSource>();
        var list = new List<Endpoint>();
        foreach (var endpoint in sources.Endpoints.OfType<RouteEndpoint>())
        {
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [];
            var raw = "/" + (endpoint.RoutePattern.RawText ?? "").Trim('/');
            var required = endpoint.Metadata.GetMetadata<RequiredScope>();
            var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            foreach (var method in methods.Where(m => m is "GET" or "POST" or "PUT" or "PATCH" or "DELETE"))
            {
                var url = ParameterPattern().Replace(raw, m => m.Groups[1].Value switch
                {
                    "model" => "res.partner",
                    "id" when m.Value.Contains(":long", StringComparison.Ordinal) => "999999999",
                    _ => "none-such",
                });
                list.Add(new Endpoint(method, Normalize(method + " " + raw), url, anonymous ? null : required?.Scope,
                    !anonymous && required is { Scope: null }));
            }
        }

        return list;
    }

    private static string Normalize(string route) => ParameterPattern().Replace(route, "{}");

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Automation.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Automation.sln was not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"\{([a-z_]+)(:[a-z]+)?\}")]
    private static partial Regex ParameterPattern();

    [GeneratedRegex(@"`(?<methods>(?:GET|POST|PUT|PATCH|DELETE)(?:\|(?:GET|POST|PUT|PATCH|DELETE))*) (?<path>/api/[^`?\s]+)")]
    private static partial Regex ApiMdRoute();
}
