using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Automation.Testing;

namespace Automation.Functions.Tests;

/// <summary>Stored computed and related fields through the models and records API, against real Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ComputedFieldTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly TestAppRoot _root = new();
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..10];
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
    public async Task SaveTime_BadPathsCodeAndShapesAreRefusedPerField()
    {
        var model = "x_bad" + _suffix;
        var errors = (await SendAsync(HttpMethod.Put, $"/api/admin/models/{model}", """
            {"fields": {
              "name": {"type": "char"},
              "partner_id": {"type": "many2one", "relation": "res.partner"},
              "tag_ids": {"type": "many2many", "relation": "res.partner.category"},
              "a": {"type": "char", "related": "partner_id.nope"},
              "b": {"type": "char", "related": "tag_ids.name"},
              "c": {"type": "integer", "related": "partner_id.name"},
              "d": {"type": "char", "depends": ["name"], "compute": "for record in self:\n    record['d'] = ("},
              "e": {"type": "char", "compute": "record['e'] = 'x'"},
              "f": {"type": "char", "depends": ["name"]},
              "g": {"type": "char", "related": "partner_id.name", "compute": "x = 1"}
            }}
            """, HttpStatusCode.BadRequest))!["errors"]!.AsObject();

        Assert.Contains("has no field 'nope'", Error(errors, "fields.a.related"), StringComparison.Ordinal);
        Assert.Contains("only many2one fields can be followed", Error(errors, "fields.b.related"), StringComparison.Ordinal);
        Assert.Contains("same type", Error(errors, "fields.c.related"), StringComparison.Ordinal);
        Assert.Contains("line", Error(errors, "fields.d.compute"), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("paths its code reads", Error(errors, "fields.e.depends"), StringComparison.Ordinal);
        Assert.Contains("only applies", Error(errors, "fields.f.depends"), StringComparison.Ordinal);
        Assert.Contains("not both", Error(errors, "fields.g.related"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compute_RunsInTheSameWrite_RefusesDirectWrites_AndReportsCodeErrors()
    {
        var model = "x_calc" + _suffix;
        await SendAsync(HttpMethod.Put, $"/api/admin/models/{model}", """
            {"fields": {
              "qty": {"type": "integer"},
              "price": {"type": "float"},
              "total": {"type": "float", "depends": ["qty", "price"],
                        "compute": "for record in self:\n    record['total'] = record.qty * record.price"},
              "label": {"type": "char", "depends": ["total"],
                        "compute": "for record in self:\n    record.label = 'total %.1f' % record.total if record.total else False"},
              "ratio": {"type": "float", "depends": ["qty"],
                        "compute": "for record in self:\n    record['ratio'] = 10 / record.qty"}
            }}
            """, HttpStatusCode.Created);

        var created = await SendAsync(HttpMethod.Post, $"/api/records/{model}", """{"qty": 2, "price": 2.5}""", HttpStatusCode.Created);
        var id = created!["id"]!.GetValue<long>();
        var written = await SendAsync(HttpMethod.Patch, $"/api/records/{model}/{id}", """{"price": 4}""", HttpStatusCode.OK);
        var direct = await SendAsync(HttpMethod.Patch, $"/api/records/{model}/{id}", """{"total": 1}""", HttpStatusCode.BadRequest);
        var failing = await SendAsync(HttpMethod.Patch, $"/api/records/{model}/{id}", """{"qty": 0}""", HttpStatusCode.BadRequest);
        var after = await SendAsync(HttpMethod.Get, $"/api/records/{model}/{id}", null, HttpStatusCode.OK);

        Assert.Equal(5.0, created["total"]!.GetValue<double>());
        Assert.Equal("total 5.0", created["label"]!.GetValue<string>());
        Assert.Equal(8.0, written!["total"]!.GetValue<double>());
        Assert.Equal("total 8.0", written["label"]!.GetValue<string>());
        Assert.Contains("cannot be written", Error(direct!["errors"]!.AsObject(), "total"), StringComparison.Ordinal);
        Assert.Contains("ZeroDivisionError", Error(failing!["errors"]!.AsObject(), "ratio"), StringComparison.Ordinal);
        Assert.Equal(2, after!["qty"]!.GetValue<long>()); // the failed write changed nothing
    }

    [Fact]
    public async Task Related_TwoHops_FollowsChangesAlongThePath_AndEmptiesWhenTheTargetIsDeleted()
    {
        var countries = "x_country" + _suffix;
        var companies = "x_company" + _suffix;
        var contacts = "x_contact" + _suffix;
        await SendAsync(HttpMethod.Put, $"/api/admin/models/{countries}", """{"fields": {"name": {"type": "char"}}}""", HttpStatusCode.Created);
        await SendAsync(HttpMethod.Put, $"/api/admin/models/{companies}", """{"fields": {"name": {"type": "char"}, "country_id": {"type": "many2one", "relation": """ + $"\"{countries}\"" + "}}}", HttpStatusCode.Created);
        await SendAsync(HttpMethod.Put, $"/api/admin/models/{contacts}", """{"fields": {"name": {"type": "char"}, "company_id": {"type": "many2one", "relation": """ + $"\"{companies}\"" +
            """}, "country_name": {"type": "char", "related": "company_id.country_id.name"}}}""", HttpStatusCode.Created);
        var belgium = await CreateAsync(countries, """{"name":"Belgium"}""");
        var france = await CreateAsync(countries, """{"name":"France"}""");
        var company = await CreateAsync(companies, $$"""{"name":"Co","country_id":{{belgium}}}""");
        var contact = await SendAsync(HttpMethod.Post, $"/api/records/{contacts}", $$"""{"name":"C","company_id":{{company}}}""", HttpStatusCode.Created);
        var id = contact!["id"]!.GetValue<long>();
        Assert.Equal("Belgium", contact["country_name"]!.GetValue<string>());

        await SendAsync(HttpMethod.Patch, $"/api/records/{countries}/{belgium}", """{"name":"België"}""", HttpStatusCode.OK);
        await UntilAsync(contacts, id, c => c["country_name"]?.GetValue<string>() == "België", "a rename two hops away");
        await SendAsync(HttpMethod.Patch, $"/api/records/{companies}/{company}", $$"""{"country_id":{{france}}}""", HttpStatusCode.OK);
        await UntilAsync(contacts, id, c => c["country_name"]?.GetValue<string>() == "France", "the middle link to move");
        await SendAsync(HttpMethod.Delete, $"/api/records/{countries}/{france}", null, HttpStatusCode.NoContent);
        await UntilAsync(contacts, id, c => c["country_name"] is null, "the deleted country to empty the related field");
    }

    private static string Error(JsonObject errors, string key) =>
        errors[key] is JsonArray list ? list[0]!.GetValue<string>() : throw new Xunit.Sdk.XunitException($"no error '{key}' in {errors.ToJsonString()}");

    private async Task<long> CreateAsync(string model, string json) =>
        (await SendAsync(HttpMethod.Post, $"/api/records/{model}", json, HttpStatusCode.Created))!["id"]!.GetValue<long>();

    private Task<JsonNode?> UntilAsync(string model, long id, Func<JsonNode, bool> done, string what) =>
        Eventually.MatchAsync(() => SendAsync(HttpMethod.Get, $"/api/records/{model}/{id}", null, HttpStatusCode.OK), r => done(r!),
            TimeSpan.FromSeconds(30), what);

    private async Task<JsonNode?> SendAsync(HttpMethod method, string url, string? json, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, url);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {url}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? null : JsonNode.Parse(text);
    }
}
