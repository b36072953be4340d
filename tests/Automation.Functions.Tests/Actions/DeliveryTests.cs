using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Automation.Core.Deliveries;
using Automation.Core.Webhooks;
using Automation.Functions.Deliveries;
using Automation.Functions.Hosting;
using Automation.Storage.Deliveries;
using Automation.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using static Automation.Functions.Tests.Actions.ActionTestApp;

namespace Automation.Functions.Tests.Actions;

/// <summary>
/// Deliveries end to end: actions hand messages to the outbox, the <c>Deliveries</c> queue function sends them to loopback
/// receivers (an HTTP webhook receiver, an SMTP server with STARTTLS and AUTH, fake Twilio and WhatsApp Cloud APIs, a fake
/// OpenAI endpoint), retries on a compressed schedule, and refuses addresses SSRF protection forbids.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class DeliveryTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _owned = [];
    private string _suffix = "";

    public Task InitializeAsync()
    {
        _suffix = Guid.NewGuid().ToString("N")[..8];
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var owned in _owned.AsEnumerable().Reverse())
        {
            await owned.DisposeAsync();
        }
    }

    [Fact]
    public async Task Scenario53_OutgoingWebhook_FailsTwiceThenSucceeds_OnSchedule_SignedAndWithOdoosBody()
    {
        var receiver = await Own(await LoopbackHttp.StartAsync());
        receiver.Respond = (n, _) => n <= 2 ? (500, """{"error":"busy"}""", null) : (200, "{}", null);
        var app = await AppAsync("Automation:Deliveries:AllowedNetworks=127.0.0.1/32", "Automation:Deliveries:RetrySchedule=0s,1s,2s,2s");
        var country = await app.CreateAsync("res.country", """{"name":"Belgium","code":"BE"}""");
        var partner = await app.CreateAsync("res.partner", $$"""{"name":"Hook {{_suffix}}","city":"Gent","country_id":{{country}}}""");
        var secret = StandardWebhooks.NewSecret();
        var url = receiver.BaseUrl + "/hook/" + _suffix;
        var rule = await app.CreateRuleAsync("res.partner", Action("webhook", "Send Webhook Notification", ("webhook_url", url),
            ("webhook_field_ids", new JsonArray("name", "city", "country_id")), ("webhook_signing_secret", secret)));
        var actionId = rule["action_server_ids"]![0]!["id"]!.GetValue<string>();

        await app.RunAsync(rule, partner);
        var delivery = await app.DeliveryAsync(url, d => d["status"]!.GetValue<string>() == "delivered", "the webhook to be delivered");

        var requests = receiver.Requests.ToArray();
        Assert.Equal(3, requests.Length);
        Assert.Equal(3, delivery["attempts"]!.GetValue<int>());
        Assert.True(requests[1].At - requests[0].At >= TimeSpan.FromSeconds(0.9), $"second attempt after {requests[1].At - requests[0].At}");
        Assert.True(requests[2].At - requests[1].At >= TimeSpan.FromSeconds(1.9), $"third attempt after {requests[2].At - requests[1].At}");
        Assert.Equal($$"""{"_action": "Send Webhook Notification(#{{actionId}})", "_id": {{partner}}, "_model": "res.partner", "city": "Gent", "country_id": {{country}}, "id": {{partner}}, "name": "Hook {{_suffix}}"}""",
            requests[2].Body);
        foreach (var request in requests)
        {
            Assert.Null(StandardWebhooks.Verify([StandardWebhooks.DecodeSecret(secret)!], request.Headers["webhook-id"], request.Headers["webhook-timestamp"],
                request.Headers["webhook-signature"], Encoding.UTF8.GetBytes(request.Body), DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
            Assert.Equal(delivery["id"]!.GetValue<string>(), request.Headers["webhook-id"]);
        }
    }

    [Theory]
    [InlineData(300)] // the sweep cannot send a copy before the attempt ends: the first message sends without a claim
    [InlineData(1)] // the sweep may already have sent a copy: every message claims first
    public async Task CopiesOfADeliverysMessage_SendItOnce(int sweepAfterSeconds)
    {
        var receiver = await Own(await LoopbackHttp.StartAsync());
        receiver.Respond = (_, _) =>
        {
            Thread.Sleep(300); // a slow receiver: the copies overlap the attempt
            return (200, "{}", null);
        };
        var table = azurite.Tables.GetTableClient(TableOutbox.TableName);
        var queue = azurite.Queues.GetQueueClient(TableOutbox.QueueName);
        await table.CreateIfNotExistsAsync();
        await queue.CreateIfNotExistsAsync();
        var outbox = new TableOutbox(table, queue, TimeProvider.System);
        var options = new DeliveryOptions { AllowedNetworks = AllowedNetworks.Parse(["127.0.0.1/32"]), SweepAfter = TimeSpan.FromSeconds(sweepAfterSeconds) };
        using var http = new OutboundHttp(options);
        var function = new DeliveriesFunction(outbox, [new WebhookChannel(http, TimeProvider.System)], options, TimeProvider.System,
            NullLogger<DeliveriesFunction>.Instance);
        var url = $"{receiver.BaseUrl}/copies/{_suffix}";
        var id = await outbox.EnqueueAsync(new DeliveryRequest
        {
            Kind = DeliveryKinds.Webhook,
            IdempotencyKey = DeliveryRequest.KeyOf("copies", _suffix + sweepAfterSeconds),
            Message = new JsonObject { ["url"] = url, ["body"] = "{}" },
            Target = url,
        }, CancellationToken.None);

        // The queue's own message first (it never runs twice at once); then, while it sends, the copies a sweep could add.
        var first = function.RunAsync(new QueueTrigger(id, "first", 1, DateTimeOffset.UtcNow), CancellationToken.None);
        if (sweepAfterSeconds == 1)
        {
            await Task.WhenAll(Enumerable.Range(0, 3).Select(i => function.RunAsync(new QueueTrigger(id, $"copy{i}", 1, DateTimeOffset.UtcNow), CancellationToken.None)));
        }

        await first;
        await function.RunAsync(new QueueTrigger(id, "late", 1, DateTimeOffset.UtcNow), CancellationToken.None);

        Assert.Single(receiver.Requests);
        var delivery = await outbox.GetAsync(id, CancellationToken.None);
        Assert.Equal((DeliveryStatuses.Delivered, 1), (delivery!.Status, delivery.Attempts));
    }

    [Fact]
    public async Task Webhook_410Gone_StopsWithoutRetrying_AndTheRunStillSucceeds()
    {
        var receiver = await Own(await LoopbackHttp.StartAsync());
        receiver.Respond = (_, _) => (410, "{}", null);
        var app = await AppAsync("Automation:Deliveries:AllowedNetworks=127.0.0.1/32", "Automation:Deliveries:RetrySchedule=0s,1s,1s");
        var partner = await app.CreateAsync("res.partner", $$"""{"name":"Gone {{_suffix}}"}""");
        var url = receiver.BaseUrl + "/gone/" + _suffix;
        var rule = await app.CreateRuleAsync("res.partner", Action("webhook", "Notify", ("webhook_url", url)));

        await app.RunAsync(rule, partner);
        var delivery = await app.DeliveryAsync(url, d => d["status"]!.GetValue<string>() == "failed", "the 410 to stop the delivery");

        Assert.Equal(1, delivery["attempts"]!.GetValue<int>());
        Assert.Equal("410", delivery["last_status"]!.GetValue<string>());
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task Webhook_RetryAfter_IsHonoured()
    {
        var receiver = await Own(await LoopbackHttp.StartAsync());
        receiver.Respond = (n, _) => n == 1 ? (503, "{}", new Dictionary<string, string> { ["Retry-After"] = "3" }) : (200, "{}", null);
        var app = await AppAsync("Automation:Deliveries:AllowedNetworks=127.0.0.1/32", "Automation:Deliveries:RetrySchedule=0s,0s,0s");
        var partner = await app.CreateAsync("res.partner", $$"""{"name":"Later {{_suffix}}"}""");
        var url = receiver.BaseUrl + "/later/" + _suffix;
        var rule = await app.CreateRuleAsync("res.partner", Action("webhook", "Notify", ("webhook_url", url)));

        await app.RunAsync(rule, partner);
        await app.DeliveryAsync(url, d => d["status"]!.GetValue<string>() == "delivered", "the delivery after Retry-After");

        var requests = receiver.Requests.ToArray();
        Assert.True(requests[1].At - requests[0].At >= TimeSpan.FromSeconds(2.9), $"retried after {requests[1].At - requests[0].At}");
    }

    [Fact]
    public async Task Ssrf_ForbiddenAddressesNamesAndRedirects_AreRefusedWithTheReasonRecorded()
    {
        var receiver = await Own(await LoopbackHttp.StartAsync());
        receiver.Respond = (_, request) => (307, "", new Dictionary<string, string>
        {
            ["Location"] = "http://127.0.0.2:" + new Uri(receiver.BaseUrl).Port.ToString(CultureInfo.InvariantCulture) + "/inside",
        });
        var app = await AppAsync("Automation:Deliveries:AllowedNetworks=127.0.0.1/32"); // only the receiver's address
        var partner = await app.CreateAsync("res.partner", $$"""{"name":"Ssrf {{_suffix}}"}""");
        string[] forbidden =
        [
            "http://[::1]:9/", "http://10.0.0.1:9/", "http://169.254.169.254/latest/meta-data/", "http://100.64.0.1:9/",
            receiver.BaseUrl + "/redirect",
        ];
        var rule = await app.CreateRuleAsync("res.partner",
            forbidden.Select((url, i) => Action("webhook", "Hook " + i, ("sequence", i), ("webhook_url", url + "?t=" + _suffix))).ToArray());

        await app.RunAsync(rule, partner);

        foreach (var url in forbidden.Select(u => u + "?t=" + _suffix))
        {
            var delivery = await app.DeliveryAsync(url, d => d["status"]!.GetValue<string>() == "failed", "the refusal of " + url);
            Assert.True(delivery["last_error"]!.GetValue<string>().StartsWith("Refused: ", StringComparison.Ordinal) && delivery["attempts"]!.GetValue<int>() == 1,
                delivery.ToJsonString());
        }

        Assert.Single(receiver.Requests); // the redirect was asked for, its target never
    }

    [Fact]
    public async Task Ssrf_LoopbackAndANameResolvingToIt_AreRefusedWithoutAnAllowList()
    {
        var app = await AppAsync();
        var partner = await app.CreateAsync("res.partner", $$"""{"name":"Strict {{_suffix}}"}""");
        var literal = $"http://127.0.0.1:9/?t={_suffix}";
        var name = $"http://localhost:9/?t={_suffix}";
        var rule = await app.CreateRuleAsync("res.partner", Action("webhook", "Loopback", ("webhook_url", literal)),
            Action("webhook", "By name", ("sequence", 6), ("webhook_url", name)));

        await app.RunAsync(rule, partner);
        var byAddress = await app.DeliveryAsync(literal, d => d["status"]!.GetValue<string>() == "failed", "the refusal of " + literal);
        var byName = await app.DeliveryAsync(name, d => d["status"]!.GetValue<string>() == "failed", "the refusal of " + name);

        Assert.Equal("Refused: 127.0.0.1 is in a loopback range (127.0.0.0/8), which outgoing requests may not reach (setting Automation:Deliveries:AllowedNetworks allows it).",
            byAddress["last_error"]!.GetValue<string>());
        Assert.StartsWith("Refused: localhost resolves to ", byName["last_error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Email_DeliveredOverStartTlsWithAuth_ToALoopbackSmtpServer_AfterATransientFailure()
    {
        var smtp = await Own(new LoopbackSmtp("mailer", "s3cret", transientFailures: 1));
        var app = await AppAsync("Automation:Deliveries:RetrySchedule=0s,1s,1s", "Automation:Deliveries:Smtp:Host=127.0.0.1",
            $"Automation:Deliveries:Smtp:Port={smtp.Port}", "Automation:Deliveries:Smtp:Username=mailer", "Automation:Deliveries:Smtp:Password=s3cret",
            $"Automation:Deliveries:Smtp:TrustedCertificate={smtp.Thumbprint}", "Automation:Deliveries:EmailFrom=Automation <robot@example.com>");
        var partner = await app.CreateAsync("res.partner", $$"""{"name":"Zoë {{_suffix}}","email":"zoe{{_suffix}}@example.com"}""");
        var template = await app.CreateAsync("mail.template", """
            {"name":"Welcome","model":"res.partner","subject":"Welcome {{ object.name }}","body_html":"<p>Dear {{ object.name }},</p>\n.<p>Bye</p>",
             "email_to":"{{ object.email }}","email_cc":"audit@example.com"}
            """);
        var rule = await app.CreateRuleAsync("res.partner", Action("mail_post", "Welcome", ("template_id", template), ("mail_post_method", "email")));

        await app.RunAsync(rule, partner);
        var delivery = await app.DeliveryAsync($"zoe{_suffix}@example.com", d => d["status"]!.GetValue<string>() == "delivered", "the email");

        var mail = Assert.Single(smtp.Received);
        Assert.True(mail.Tls);
        Assert.Equal("mailer", mail.User);
        Assert.Equal("robot@example.com", mail.From);
        Assert.Equal([$"zoe{_suffix}@example.com", "audit@example.com"], mail.To);
        Assert.Contains("Subject: =?utf-8?B?", mail.Data, StringComparison.Ordinal);
        var html = Encoding.UTF8.GetString(Convert.FromBase64String(string.Concat(mail.Data.Split("Content-Type: text/html; charset=utf-8\r\n")[1]
            .Split("\r\n\r\n")[1].Split("--")[0].Split("\r\n"))));
        Assert.Equal($"<p>Dear Zoë {_suffix},</p>\n.<p>Bye</p>", html);
        Assert.Equal(2, delivery["attempts"]!.GetValue<int>());
        Assert.StartsWith("250", delivery["last_status"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sms_AndWhatsApp_GoThroughTheirProviders_AndLogANote()
    {
        var twilio = await Own(await LoopbackHttp.StartAsync());
        twilio.Respond = (_, _) => (201, """{"sid":"SM123","status":"queued"}""", null);
        var meta = await Own(await LoopbackHttp.StartAsync());
        meta.Respond = (_, _) => (200, """{"messages":[{"id":"wamid.1"}]}""", null);
        var app = await AppAsync("Automation:Deliveries:AllowedNetworks=127.0.0.1/32",
            $"Automation:Deliveries:Twilio:BaseUrl={twilio.BaseUrl}", "Automation:Deliveries:Twilio:AccountSid=AC123",
            "Automation:Deliveries:Twilio:AuthToken=token", "Automation:Deliveries:Twilio:From=+15550001111",
            $"Automation:Deliveries:WhatsApp:BaseUrl={meta.BaseUrl}/v21.0", "Automation:Deliveries:WhatsApp:PhoneNumberId=4242",
            "Automation:Deliveries:WhatsApp:AccessToken=wa-token");
        var phone = "+3247" + _suffix[..6].Select(c => (char)('0' + (c % 10))).Aggregate("", (s, c) => s + c);
        var partner = await app.CreateAsync("res.partner", $$"""{"name":"Texted {{_suffix}}","mobile":"{{phone}}"}""");
        var sms = await app.CreateAsync("sms.template", """{"name":"Hi","model":"res.partner","body":"Hi {{ object.name }}"}""");
        var wa = await app.CreateAsync("whatsapp.template", """{"name":"Hello","model":"res.partner","body":"Hello {{ object.name }}"}""");
        var rule = await app.CreateRuleAsync("res.partner",
            Action("sms", "SMS", ("sms_template_id", sms), ("sms_method", "comment")),
            Action("whatsapp", "WhatsApp", ("sequence", 6), ("wa_template_id", wa)));

        await app.RunAsync(rule, partner);
        foreach (var kind in new[] { "sms", "whatsapp" })
        {
            await Eventually.MatchAsync(async () => JsonNode.Parse(await app.Http.GetStringAsync($"/api/admin/deliveries?kind={kind}&limit=1000"))!["deliveries"]!
                    .AsArray().FirstOrDefault(d => d!["target"]!.GetValue<string>() == phone)?["status"]?.GetValue<string>(),
                status => status is "delivered" or "failed", TimeSpan.FromSeconds(30), $"the {kind} message to be sent");
        }

        var text = Assert.Single(twilio.Requests);
        Assert.Equal("/2010-04-01/Accounts/AC123/Messages.json", text.Path);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("AC123:token")), text.Headers["Authorization"]);
        Assert.Contains("Body=Hi+Texted+" + _suffix, text.Body, StringComparison.Ordinal);
        Assert.Contains("From=%2B15550001111", text.Body, StringComparison.Ordinal);
        var whatsapp = Assert.Single(meta.Requests);
        Assert.Equal("/v21.0/4242/messages", whatsapp.Path);
        Assert.Equal("Bearer wa-token", whatsapp.Headers["Authorization"]);
        var body = JsonNode.Parse(whatsapp.Body)!;
        Assert.Equal(("whatsapp", "text", $"Hello Texted {_suffix}"),
            (body["messaging_product"]!.GetValue<string>(), body["type"]!.GetValue<string>(), body["text"]!["body"]!.GetValue<string>()));
        Assert.Equal(2, (await app.SearchAsync("mail.message", $"[('model','=','res.partner'),('res_id','=',{partner}),('subtype','=','note')]")).Count);
    }

    [Fact]
    public async Task UpdateWithAi_AsksTheEndpoint_AndIsRefusedAtSaveTimeWhenNoneIsConfigured()
    {
        var openai = await Own(await LoopbackHttp.StartAsync());
        openai.Respond = (_, _) => (200, """{"choices":[{"message":{"role":"assistant","content":"Belgium"}}]}""", null);
        var app = await AppAsync("Automation:Deliveries:AllowedNetworks=127.0.0.1/32", $"Automation:Ai:Endpoint={openai.BaseUrl}/v1",
            "Automation:Ai:ApiKey=sk-test", "Automation:Ai:Model=test-model");
        var off = await AppAsync();
        var partner = await app.CreateAsync("res.partner", $$"""{"name":"Brussels office {{_suffix}}"}""");
        var action = Action("object_write", "Guess the country", ("update_path", "comment"), ("evaluation_type", "ai_computed"),
            ("ai_update_prompt", "In which country is {{ object.name }}?"));
        var rule = await app.CreateRuleAsync("res.partner", action);

        await app.RunAsync(rule, partner);
        var refused = await off.RefusedRuleAsync("res.partner", "on_webhook", (JsonObject)action.DeepClone());

        Assert.Equal("Belgium", (await app.ReadAsync("res.partner", partner))["comment"]!.GetValue<string>());
        var request = Assert.Single(openai.Requests);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal("Bearer sk-test", request.Headers["Authorization"]);
        var body = JsonNode.Parse(request.Body)!;
        Assert.Equal("test-model", body["model"]!.GetValue<string>());
        Assert.Contains($"In which country is Brussels office {_suffix}?", body["messages"]![1]!["content"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(Core.Rules.ActionSaveCheck.AiNotConfigured, refused["action_server_ids.0.evaluation_type"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task OutboxOnly_KeepsTheRenderedEmailVisible()
    {
        var app = await AppAsync();
        var partner = await app.CreateAsync("res.partner", $$"""{"name":"Kept {{_suffix}}","email":"kept{{_suffix}}@example.com"}""");
        var template = await app.CreateAsync("mail.template", """{"name":"Kept","model":"res.partner","subject":"For {{ object.name }}","partner_to":"{{ object.id }}"}""");
        var rule = await app.CreateRuleAsync("res.partner", Action("mail_post", "Mail", ("template_id", template), ("mail_post_method", "email")));

        await app.RunAsync(rule, partner);
        var delivery = await app.DeliveryAsync($"kept{_suffix}@example.com", d => d["status"]!.GetValue<string>() == "held", "the held email");

        Assert.Equal($"For Kept {_suffix}", delivery["message"]!["subject"]!.GetValue<string>());
        Assert.Equal($"Kept {_suffix}", delivery["message"]!["to"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("email", (await app.SendAsync(HttpMethod.Get, $"/api/admin/deliveries/{delivery["id"]}", null, HttpStatusCode.OK))!["kind"]!.GetValue<string>());
    }

    private async Task<ActionTestApp> AppAsync(params string[] settings) => await Own(await StartAsync(azurite, settings));

    private Task<T> Own<T>(T owned)
        where T : IAsyncDisposable
    {
        _owned.Add(owned);
        return Task.FromResult(owned);
    }
}
