using System.Globalization;
using Automation.Functions.Hosting;

namespace Automation.Functions.Deliveries;

/// <summary>Reads one setting of a section with a default and a clear start-up error when it does not parse.</summary>
internal static class SettingValues
{
    public static string? Text(IConfigurationSection section, string name) => section[name] is { Length: > 0 } value ? value : null;

    public static int Int(IConfigurationSection section, string name, int fallback, int min, int max)
    {
        var raw = section[name];
        if (string.IsNullOrEmpty(raw))
        {
            return fallback;
        }

        return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new StartupException(string.Create(CultureInfo.InvariantCulture, $"'{section.Path}:{name}' is '{raw}'; it must be an integer from {min} to {max}."));
    }

    public static TimeSpan Span(IConfigurationSection section, string name, TimeSpan fallback)
    {
        var raw = section[name];
        if (string.IsNullOrEmpty(raw))
        {
            return fallback;
        }

        return TimeSpan.TryParse(raw, CultureInfo.InvariantCulture, out var value) && value > TimeSpan.Zero
            ? value
            : throw new StartupException($"'{section.Path}:{name}' is '{raw}'; it must be a positive time span (hh:mm:ss or d.hh:mm:ss).");
    }

    public static string OneOf(IConfigurationSection section, string name, string fallback, params string[] options)
    {
        var raw = section[name];
        if (string.IsNullOrEmpty(raw))
        {
            return fallback;
        }

        return options.FirstOrDefault(o => string.Equals(o, raw, StringComparison.OrdinalIgnoreCase))
               ?? throw new StartupException($"'{section.Path}:{name}' is '{raw}'; it must be one of: {string.Join(", ", options)}.");
    }

    public static Uri Url(IConfigurationSection section, string name, string fallback)
    {
        var raw = section[name] is { Length: > 0 } value ? value : fallback;
        return Uri.TryCreate(raw.TrimEnd('/') + "/", UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new StartupException($"'{section.Path}:{name}' is '{raw}'; it must be an absolute http(s) URL.");
    }
}
