using System.Text.RegularExpressions;

namespace Automation.Deployment.Tests.Settings;

/// <summary>
/// Finds the settings the app's source reads, without running it. A setting is found when its key appears as
/// <list type="bullet">
/// <item>a string literal <c>"Automation:…"</c> (or <c>"Automation__…"</c>) anywhere;</item>
/// <item>a constant whose name says it is a setting: <c>const string …Setting… = "key"</c> (also <c>…SettingName</c>);</item>
/// <item>a literal read straight from configuration: <c>configuration["key"]</c>, <c>GetValue("key", …)</c>;</item>
/// <item>a read relative to a section, in a file that names the section in a constant (<c>const string Section =
/// "Automation:Webhooks"</c>, or the <c>…SettingName</c> constant): <c>section["key"]</c>, <c>section[nameof(Key)]</c>,
/// <c>Get(section, nameof(Key), …)</c> give <c>Automation:Webhooks:Key</c>.</item>
/// </list>
/// Keys are compared case-insensitively with <c>:</c> as the separator, as configuration does.
/// </summary>
public static partial class SettingsScanner
{
    /// <summary>Scans every .cs file under <paramref name="sourceRoot"/> except bin/, obj/ and the files in <paramref name="exclude"/>.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> ScanDirectory(string sourceRoot, params string[] exclude)
    {
        var sources = Directory.EnumerateFiles(sourceRoot, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Where(f => !exclude.Any(e => Path.GetFullPath(e) == Path.GetFullPath(f)))
            .Select(f => (Path.GetRelativePath(sourceRoot, f), File.ReadAllText(f)));
        return Scan(sources);
    }

    /// <summary>Keys read by the given (file name, text) sources, each with the files that read it.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Scan(IEnumerable<(string File, string Text)> sources)
    {
        var found = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (file, text) in sources)
        {
            foreach (var key in KeysIn(text))
            {
                var normalized = Normalize(key);
                if (!found.TryGetValue(normalized, out var files))
                {
                    found[normalized] = files = [];
                }

                if (!files.Contains(file))
                {
                    files.Add(file);
                }
            }
        }

        return found.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary><c>A__B</c> (environment form) is the setting <c>A:B</c>.</summary>
    public static string Normalize(string key) => key.Replace("__", ":", StringComparison.Ordinal);

    private static IEnumerable<string> KeysIn(string text)
    {
        foreach (Match m in AutomationLiteral().Matches(text))
        {
            yield return m.Groups[1].Value;
        }

        foreach (Match m in SettingConstant().Matches(text))
        {
            yield return m.Groups[1].Value;
        }

        foreach (Match m in ConfigurationRead().Matches(text))
        {
            yield return m.Groups[1].Value;
        }

        var section = SectionConstant().Match(text) is { Success: true } s ? s.Groups[1].Value
            : SettingNameConstant().Match(text) is { Success: true } n ? n.Groups[1].Value
            : null;
        if (section is not null)
        {
            foreach (Match m in SectionRead().Matches(text))
            {
                yield return section + ":" + (m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value);
            }
        }
    }

    [GeneratedRegex("\"(Automation(?::|__)[A-Za-z0-9_:]+)\"")]
    private static partial Regex AutomationLiteral();

    [GeneratedRegex("""const\s+string\s+\w*Setting\w*\s*=\s*"([^"]+)"\s*;""")]
    private static partial Regex SettingConstant();

    [GeneratedRegex("""const\s+string\s+\w*SettingName\s*=\s*"([^"]+)"\s*;""")]
    private static partial Regex SettingNameConstant();

    [GeneratedRegex("""const\s+string\s+\w*Section\s*=\s*"([^"]+)"\s*;""")]
    private static partial Regex SectionConstant();

    [GeneratedRegex("""\b(?:_?[cC]onfiguration|config)\s*(?:\[\s*|\.GetValue(?:<[^>]+>)?\(\s*)"([^"]+)"\s*[\],]""")]
    private static partial Regex ConfigurationRead();

    [GeneratedRegex("""\bsection\s*(?:\[\s*|,\s*)(?:nameof\(\s*(?:\w+\.)*(\w+)\s*\)|"([^"]+)")""")]
    private static partial Regex SectionRead();
}
