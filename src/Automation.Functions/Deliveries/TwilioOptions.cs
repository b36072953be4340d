namespace Automation.Functions.Deliveries;

/// <summary>Twilio's Messages API for SMS (<c>Automation:Deliveries:Twilio:*</c>).</summary>
public sealed record TwilioOptions
{
    public const string Section = "Automation:Deliveries:Twilio";

    public string? AccountSid { get; init; }

    public string? AuthToken { get; init; }

    /// <summary>The sending number (E.164) or messaging service.</summary>
    public string? From { get; init; }

    public Uri BaseUrl { get; init; } = new("https://api.twilio.com/");

    public static TwilioOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(Section);
        return new TwilioOptions
        {
            AccountSid = SettingValues.Text(section, nameof(AccountSid)),
            AuthToken = SettingValues.Text(section, nameof(AuthToken)),
            From = SettingValues.Text(section, nameof(From)),
            BaseUrl = SettingValues.Url(section, nameof(BaseUrl), "https://api.twilio.com/"),
        };
    }
}
