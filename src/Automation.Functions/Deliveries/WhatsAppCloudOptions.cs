namespace Automation.Functions.Deliveries;

/// <summary>Meta's WhatsApp Cloud API (<c>Automation:Deliveries:WhatsApp:*</c>).</summary>
public sealed record WhatsAppCloudOptions
{
    public const string Section = "Automation:Deliveries:WhatsApp";

    public string? PhoneNumberId { get; init; }

    public string? AccessToken { get; init; }

    public Uri BaseUrl { get; init; } = new("https://graph.facebook.com/v21.0/");

    public static WhatsAppCloudOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(Section);
        return new WhatsAppCloudOptions
        {
            PhoneNumberId = SettingValues.Text(section, nameof(PhoneNumberId)),
            AccessToken = SettingValues.Text(section, nameof(AccessToken)),
            BaseUrl = SettingValues.Url(section, nameof(BaseUrl), "https://graph.facebook.com/v21.0/"),
        };
    }
}
