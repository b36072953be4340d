using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Automation.Testing;

namespace Automation.Functions.Tests.Management;

/// <summary>
/// Issue #10 acceptance: an export from one store imported into an empty one reproduces the same behaviour — both webhook
/// examples of Odoo's documentation work after the import, at new URLs — and importing again changes nothing. Each store
/// is an Azurite of its own, with the quick start's demo records.
/// </summary>
public sealed class ExportImportTests : IAsyncLifetime
{
    private readonly AzuriteFixture _storeA = new();
    private readonly AzuriteFixture _storeB = new();
    private readonly TestAppRoot _rootA = new();
    private readonly TestAppRoot _rootB = new();
    private TestApp _appA = null!;
    private TestApp _appB = null!;
    private HttpClient _a = null!;
    private HttpClient _b = null!;

    private const string CurrencyRule = """
        {"name":"Set the currency to USD","model":"sale.order","trigger":"on_webhook",
         "action_server_ids":[{"name":"Currency: USD","state":"object_write","update_path":"currency_id","value":"1"}]}
        """;

    private const string ContactRule = """
        {"name":"Create a contact","model":"res.partner","trigger":"on_webhook","record_getter":"user.partner_id",
         "webhook_signing_secret":"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
         "action_server_ids":[{"name":"Create the contact","state":"code","code":"contact_name = payload.get('name')\ncontact_email = payload.get('email')\ncontact_phone = payload.get('phone')\nif contact_name and contact_email:\n    new_partner = env['res.partner'].create({\n        'name': contact_name,\n        'email': contact_email,\n        'phone': contact_phone,\n        'company_type': 'person',\n        'customer_rank': 1,\n    })\nelse:\n    raise ValueError(\"Missing required fields: 'name' and 'email'\")"}]}
        """;

    public async Task InitializeAsync()
    {
        await _storeA.InitializeAsync(); // one after the other: two Node processes starting at once on a busy machine can miss Azurite's start deadline
        await _storeB.InitializeAsync();
        _appA = await TestApp.StartAsync(_storeA, _rootA, functionsMode: false, extraArgs: ["--Automation:DemoData=true"]);
        _appB = await TestApp.StartAsync(_storeB, _rootB, functionsMode: false, extraArgs: ["--Automation:DemoData=true"]);
        _a = _appA.Admin();
        _b = _appB.Admin();
    }

    public async Task DisposeAsync()
    {
        _a.Dispose();
        _b.Dispose();
        await _appA.DisposeAsync();
        await _appB.DisposeAsync();
        await Task.WhenAll(_storeA.DisposeAsync(), _storeB.DisposeAsync());
        _rootA.Dispose();
        _rootB.Dispose();
    }

    [Fact]
    public async Task ExportThenImportIntoAnEmptyStore_BothDocumentedWebhooksWork_AtNewUrls_AndASecondImportChangesNothing()
    {
        var urlA = (await SendAsync(_a, HttpMethod.Post, "/api/admin/rules", CurrencyRule, HttpStatusCode.Created))["url"]!.GetValue<string>();
        await SendAsync(_a, HttpMethod.Post, "/api/admin/rules", ContactRule, HttpStatusCode.Created);
        await SendAsync(_a, HttpMethod.Put, "/api/admin/models/x_ticket", """
            {"fields":{"name":{"type":"char"},"qty":{"type":"integer"},"price":{"type":"float"},
             "total":{"type":"float","depends":["qty","price"],"compute":"for record in self:\n    record['total'] = record.qty * record.price"}}}
            """, HttpStatusCode.Created);
        await SendAsync(_a, HttpMethod.Post, "/api/admin/rules", """
            {"name":"Shout","model":"x_ticket","trigger":"on_create","action_server_ids":[{"name":"Up","state":"code","code":"record.write({'name': record.name.upper()})"}]}
            """, HttpStatusCode.Created);
        await SendAsync(_a, HttpMethod.Post, "/api/records/mail.template",
            """{"name":"Order confirmed","model":"sale.order","subject":"Your order {{ object.name }}","body_html":"<p>Thanks</p>"}""", HttpStatusCode.Created);
        await SendAsync(_a, HttpMethod.Post, "/api/records/ir.sequence",
            """{"name":"Tickets","code":"x.ticket","prefix":"T","padding":4,"number_next":40}""", HttpStatusCode.Created);

        using var exported = await _a.GetAsync("/api/admin/export");
        var document = await exported.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, exported.StatusCode);
        Assert.DoesNotContain("whsec_", document, StringComparison.Ordinal);
        Assert.DoesNotContain(urlA[^20..], document, StringComparison.Ordinal);

        var dry = await SendAsync(_b, HttpMethod.Post, "/api/admin/import?dry_run=true", document, HttpStatusCode.OK);
        Assert.Equal(3, dry["rules"]!["created"]!.AsArray().Count);
        Assert.Empty(JsonNode.Parse(await _b.GetStringAsync("/api/admin/rules"))!.AsArray());

