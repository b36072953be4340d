using System.Globalization;
using Automation.Core.Webhooks;
using Automation.Functions.Hosting;

namespace Automation.Functions.Webhooks;

/// <summary>Settings of the webhook endpoint (<c>Automation:Webhooks:*</c>), each with a default, validated at start.</summary>
public sealed record WebhookOptions
{
    public const string Section = "Automation:Webhooks";

    /// <summary>Body limit of rules that set none (API.md: 256 KiB).</summary>
    public int MaxBodyBytes { get; init; } = 256 * 1024;

    /// <summary>Deepest JSON nesting a payload may have.</summary>
    public int MaxJsonDepth { get; init; } = 64;

    /// <summary>How far <c>webhook-timestamp</c> may be from now (Standard Webhooks recommends 5 minutes).</summary>
    public TimeSpan SignatureTolerance { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Proxies in front of the app that append the caller to <c>X-Forwarded-For</c>. The client address is the entry
    /// this many places from the right; 0 uses the socket's address. Functions mode: 1 (the platform's front end).
    /// </summary>
    public int TrustedProxyHops { get; init; }

    /// <summary>Base of the webhook URLs shown to admins (e.g. <c>https://automation.example.com</c>); default: from the request.</summary>
    public string? PublicBaseUrl { get; init; }

    /// <summary>How often an instance checks for rule and token changes made on other instances.</summary>
    public TimeSpan DirectoryRefresh { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Calls per minute per rule for rules that set no <c>webhook_rate_limit_per_minute</c>; 0 = no limit (as Odoo).</summary>
    public int DefaultRateLimitPerMinute { get; init; }

    /// <summary>How long "Log Calls" lines are kept.</summary>
    public TimeSpan LogRetention { get; init; } = TimeSpan.FromDays(30);

    public static WebhookOptions FromConfiguration(IConfiguration configuration, HostingMode mode)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(Section);
        var options = new WebhookOptions
        {
            MaxBodyBytes = Get(section, nameof(MaxBodyBytes), 256 * 1024, 1, WebhookGuards.MaxBodyBytesLimit),
            MaxJsonDepth = Get(section, nameof(MaxJsonDepth), 64, 1, 1000),
            SignatureTolerance = Span(section, nameof(SignatureTolerance), TimeSpan.FromMinutes(5)),
            TrustedProxyHops = Get(section, nameof(TrustedProxyHops), mode == HostingMode.Functions ? 1 : 0, 0, 10),
            PublicBaseUrl = section[nameof(PublicBaseUrl)] is { Length: > 0 } url ? Url(url) : null,
            DirectoryRefresh = Span(section, nameof(DirectoryRefresh), TimeSpan.FromSeconds(1)),
            DefaultRateLimitPerMinute = Get(section, nameof(DefaultRateLimitPerMinute), 0, 0, WebhookGuards.MaxRateLimitPerMinute),
            LogRetention = Span(section, nameof(LogRetention), TimeSpan.FromDays(30)),
        };
        return options;
    }

    private static int Get(IConfigurationSection section, string name, int fallback, int min, int max)
    {
        var raw = section[name];
        if (string.IsNullOrEmpty(raw))
        {
            return fallback;
        }

        return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new StartupException(string.Create(CultureInfo.InvariantCulture,
                $"'{Section}:{name}' is '{raw}'; it must be an integer from {min} to {max}."));
    }

    private static TimeSpan Span(IConfigurationSection section, string name, TimeSpan fallback)
    {
        var raw = section[name];
        if (string.IsNullOrEmpty(raw))
        {
            return fallback;
        }

        return TimeSpan.TryParse(raw, CultureInfo.InvariantCulture, out var value) && value > TimeSpan.Zero
            ? value
            : throw new StartupException($"'{Section}:{name}' is '{raw}'; it must be a positive time span (hh:mm:ss or d.hh:mm:ss).");
    }

    private static string Url(string raw) =>
        Uri.TryCreate(raw, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? raw.TrimEnd('/')
            : throw new StartupException($"'{Section}:{nameof(PublicBaseUrl)}' is '{raw}'; it must be an absolute http(s) URL.");
}
