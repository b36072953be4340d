using System.Text.RegularExpressions;

namespace Automation.Deployment.Tests.Settings;

/// <summary>
/// The app settings infra/ sets: the keys of the <c>var appSettings = { … }</c> object in functionapp.bicep, which the
/// function app's <c>config 'appsettings'</c> resource takes whole (InfraStructureTests checks that it does).
/// </summary>
public static partial class BicepAppSettings
{
    public static IReadOnlyDictionary<string, string> Parse(string bicep)
    {
        ArgumentNullException.ThrowIfNull(bicep);
        var start = AppSettingsVariable().Match(bicep);
        if (!start.Success)
        {
            throw new InvalidDataException("functionapp.bicep has no 'var appSettings = {' block.");
        }

        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var depth = 1;
        foreach (var raw in bicep[(start.Index + start.Length)..].Split('\n'))
        {
            var line = StripComment(raw);
            if (depth == 1 && Entry().Match(line) is { Success: true } entry)
            {
                var key = SettingsScanner.Normalize(entry.Groups[2].Value);
                if (!settings.TryAdd(key, entry.Groups[3].Value.Trim()))
                {
                    throw new InvalidDataException($"functionapp.bicep sets '{key}' twice.");
                }
            }

            depth += line.Count(c => c is '{' or '[') - line.Count(c => c is '}' or ']');
            if (depth <= 0)
            {
                return settings;
            }
        }

        throw new InvalidDataException("functionapp.bicep: the appSettings block is not closed.");
    }

    private static string StripComment(string line)
    {
        var inString = false;
        for (var i = 0; i < line.Length - 1; i++)
        {
            if (line[i] == '\'')
            {
                inString = !inString;
            }
            else if (!inString && line[i] == '/' && line[i + 1] == '/')
            {
                return line[..i];
            }
        }

        return line;
    }

    [GeneratedRegex(@"\bvar\s+appSettings\s*=\s*\{")]
    private static partial Regex AppSettingsVariable();

    [GeneratedRegex(@"^\s*('?)([A-Za-z_][A-Za-z0-9_:.\-]*)\1\s*:\s*(.*)$")]
    private static partial Regex Entry();
}