        var imported = await SendAsync(_b, HttpMethod.Post, "/api/admin/import", document, HttpStatusCode.OK);
        var created = imported["rules"]!["created"]!.AsArray();
        Assert.Equal(3, created.Count);
        Assert.Empty(imported["conflicts"]!.AsArray());
        Assert.Contains(imported["warnings"]!.AsArray(), w => w!.GetValue<string>().Contains("webhook_signing_secret", StringComparison.Ordinal));
        Assert.Equal(["x_ticket"], imported["models"]!["created"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Single(imported["templates"]!["created"]!.AsArray());
        var hook = created.Single(r => r!["name"]!.GetValue<string>() == "Set the currency to USD")!["url"]!.GetValue<string>();
        var hook2 = created.Single(r => r!["name"]!.GetValue<string>() == "Create a contact")!["url"]!.GetValue<string>();
        Assert.StartsWith(_appB.BaseUrl, hook, StringComparison.Ordinal);
        Assert.NotEqual(urlA, hook);

        // Example 1: sale order 7's currency set to USD.
        var call = await CallAsync(hook, """{"_model":"sale.order","_id":"7"}""");
        Assert.Equal("done", call["status"]!.GetValue<string>());
        Assert.Equal(1, (await SendAsync(_b, HttpMethod.Get, "/api/records/sale.order/7", null, HttpStatusCode.OK))["currency_id"]!.GetValue<long>());

        // Example 2: a contact created by the documentation's Python code (the secret did not travel: the call is unsigned).
        var call2 = await CallAsync(hook2, """{"name":"Lumber Inc","email":"lumber-inc92@example.com","phone":"(828)-316-0593"}""");
        Assert.Equal("done", call2["status"]!.GetValue<string>());
        var partners = await SendAsync(_b, HttpMethod.Get,
            "/api/records/res.partner?domain=%5B('email','=','lumber-inc92@example.com')%5D&fields=name,phone,customer_rank", null, HttpStatusCode.OK);
        Assert.Equal("(828)-316-0593", Assert.Single(partners["records"]!.AsArray())!["phone"]!.GetValue<string>());

        // Importing the same document again: nothing new, nothing in conflict.
        var again = await SendAsync(_b, HttpMethod.Post, "/api/admin/import", document, HttpStatusCode.OK);
        foreach (var kind in new[] { "models", "sequences", "templates", "rules" })
        {
            Assert.Empty(again[kind]!["created"]!.AsArray());
            Assert.Empty(again[kind]!["replaced"]!.AsArray());
        }

        Assert.Equal(3, again["rules"]!["unchanged"]!.AsArray().Count);
        Assert.Empty(again["conflicts"]!.AsArray());
        Assert.Equal(3, JsonNode.Parse(await _b.GetStringAsync("/api/admin/rules"))!.AsArray().Count);

        // A rule changed here is a conflict, left alone; on_conflict=replace overwrites it (same id, same URL).
        var id = created.Single(r => r!["name"]!.GetValue<string>() == "Set the currency to USD")!["id"]!.GetValue<long>();
        await SendAsync(_b, HttpMethod.Patch, $"/api/admin/rules/{id}", """{"description":"changed here"}""", HttpStatusCode.OK);
        var conflicting = await SendAsync(_b, HttpMethod.Post, "/api/admin/import", document, HttpStatusCode.OK);
        var kept = await SendAsync(_b, HttpMethod.Get, $"/api/admin/rules/{id}", null, HttpStatusCode.OK);
        var replaced = await SendAsync(_b, HttpMethod.Post, "/api/admin/import?on_conflict=replace", document, HttpStatusCode.OK);

        Assert.Equal("rule", Assert.Single(conflicting["conflicts"]!.AsArray())!["kind"]!.GetValue<string>());
        Assert.Equal("changed here", kept["description"]!.GetValue<string>());
        Assert.Equal(id, Assert.Single(replaced["rules"]!["replaced"]!.AsArray())!["id"]!.GetValue<long>());
        Assert.Null((await SendAsync(_b, HttpMethod.Get, $"/api/admin/rules/{id}", null, HttpStatusCode.OK))["description"]);
        Assert.Equal("done", (await CallAsync(hook, """{"_model":"sale.order","_id":"3"}"""))["status"]!.GetValue<string>());
    }

    private async Task<JsonNode> CallAsync(string url, string payload)
    {
        using var response = await _appB.Http.PostAsync(url, new StringContent(payload, Encoding.UTF8, "application/json"));
        var id = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        return await SendAsync(_b, HttpMethod.Get, $"/api/admin/calls/{id}?wait=20", null, HttpStatusCode.OK);
    }

    private static async Task<JsonNode> SendAsync(HttpClient client, HttpMethod method, string path, string? body, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path}: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
    }
}
