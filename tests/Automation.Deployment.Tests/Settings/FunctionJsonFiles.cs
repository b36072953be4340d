using System.Text.Json;
using System.Text.RegularExpressions;

namespace Automation.Deployment.Tests.Settings;

/// <summary>The function.json files of the repository, as the Functions host reads them (folder name = function name).</summary>
public static partial class FunctionJsonFiles
{
    public static IReadOnlyList<(string Name, string Path, JsonElement Root)> All() =>
        Directory.EnumerateDirectories(Repository.FunctionsFolder)
            .Where(d => File.Exists(Path.Combine(d, "function.json")))
            .Order(StringComparer.Ordinal)
            .Select(d =>
            {
                var path = Path.Combine(d, "function.json");
                using var doc = JsonDocument.Parse(File.ReadAllText(path));
                return (Path.GetFileName(d), Path.GetRelativePath(Repository.Root, path), doc.RootElement.Clone());
            })
            .ToList();

    /// <summary><c>%Setting%</c> references (binding expressions the host and the app resolve from app settings), with their files.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> SettingReferences(IEnumerable<(string File, string Text)> files)
    {
        var found = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (file, text) in files)
        {
            foreach (Match m in Reference().Matches(text))
            {
                if (!found.TryGetValue(m.Groups[1].Value, out var list))
                {
                    found[m.Groups[1].Value] = list = [];
                }

                list.Add(file);
            }
        }

        return found.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value, StringComparer.OrdinalIgnoreCase);
    }

    public static IReadOnlyDictionary<string, IReadOnlyList<string>> SettingReferences() =>
        SettingReferences(All().Select(f => (f.Path, f.Root.GetRawText())));

    [GeneratedRegex("%([^%\"]+)%")]
    private static partial Regex Reference();
}
