using System.Globalization;
using System.Text.Json.Nodes;
using Automation.Core.Records;
using Automation.Core.Rules;

namespace Automation.Core.Webhooks;

/// <summary>
/// A webhook rule's optional guards (API.md "Rules": <c>webhook_*</c>): payload JSON Schema, Standard Webhooks signing
/// secrets, IP allow-list, body-size limit and rate limit. Odoo has none of them (spec §4.1: the URL is the only secret).
/// </summary>
public sealed record WebhookGuards
{
    public const string PayloadSchemaKey = "webhook_payload_schema";
    public const string SigningSecretKey = "webhook_signing_secret";
    public const string AllowedIpsKey = "webhook_allowed_ips";
    public const string MaxBodyBytesKey = "webhook_max_body_bytes";
    public const string RateLimitKey = "webhook_rate_limit_per_minute";

    /// <summary>The largest body a rule may accept: its claim-check entities must fit one 4 MiB table transaction.</summary>
    public const int MaxBodyBytesLimit = 1024 * 1024;

    public const int MaxRateLimitPerMinute = 1_000_000;

    /// <summary>Secrets a rule may hold at once: the current one and those being rotated out.</summary>
    public const int MaxSigningSecrets = 4;

    public static readonly IReadOnlySet<string> Keys = new HashSet<string>(StringComparer.Ordinal)
    {
        PayloadSchemaKey, SigningSecretKey, AllowedIpsKey, MaxBodyBytesKey, RateLimitKey,
    };

    public static readonly WebhookGuards None = new();

    public PayloadSchema? PayloadSchema { get; init; }

    public IReadOnlyList<byte[]> SigningKeys { get; init; } = [];

    public AllowedNetworks? AllowedIps { get; init; }

    public int? MaxBodyBytes { get; init; }

    public int? RateLimitPerMinute { get; init; }

    /// <summary>The guards of <paramref name="rule"/>; errors keyed by field. Call it at save time; stored rules parse cleanly.</summary>
    public static WebhookGuards Parse(AutomationRule rule, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(errors);
        var extra = rule.Extra;
        foreach (var (key, _) in extra)
        {
            if (!Keys.Contains(key) && key != Time.TimeRuleSpec.RetroactiveKey) // the time rules' own option (TimeRuleValidator)
            {
                errors.Add(key, $"Unknown rule field '{key}'. Webhook guards: {string.Join(", ", Keys.Order(StringComparer.Ordinal))}.");
            }
        }

        return new WebhookGuards
        {
            PayloadSchema = Schema(extra[PayloadSchemaKey], errors),
            SigningKeys = Secrets(extra[SigningSecretKey], errors),
            AllowedIps = Networks(extra[AllowedIpsKey], errors),
            MaxBodyBytes = Int(extra, MaxBodyBytesKey, 1, MaxBodyBytesLimit, errors),
            RateLimitPerMinute = Int(extra, RateLimitKey, 1, MaxRateLimitPerMinute, errors),
        };
    }

    private static PayloadSchema? Schema(JsonNode? node, FieldErrors errors)
    {
        if (node is null)
        {
            return null;
        }

        var text = node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node.ToJsonString();
        if (node is not JsonObject && !(text.TrimStart().StartsWith('{')))
        {
            errors.Add(PayloadSchemaKey, "Expected a JSON Schema object.");
            return null;
        }

        try
        {
            return PayloadSchema.Parse(text);
        }
        catch (FormatException e)
        {
            errors.Add(PayloadSchemaKey, e.Message);
            return null;
        }
    }

    private static List<byte[]> Secrets(JsonNode? node, FieldErrors errors)
    {
        var values = Strings(node, SigningSecretKey, errors);
        if (values.Count > MaxSigningSecrets)
        {
            errors.Add(SigningSecretKey, $"At most {MaxSigningSecrets} signing secrets (the current one and those being rotated out).");
            return [];
        }

        var keys = new List<byte[]>();
        foreach (var value in values)
        {
            if (StandardWebhooks.DecodeSecret(value) is { } key)
            {
                keys.Add(key);
            }
            else
            {
                errors.Add(SigningSecretKey,
                    $"A signing secret is '{StandardWebhooks.SecretPrefix}' followed by 24 to 64 random bytes in base64 (Standard Webhooks), " +
                    $"for example {StandardWebhooks.NewSecret()}");
                return [];
            }
        }

        return keys;
    }

    private static AllowedNetworks? Networks(JsonNode? node, FieldErrors errors)
    {
        if (node is null)
        {
            return null;
        }

        var values = Strings(node, AllowedIpsKey, errors);
        if (values.Count > AllowedNetworks.MaxEntries)
        {
            errors.Add(AllowedIpsKey, $"At most {AllowedNetworks.MaxEntries} entries.");
            return null;
        }

        try
        {
            return AllowedNetworks.Parse(values);
        }
        catch (FormatException e)
        {
            errors.Add(AllowedIpsKey, e.Message);
            return null;
        }
    }

    /// <summary>A string or a list of strings.</summary>
    private static List<string> Strings(JsonNode? node, string key, FieldErrors errors)
    {
        switch (node)
        {
            case null:
                return [];
            case JsonValue v when v.TryGetValue<string>(out var one):
                return [one];
            case JsonArray array when array.All(n => n is JsonValue e && e.TryGetValue<string>(out _)):
                return array.Select(n => n!.GetValue<string>()).ToList();
            default:
                errors.Add(key, "Expected a string or a list of strings.");
                return [];
        }
    }

    private static int? Int(JsonObject extra, string key, int min, int max, FieldErrors errors)
    {
        var node = extra[key];
        if (node is null)
        {
            return null;
        }

        if (node is JsonValue v && v.TryGetValue<long>(out var value) && value >= min && value <= max)
        {
            return (int)value;
        }

        errors.Add(key, string.Create(CultureInfo.InvariantCulture, $"Expected an integer from {min} to {max}."));
        return null;
    }
}
