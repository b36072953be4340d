using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Automation.Storage.Management;
using Automation.Testing;

namespace Automation.Functions.Tests.Management;

/// <summary><c>/api/admin/keys</c>: keys shown once and stored hashed, scopes enforced, revocation, expiry, and <c>code:write</c>.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ApiKeyTests(AzuriteFixture azurite) : IAsyncLifetime
{
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
    public async Task Create_ShowsTheKeyOnce_AndStoresOnlyItsHash()
    {
        var (created, key) = await CreateAsync("CRM sync", "records:read");

        Assert.StartsWith("ak_", key, StringComparison.Ordinal);
        var id = created["id"]!.GetValue<string>();
        var listed = JsonNode.Parse(await _admin.GetStringAsync("/api/admin/keys"))!.AsArray().Single(k => k!["id"]!.GetValue<string>() == id)!;
        Assert.Null(listed["key"]);
        Assert.Equal("CRM sync", listed["name"]!.GetValue<string>());
        var single = JsonNode.Parse(await _admin.GetStringAsync($"/api/admin/keys/{id}"))!;
        Assert.Null(single["key"]);

        var entity = await azurite.Tables.GetTableClient(ApiKeyStore.TableName).GetEntityAsync("key", id);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))), entity.GetString("Hash"));
        Assert.DoesNotContain(entity, p => p.Value is string s && s.Contains(key[10..], StringComparison.Ordinal));
    }

    [Fact]
    public async Task Key_GrantsItsScopesOnly()
    {
        var (_, key) = await CreateAsync("reader", "records:read");
        using var client = Client(key);

        using var read = await client.GetAsync("/api/records/res.partner?limit=1");
        using var write = await client.PostAsync("/api/records/res.partner", Json("""{"name":"Nope"}"""));

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        Assert.Contains("records:write", await write.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoke_RefusesTheKeyAtOnce_AndKeepsItListedAsRevoked()
    {
        var (created, key) = await CreateAsync("temporary", "records:read");
        var id = created["id"]!.GetValue<string>();
        using var client = Client(key);
        using (var before = await client.GetAsync("/api/records/res.partner?limit=1"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using var revoke = await _admin.DeleteAsync($"/api/admin/keys/{id}");
        using var after = await client.GetAsync("/api/records/res.partner?limit=1");

        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal("application/problem+json", after.Content.Headers.ContentType!.MediaType);
        var listed = JsonNode.Parse(await _admin.GetStringAsync($"/api/admin/keys/{id}"))!;
        Assert.NotNull(listed["revoked_at"]);
    }

    [Fact]
    public async Task ExpiredKey_IsRefused()
    {
        const string key = "ak_0000000000e1_expired-secret-text";
        await _app.Services.GetRequiredService<ApiKeyStore>().AddAsync(new StoredApiKey
        {
            Id = "0000000000e1",
            Name = "expired",
            Hash = SHA256.HashData(Encoding.UTF8.GetBytes(key)),
            Scopes = ["admin"],
            Uid = 1,
            CreatedAt = DateTime.UtcNow.AddDays(-2),
            ExpiresAt = DateTime.UtcNow.AddDays(-1),
        }, CancellationToken.None);
        using var client = Client(key);

        using var response = await client.GetAsync("/api/admin/keys");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Create_WithUnknownScopeOrNoName_Answers400ByField()
    {
        using var response = await _admin.PostAsync("/api/admin/keys", Json("""{"scopes":["records:read","root"],"user_id":987654321,"colour":"red"}"""));
        var errors = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]!.AsObject();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("name", errors.Select(e => e.Key));
        Assert.Contains("root", errors["scopes"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("user_id", errors.Select(e => e.Key));
        Assert.Contains("colour", errors.Select(e => e.Key));
    }

    [Fact]
    public async Task BootstrapKey_IsListed_AndCannotBeRevokedThroughTheApi()
    {
        var keys = JsonNode.Parse(await _admin.GetStringAsync("/api/admin/keys"))!.AsArray();
        using var revoke = await _admin.DeleteAsync("/api/admin/keys/bootstrap");

        Assert.Contains(keys, k => k!["id"]!.GetValue<string>() == "bootstrap");
        Assert.Equal(HttpStatusCode.Conflict, revoke.StatusCode);
    }

    [Fact]
    public async Task SavingPythonCode_NeedsCodeWrite_ButSavingItAgainUnchangedDoesNot()
    {
        var model = "x_keyed" + Guid.NewGuid().ToString("N")[..8];
        using (var put = await _admin.PutAsync($"/api/admin/models/{model}", Json("""{"fields":{"name":{"type":"char"}}}""")))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        var (_, rulesOnly) = await CreateAsync("rules only", "rules:write", "rules:read");
        var (_, withCode) = await CreateAsync("rules and code", "rules:write", "code:write");
        using var rulesClient = Client(rulesOnly);
        using var codeClient = Client(withCode);
        var rule = $$"""{"name":"Shout","model":"{{model}}","trigger":"on_create","action_server_ids":[{"name":"Up","state":"code","code":"record.write({'name': record.name.upper()})"}]}""";

        using var refused = await rulesClient.PostAsync("/api/admin/rules", Json(rule));
        using var created = await codeClient.PostAsync("/api/admin/rules", Json(rule));
        var id = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<long>();
        using var renamed = await rulesClient.PatchAsync($"/api/admin/rules/{id}", Json("""{"name":"Shout louder","active":false}"""));
        using var recoded = await rulesClient.PatchAsync($"/api/admin/rules/{id}",
            Json("""{"action_server_ids":[{"name":"Up","state":"code","code":"record.write({'name': 'x'})"}]}"""));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("code:write", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, recoded.StatusCode);
    }

    [Fact]
    public async Task SavingAComputedField_NeedsCodeWrite()
    {
        var model = "x_computed" + Guid.NewGuid().ToString("N")[..8];
        const string body = """{"fields":{"qty":{"type":"integer"},"double":{"type":"integer","depends":["qty"],"compute":"for record in self:\n    record['double'] = record.qty * 2"}}}""";
        var (_, rulesOnly) = await CreateAsync("models without code", "rules:write");
        var (_, withCode) = await CreateAsync("models with code", "rules:write", "code:write");
        using var rulesClient = Client(rulesOnly);
        using var codeClient = Client(withCode);

        using var refused = await rulesClient.PutAsync($"/api/admin/models/{model}", Json(body));
        using var created = await codeClient.PutAsync($"/api/admin/models/{model}", Json(body));
        using var again = await rulesClient.PutAsync($"/api/admin/models/{model}", Json(body));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    private async Task<(JsonObject Created, string Key)> CreateAsync(string name, params string[] scopes)
    {
        var body = new JsonObject { ["name"] = name, ["scopes"] = new JsonArray(scopes.Select(s => (JsonNode)s).ToArray()) };
        using var response = await _admin.PostAsync("/api/admin/keys", Json(body.ToJsonString()));
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (json, json["key"]!.GetValue<string>());
    }

    private HttpClient Client(string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(_app.BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");
}
