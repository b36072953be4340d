namespace Automation.Functions.Deliveries;

/// <summary>The OpenAI-compatible chat-completions endpoint "Update with AI" calls (<c>Automation:Ai:*</c>); off without an endpoint.</summary>
public sealed record AiOptions
{
    public const string Section = "Automation:Ai";

    /// <summary>Base URL, e.g. <c>https://api.openai.com/v1</c>; <c>/chat/completions</c> is appended.</summary>
    public Uri? Endpoint { get; init; }

    public string? ApiKey { get; init; }

    public string Model { get; init; } = "gpt-4.1";

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    public static AiOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(Section);
        return new AiOptions
        {
            Endpoint = SettingValues.Text(section, nameof(Endpoint)) is null ? null : SettingValues.Url(section, nameof(Endpoint), ""),
            ApiKey = SettingValues.Text(section, nameof(ApiKey)),
            Model = SettingValues.Text(section, nameof(Model)) ?? "gpt-4.1",
            Timeout = SettingValues.Span(section, nameof(Timeout), TimeSpan.FromSeconds(30)),
        };
    }
}
