namespace Automation.Functions.Deliveries;

/// <summary>The SMTP server emails go through (<c>Automation:Deliveries:Smtp:*</c>).</summary>
public sealed record SmtpOptions
{
    public const string Section = "Automation:Deliveries:Smtp";

    public string? Host { get; init; }

    public int Port { get; init; } = 587;

    /// <summary><c>starttls</c> (required, default), <c>tls</c> (implicit TLS, port 465) or <c>none</c> (plain text; loopback relays only).</summary>
    public string Security { get; init; } = "starttls";

    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary>SHA-256 thumbprint (hex) of a server certificate accepted although its chain does not validate (a private relay).</summary>
    public string? TrustedCertificate { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    public static SmtpOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(Section);
        return new SmtpOptions
        {
            Host = SettingValues.Text(section, nameof(Host)),
            Port = SettingValues.Int(section, nameof(Port), 587, 1, 65535),
            Security = SettingValues.OneOf(section, nameof(Security), "starttls", "starttls", "tls", "none"),
            Username = SettingValues.Text(section, nameof(Username)),
            Password = SettingValues.Text(section, nameof(Password)),
            TrustedCertificate = SettingValues.Text(section, nameof(TrustedCertificate))?.Replace(":", "", StringComparison.Ordinal).ToUpperInvariant(),
            Timeout = SettingValues.Span(section, nameof(Timeout), TimeSpan.FromSeconds(30)),
        };
    }
}
