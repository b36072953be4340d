using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Automation.Core.Records;
using Automation.Core.Rules;
using Automation.Core.Webhooks;

namespace Automation.Core.Tests.Webhooks;

public sealed class StandardWebhooksTests
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-22T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private static string? Verify(string signature, long timestamp, string body = "{}", params byte[][] keys) =>
        StandardWebhooks.Verify(keys.Length == 0 ? [Key] : keys, "msg_1", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture), signature,
            Encoding.UTF8.GetBytes(body), Now, TimeSpan.FromMinutes(5));

    [Fact]
    public void Verify_SignatureOfTheSameContent_Passes()
    {
        var ts = Now.ToUnixTimeSeconds();
        Assert.Null(Verify(StandardWebhooks.Sign(Key, "msg_1", ts, "{}"u8), ts));
    }

    [Fact]
    public void Verify_KnownVector_MatchesTheStandardWebhooksReference()
    {
        // The reference libraries' test vector: secret MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw, id msg_p5jXN8AQM9LWM0D4loKWxJek,
        // timestamp 1614265330, body {"test": 2432232314}.
        var key = Convert.FromBase64String("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        var signature = StandardWebhooks.Sign(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, """{"test": 2432232314}"""u8);
        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
    }

    [Fact]
    public void Verify_StaleOrFutureTimestamp_Fails()
    {
        var old = Now.AddMinutes(-6).ToUnixTimeSeconds();
        var future = Now.AddMinutes(6).ToUnixTimeSeconds();
        Assert.Contains("old", Verify(StandardWebhooks.Sign(Key, "msg_1", old, "{}"u8), old), StringComparison.Ordinal);
        Assert.Contains("future", Verify(StandardWebhooks.Sign(Key, "msg_1", future, "{}"u8), future), StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_OtherBodyOtherKeyOrGarbage_Fails_AnyMatchingSignatureOfSeveralPasses()
    {
        var ts = Now.ToUnixTimeSeconds();
        var good = StandardWebhooks.Sign(Key, "msg_1", ts, "{}"u8);
        var other = StandardWebhooks.Sign(new byte[32], "msg_1", ts, "{}"u8);
        Assert.NotNull(Verify(good, ts, "{ }"));
        Assert.NotNull(Verify(other, ts));
        Assert.NotNull(Verify("v1,not-base64!", ts));
        Assert.NotNull(Verify("v1a,abc " + other, ts));
        Assert.Null(Verify("v1a,abc " + other + " " + good, ts));
        Assert.Null(Verify(other, ts, "{}", Key, new byte[32])); // a second (rotating) secret
    }

    [Theory]
    [InlineData(null)]
    [InlineData("secret")]
    [InlineData("whsec_")]
    [InlineData("whsec_c2hvcnQ=")]
    public void DecodeSecret_NotAStandardWebhooksSecret_IsNull(string? secret) => Assert.Null(StandardWebhooks.DecodeSecret(secret));

    [Fact]
    public void NewSecret_Decodes() => Assert.Equal(32, StandardWebhooks.DecodeSecret(StandardWebhooks.NewSecret())!.Length);
}

public sealed class AllowedNetworksTests
{
    [Theory]
    [InlineData("203.0.113.7", true)]
    [InlineData("203.0.114.1", false)]
    [InlineData("10.200.3.4", true)]
    [InlineData("::ffff:10.1.2.3", true)]
    [InlineData("2001:db8::42", true)]
    [InlineData("2001:db9::1", false)]
    [InlineData("198.51.100.7", true)]
    public void Contains_AddressesAndRanges(string address, bool allowed)
    {
        var networks = AllowedNetworks.Parse(["203.0.113.0/24", "10.0.0.0/8", "2001:db8::/32", " 198.51.100.7 "]);
        Assert.Equal(allowed, networks.Contains(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("10.0.0.0/")]
    [InlineData("10.0.0.0/33")]
    [InlineData("example.com")]
    public void Parse_Invalid_ThrowsWithTheEntry(string entry) =>
        Assert.Contains(entry, Assert.Throws<FormatException>(() => AllowedNetworks.Parse([entry])).Message, StringComparison.Ordinal);
}

public sealed class WebhookPayloadTests
{
    private static WebhookPayload.Result Build(string body, params (string, string)[] query) =>
        WebhookPayload.Build(Encoding.UTF8.GetBytes(body), query.Select(q => new KeyValuePair<string, string>(q.Item1, q.Item2)).ToList(), 8);

    [Fact]
    public void JsonBody_IsThePayload_QueryIgnored() => Assert.Equal("""{"a": 1}""", Build("""{"a": 1}""", ("b", "2")).Json);

    [Fact]
    public void JsonArrayOrScalar_PassesThroughAsOdooDoes() => Assert.Equal("[1,2]", Build("[1,2]").Json);

    [Fact]
    public void EmptyBody_QueryStringsFirstValue() =>
        Assert.Equal("""{"name":"some name","x":"1"}""", Build("", ("name", "some name"), ("x", "1"), ("x", "2")).Json);

    [Fact]
    public void EmptyBodyAndNoQuery_IsAnEmptyObject() => Assert.Equal("{}", Build("  \n").Json);

    [Fact]
    public void NotJsonWithoutQuery_IsAnError_WithQuery_TheQuery()
    {
        Assert.Contains("not JSON", Build("a=b").Error, StringComparison.Ordinal);
        Assert.Equal("""{"q":"1"}""", Build("a=b", ("q", "1")).Json);
    }

    [Fact]
    public void ByteOrderMark_IsSkipped() => Assert.Equal("""{"a":1}""", WebhookPayload.Build([0xEF, 0xBB, 0xBF, .. """{"a":1}"""u8], [], 8).Json);

    [Fact]
    public void TooDeep_IsAnError_EvenWithQuery()
    {
        Assert.Equal("The JSON body is nested deeper than 8 levels.", Build(new string('[', 9) + new string(']', 9), ("q", "1")).Error);
        Assert.NotNull(Build(new string('[', 8) + new string(']', 8)).Json);
    }
}

public sealed class PayloadSchemaTests
{
    [Fact]
    public void Validate_ListsEachErrorWithItsPath()
    {
        var schema = PayloadSchema.Parse("""
            {"type":"object","required":["name"],"properties":{"items":{"type":"array","items":{"type":"object","properties":{"qty":{"type":"integer"}}}}}}
            """);

        var errors = schema.Validate("""{"items":[{"qty":1},{"qty":"two"}]}""", 64);

        Assert.Contains(new SchemaError("$.name", "The property 'name' is required."), errors);
        Assert.Contains(new SchemaError("$.items[1].qty", "Expected an integer."), errors);
        Assert.Empty(schema.Validate("""{"name":"x","items":[]}""", 64));
    }

    [Fact]
    public void Validate_DateLikeStringsStayStrings() =>
        Assert.Empty(PayloadSchema.Parse("""{"properties":{"d":{"type":"string","format":"date-time"}}}""").Validate("""{"d":"2026-11-22T09:00:00Z"}""", 64));

    [Theory]
    [InlineData("""{"$ref":"file:///etc/passwd"}""")]
    [InlineData("""{"$ref":"https://example.com/s.json"}""")]
    [InlineData("""{"type": 5""")]
    public void Parse_ExternalReferencesAndBrokenSchemas_AreRefused(string json) => Assert.Throws<FormatException>(() => PayloadSchema.Parse(json));
}

public sealed class CallIdsTests
{
    [Fact]
    public void Read_IssuedId_GivesRuleAndTime_TamperedOrForeign_IsNull()
    {
        var ids = new CallIds(new byte[32]);
        var at = new DateTime(2026, 11, 22, 9, 0, 0, DateTimeKind.Utc);
        var id = ids.NewId(42, at);

        Assert.Equal((42L, at), ids.Read(id));
        Assert.Equal('-', id[19]); // run keys sort by it (RuleRun.KeyFor)
        Assert.Null(ids.Read(id.Replace("-42-", "-43-", StringComparison.Ordinal)));
        Assert.Null(new CallIds(new byte[] { 1 }).Read(id));
        Assert.Null(ids.Read("nonsense"));
    }
}

public sealed class WebhookGuardsTests
{
    private static (WebhookGuards Guards, FieldErrors Errors) Parse(string extra)
    {
        var errors = new FieldErrors();
        var rule = new AutomationRule { Name = "r", Model = "res.partner", Trigger = Triggers.OnWebhook, Extra = JsonNode.Parse(extra)!.AsObject() };
        return (WebhookGuards.Parse(rule, errors), errors);
    }

    [Fact]
    public void Parse_AllGuards()
    {
        var (guards, errors) = Parse($$"""
            {"webhook_payload_schema":{"type":"object"},"webhook_signing_secret":["{{StandardWebhooks.NewSecret()}}","{{StandardWebhooks.NewSecret()}}"],
             "webhook_allowed_ips":"10.0.0.0/8","webhook_max_body_bytes":1024,"webhook_rate_limit_per_minute":60}
            """);

        Assert.True(errors.IsEmpty, errors.ToString());
        Assert.NotNull(guards.PayloadSchema);
        Assert.Equal(2, guards.SigningKeys.Count);
        Assert.Equal(1, guards.AllowedIps!.Count);
        Assert.Equal((1024, 60), (guards.MaxBodyBytes, guards.RateLimitPerMinute));
    }

    [Theory]
    [InlineData("""{"webhook_unknown": 1}""", "webhook_unknown")]
    [InlineData("""{"webhook_signing_secret": "plain"}""", "webhook_signing_secret")]
    [InlineData("""{"webhook_allowed_ips": ["300.1.1.1"]}""", "webhook_allowed_ips")]
    [InlineData("""{"webhook_max_body_bytes": 2000000}""", "webhook_max_body_bytes")]
    [InlineData("""{"webhook_rate_limit_per_minute": 0}""", "webhook_rate_limit_per_minute")]
    [InlineData("""{"webhook_payload_schema": "not a schema"}""", "webhook_payload_schema")]
    public void Parse_InvalidGuard_IsKeyedByItsField(string extra, string key) =>
        Assert.Contains(key, Parse(extra).Errors.ToDictionary().Keys);
}
