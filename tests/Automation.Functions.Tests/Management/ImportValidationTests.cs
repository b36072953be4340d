using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Automation.Testing;

namespace Automation.Functions.Tests.Management;

/// <summary>An import is checked whole before anything is written.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ImportValidationTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly TestAppRoot _root = new();
    private TestApp _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(azurite, _root, functionsMode: false);
        _http = _app.Admin();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
        _root.Dispose();
    }

    [Fact]
    public async Task Import_OfAnInvalidDocument_Answers400ByPath_AndWritesNothing()
    {
        var model = "x_ok" + Guid.NewGuid().ToString("N")[..8];
        var document = """
            {"format":"automation-export","version":1,
             "models":[{"name":"MODEL","fields":{"name":{"type":"char"}}},{"name":"res.partner","fields":{}}],
             "rules":[{"name":"Broken","model":"MODEL","trigger":"on_sometimes"}]}
            """.Replace("MODEL", model, StringComparison.Ordinal);

        using var response = await _http.PostAsync("/api/admin/import", new StringContent(document, Encoding.UTF8, "application/json"));
        var errors = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]!.AsObject().Select(e => e.Key).ToList();
        using var created = await _http.GetAsync($"/api/admin/models/{model}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("models.1", errors);
        Assert.Contains("rules.0.trigger", errors);
        Assert.Equal(HttpStatusCode.NotFound, created.StatusCode);
    }

    [Fact]
    public async Task Import_OfSomethingElse_Answers400()
    {
        using var response = await _http.PostAsync("/api/admin/import", new StringContent("""{"rules":[]}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("automation-export", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_OfCode_NeedsCodeWrite()
    {
        using var keyResponse = await _http.PostAsync("/api/admin/keys",
            new StringContent("""{"name":"importer","scopes":["rules:write"]}""", Encoding.UTF8, "application/json"));
        var key = JsonNode.Parse(await keyResponse.Content.ReadAsStringAsync())!["key"]!.GetValue<string>();
        using var client = new HttpClient { BaseAddress = new Uri(_app.BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        var document = $$"""
            {"format":"automation-export","version":1,"rules":[{"name":"Coded {{Guid.NewGuid():N}}","model":"res.partner","trigger":"on_create",
             "action_server_ids":[{"name":"c","state":"code","code":"record.write({'comment': 'imported {{Guid.NewGuid():N}}'})"}]}]}
            """;

        using var response = await client.PostAsync("/api/admin/import", new StringContent(document, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
