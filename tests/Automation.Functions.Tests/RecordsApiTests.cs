using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Automation.Testing;

namespace Automation.Functions.Tests;

/// <summary>API.md "Records" and "Models" over real HTTP against Azurite (issue #4 acceptance).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class RecordsApiTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly TestAppRoot _root = new();
    private TestApp _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        // The app's tables are shared with other tests on this Azurite: each test asserts only on records it created.
        _app = await TestApp.StartAsync(azurite, _root, functionsMode: false);
        _http = _app.Admin();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
        _root.Dispose();
    }

    private async Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> SendAsync(HttpMethod method, string url, string? json = null,
        string? ifMatch = null, HttpClient? client = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        var response = await (client ?? _http).SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response);
    }

    private async Task<long> CreatePartnerAsync(string name)
    {
        var (status, body, _) = await SendAsync(HttpMethod.Post, "/api/records/res.partner", $$"""{"name":"{{name}}"}""");
        Assert.Equal(HttpStatusCode.Created, status);
        return body!["id"]!.GetValue<long>();
    }

    [Fact]
    public async Task Crud_CreateReadPatchDelete_WithETagsAndLocation()
    {
        var (created, body, response) = await SendAsync(HttpMethod.Post, "/api/records/res.partner",
            """{"name":"Deco Addict","email":"deco@example.com","company_type":"company","is_company":true}""");
        var id = body!["id"]!.GetValue<long>();
        var (read, readBody, readResponse) = await SendAsync(HttpMethod.Get, $"/api/records/res.partner/{id}");
        var (patched, patchedBody, _) = await SendAsync(HttpMethod.Patch, $"/api/records/res.partner/{id}", """{"phone":"+32 2 290 34 90"}""",
            ifMatch: readResponse.Headers.ETag!.ToString());
        var (deleted, _, _) = await SendAsync(HttpMethod.Delete, $"/api/records/res.partner/{id}");
        var (gone, _, _) = await SendAsync(HttpMethod.Get, $"/api/records/res.partner/{id}");

        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal($"/api/records/res.partner/{id}", response.Headers.Location!.ToString());
        Assert.NotNull(response.Headers.ETag);
        Assert.Equal(HttpStatusCode.OK, read);
        Assert.Equal("Deco Addict", readBody!["display_name"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, patched);
        Assert.Equal("+32 2 290 34 90", patchedBody!["phone"]!.GetValue<string>());
        Assert.Equal("deco@example.com", patchedBody["email"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NoContent, deleted);
        Assert.Equal(HttpStatusCode.NotFound, gone);
    }

    [Theory]
    [InlineData("""{"name":"x","nope":1}""", "nope")]
    [InlineData("""{"name":"x","customer_rank":"many"}""", "customer_rank")]
    [InlineData("""{"email":"x@example.com"}""", "name")]
    [InlineData("""{"name":"x","company_type":"robot"}""", "company_type")]
    [InlineData("""{"name":"x","country_id":987654}""", "country_id")]
    [InlineData("""{"name":"x","create_date":"2026-01-01T00:00:00Z"}""", "create_date")]
    public async Task Create_WithInvalidValues_Is400ProblemDetailsNamingTheField(string json, string field)
    {
        var (status, body, response) = await SendAsync(HttpMethod.Post, "/api/records/res.partner", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.NotNull(body!["errors"]![field]);
    }

    [Fact]
    public async Task Create_WithAStringOver64KiB_Is400NamingTheField()
    {
        var (status, body, _) = await SendAsync(HttpMethod.Post, "/api/records/res.partner",
            new JsonObject { ["name"] = "x", ["comment"] = new string('é', 40_000) }.ToJsonString());

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("65,536", body!["errors"]!["comment"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_RecordOverTheOneMebibyteEntityLimit_Is400()
    {
        var fields = new JsonObject();
        for (var i = 0; i < 20; i++)
        {
            fields[$"t{i}"] = new JsonObject { ["type"] = "text" };
        }

        var (put, _, _) = await SendAsync(HttpMethod.Put, "/api/admin/models/x_big", new JsonObject { ["fields"] = fields }.ToJsonString());
        var values = new JsonObject();
        for (var i = 0; i < 20; i++)
        {
            values[$"t{i}"] = new string('x', 30_000); // 20 × 60 KB of UTF-16 = 1.2 MB
        }

        var (status, body, _) = await SendAsync(HttpMethod.Post, "/api/records/x_big", values.ToJsonString());

        Assert.True(put is HttpStatusCode.Created or HttpStatusCode.OK, $"PUT model: {put}");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("1 MiB", body!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownModel_Is404_AndNonObjectBody_Is400()
    {
        var (unknown, _, _) = await SendAsync(HttpMethod.Post, "/api/records/no.such.model", """{"name":"x"}""");
        var (array, _, _) = await SendAsync(HttpMethod.Post, "/api/records/res.partner", "[1,2]");
        var (broken, _, _) = await SendAsync(HttpMethod.Post, "/api/records/res.partner", "{\"name\":");

        Assert.Equal(HttpStatusCode.NotFound, unknown);
        Assert.Equal(HttpStatusCode.BadRequest, array);
        Assert.Equal(HttpStatusCode.BadRequest, broken);
    }

    [Fact]
    public async Task Patch_WithStaleIfMatch_Is412()
    {
        var id = await CreatePartnerAsync("Stale");
        var (_, _, first) = await SendAsync(HttpMethod.Get, $"/api/records/res.partner/{id}");
        await SendAsync(HttpMethod.Patch, $"/api/records/res.partner/{id}", """{"city":"Ghent"}""");

        var (status, _, _) = await SendAsync(HttpMethod.Patch, $"/api/records/res.partner/{id}", """{"city":"Liège"}""",
            ifMatch: first.Headers.ETag!.ToString());

        Assert.Equal(HttpStatusCode.PreconditionFailed, status);
    }

    [Fact]
    public async Task TwoHundredConcurrentIncrementPatches_RetryingOn412_EndWithTheExactCount()
    {
        var id = await CreatePartnerAsync("Counter");
        using var gate = new SemaphoreSlim(16);

        await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
        {
            await gate.WaitAsync();
            try
            {
                while (true)
                {
                    var (_, body, response) = await SendAsync(HttpMethod.Get, $"/api/records/res.partner/{id}");
                    var next = body!["customer_rank"]!.GetValue<long>() + 1;
                    var (status, _, _) = await SendAsync(HttpMethod.Patch, $"/api/records/res.partner/{id}", $$"""{"customer_rank":{{next}}}""",
                        ifMatch: response.Headers.ETag!.ToString());
                    if (status == HttpStatusCode.OK)
                    {
                        return;
                    }

                    Assert.Equal(HttpStatusCode.PreconditionFailed, status);
                }
            }
            finally
            {
                gate.Release();
            }
        }));

        var (_, final, _) = await SendAsync(HttpMethod.Get, $"/api/records/res.partner/{id}");
        Assert.Equal(200, final!["customer_rank"]!.GetValue<long>());
    }

    [Fact]
    public async Task List_PagesWithCursor_AndSelectsFields()
    {
        var model = "x_page" + Guid.NewGuid().ToString("N")[..8];
        await SendAsync(HttpMethod.Put, $"/api/admin/models/{model}", """{"fields":{"name":{"type":"char"},"n":{"type":"integer"}}}""");
        for (var i = 0; i < 5; i++)
        {
            await SendAsync(HttpMethod.Post, $"/api/records/{model}", $$"""{"name":"r{{i}}","n":{{i}}}""");
        }

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var (status, body, _) = await SendAsync(HttpMethod.Get, $"/api/records/{model}?limit=2&fields=name" + (cursor is null ? "" : $"&cursor={cursor}"));
            Assert.Equal(HttpStatusCode.OK, status);
            foreach (var record in body!["records"]!.AsArray())
            {
                Assert.Null(record!["n"]);
                seen.Add(record["name"]!.GetValue<string>());
            }

            cursor = body["next_cursor"]?.GetValue<string>();
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(["r0", "r1", "r2", "r3", "r4"], seen);
        Assert.True(pages >= 3);
    }

    [Fact]
    public async Task List_WithAnOdooTextDomain_ReturnsOnlyMatchingRecords()
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        await SendAsync(HttpMethod.Post, "/api/records/res.partner", $$"""{"name":"Deco {{marker}}","email":"deco-{{marker}}@example.com"}""");
        await SendAsync(HttpMethod.Post, "/api/records/res.partner", $$"""{"name":"Other {{marker}}","email":"other-{{marker}}@example.com"}""");

        var (status, body, _) = await SendAsync(HttpMethod.Get,
            $"/api/records/res.partner?domain={Uri.EscapeDataString($"[('email','ilike','deco-{marker}')]")}&fields=name,email");

        Assert.Equal(HttpStatusCode.OK, status);
        var only = Assert.Single(body!["records"]!.AsArray());
        Assert.Equal($"Deco {marker}", only!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_WithABadDomain_Is400KeyedDomain()
    {
        var (status, body, _) = await SendAsync(HttpMethod.Get, $"/api/records/res.partner?domain={Uri.EscapeDataString("[('no_such_field','=',1)]")}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("no_such_field", body!["errors"]!["domain"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutKey_Is401_WithUnknownKey_Is401()
    {
        using var anonymous = new HttpClient { BaseAddress = new Uri(_app.BaseUrl) };
        using var wrong = new HttpClient { BaseAddress = new Uri(_app.BaseUrl) };
        wrong.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "not-a-key");

        var (none, body, response) = await SendAsync(HttpMethod.Get, "/api/records/res.partner", client: anonymous);
        var (unknown, _, _) = await SendAsync(HttpMethod.Get, "/api/records/res.partner", client: wrong);

        Assert.Equal(HttpStatusCode.Unauthorized, none);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(401, body!["status"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.Unauthorized, unknown);
    }

    [Fact]
    public async Task Models_ListShowsBuiltIns_CustomModelRoundTrips_BuiltInIsReadOnly()
    {
        var model = "x_lead" + Guid.NewGuid().ToString("N")[..8];
        var (put, _, _) = await SendAsync(HttpMethod.Put, $"/api/admin/models/{model}",
            """{"description":"Lead","fields":{"name":{"type":"char","required":true},"stage":{"type":"selection","selection":[["new","New"],["won","Won"]],"default":"new"},"partner_id":{"type":"many2one","relation":"res.partner"}}}""");
        var (got, definition, _) = await SendAsync(HttpMethod.Get, $"/api/admin/models/{model}");
        var (_, list, _) = await SendAsync(HttpMethod.Get, "/api/admin/models");
        var (builtIn, _, _) = await SendAsync(HttpMethod.Put, "/api/admin/models/res.partner", """{"fields":{}}""");
        var (record, created, _) = await SendAsync(HttpMethod.Post, $"/api/records/{model}", """{"name":"Big deal"}""");

        Assert.Equal(HttpStatusCode.Created, put);
        Assert.Equal(HttpStatusCode.OK, got);
        Assert.Equal("many2one", definition!["fields"]!["partner_id"]!["type"]!.GetValue<string>());
        Assert.Contains(list!.AsArray(), m => m!["name"]!.GetValue<string>() == "sale.order");
        Assert.Equal(HttpStatusCode.Conflict, builtIn);
        Assert.Equal(HttpStatusCode.Created, record);
        Assert.Equal("new", created!["stage"]!.GetValue<string>());
    }

    [Fact]
    public async Task Models_WithAnUnknownRelation_Is400NamingThePath()
    {
        var (status, body, _) = await SendAsync(HttpMethod.Put, "/api/admin/models/x_broken",
            """{"fields":{"thing_id":{"type":"many2one","relation":"no.such.model"}}}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.NotNull(body!["errors"]!["fields.thing_id.relation"]);
    }

    [Fact]
    public async Task SaleOrder_NamedFromTheStarterSequence()
    {
        var partner = await CreatePartnerAsync("Buyer");

        var (status, body, _) = await SendAsync(HttpMethod.Post, "/api/records/sale.order", $$"""{"partner_id":{{partner}}}""");

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Matches("^S[0-9]{5}$", body!["name"]!.GetValue<string>());
        Assert.Equal("draft", body["state"]!.GetValue<string>());
    }
}
