using Automation.Core.Deliveries;
using Automation.Core.Webhooks;
using Automation.Functions.Hosting;

namespace Automation.Functions.Deliveries;

/// <summary>Settings of the outbox and its providers (<c>Automation:Deliveries:*</c>), each with a default, validated at start.</summary>
public sealed record DeliveryOptions
{
    public const string Section = "Automation:Deliveries";

    public const string OutboxOnly = "outbox";

    /// <summary>Delays before each attempt (default Standard Webhooks': 0s,5s,5m,30m,2h,5h,10h,10h).</summary>
    public RetrySchedule Retries { get; init; } = new();

    /// <summary>Time an outgoing HTTP request may take, connection included.</summary>
    public TimeSpan HttpTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How much of a receiver's answer is read (and kept, cut, as the last error).</summary>
    public int MaxResponseBytes { get; init; } = 64 * 1024;

    /// <summary>Networks outgoing HTTP may reach although they are loopback, private, link-local, CGNAT or multicast.</summary>
    public AllowedNetworks AllowedNetworks { get; init; } = AllowedNetworks.Parse([]);

    /// <summary>How long finished deliveries are kept.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(30);

    /// <summary>How long past its due time an unfinished delivery waits before the maintenance timer sends its queue message again.</summary>
    public TimeSpan SweepAfter { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary><c>smtp</c>, or <c>outbox</c> (kept, rendered, visible through the API, not sent). Default: smtp when a host is set.</summary>
    public string EmailProvider { get; init; } = OutboxOnly;

    /// <summary><c>twilio</c> or <c>outbox</c>. Default: twilio when an account is set.</summary>
    public string SmsProvider { get; init; } = OutboxOnly;

    /// <summary><c>cloudapi</c> (Meta's WhatsApp Cloud API) or <c>outbox</c>. Default: cloudapi when a phone number id is set.</summary>
    public string WhatsAppProvider { get; init; } = OutboxOnly;

    /// <summary>Sender of emails whose template sets none.</summary>
    public string EmailFrom { get; init; } = "automation@localhost";

    public static DeliveryOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(Section);
        RetrySchedule retries;
        try
        {
            retries = section[nameof(RetrySchedule)] is { Length: > 0 } schedule ? RetrySchedule.Parse(schedule) : new RetrySchedule();
        }
        catch (FormatException e)
        {
            throw new StartupException($"'{Section}:{nameof(RetrySchedule)}' is not valid: {e.Message}");
        }

        AllowedNetworks allowed;
        try
        {
            allowed = AllowedNetworks.Parse((section[nameof(AllowedNetworks)] ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries));
        }
        catch (FormatException e)
        {
            throw new StartupException($"'{Section}:{nameof(AllowedNetworks)}' is not valid: {e.Message}");
        }

        return new DeliveryOptions
        {
            Retries = retries,
            HttpTimeout = SettingValues.Span(section, nameof(HttpTimeout), TimeSpan.FromSeconds(10)),
            MaxResponseBytes = SettingValues.Int(section, nameof(MaxResponseBytes), 64 * 1024, 1024, 16 * 1024 * 1024),
            AllowedNetworks = allowed,
            Retention = SettingValues.Span(section, nameof(Retention), TimeSpan.FromDays(30)),
            SweepAfter = SettingValues.Span(section, nameof(SweepAfter), TimeSpan.FromMinutes(5)),
            EmailProvider = SettingValues.OneOf(section, nameof(EmailProvider),
                SettingValues.Text(configuration.GetSection(SmtpOptions.Section), nameof(SmtpOptions.Host)) is null ? OutboxOnly : "smtp", "smtp", OutboxOnly),
            SmsProvider = SettingValues.OneOf(section, nameof(SmsProvider),
                SettingValues.Text(configuration.GetSection(TwilioOptions.Section), nameof(TwilioOptions.AccountSid)) is null ? OutboxOnly : "twilio", "twilio", OutboxOnly),
            WhatsAppProvider = SettingValues.OneOf(section, nameof(WhatsAppProvider),
                SettingValues.Text(configuration.GetSection(WhatsAppCloudOptions.Section), nameof(WhatsAppCloudOptions.PhoneNumberId)) is null ? OutboxOnly : "cloudapi",
                "cloudapi", OutboxOnly),
            EmailFrom = SettingValues.Text(section, nameof(EmailFrom)) ?? "automation@localhost",
        };
    }
}
