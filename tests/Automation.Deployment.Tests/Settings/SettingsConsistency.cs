using Automation.Functions.Hosting;

namespace Automation.Deployment.Tests.Settings;

/// <summary>
/// Holds the settings the app reads (<see cref="SettingsScanner"/>), the catalogue (<see cref="AppSettings"/>), the
/// <c>%Setting%</c> references of the function.json files and what infra/ sets (<see cref="BicepAppSettings"/>) to
/// one another. Each problem is one sentence naming the setting, where it is, and the fix.
/// </summary>
public static class SettingsConsistency
{
    private const string CatalogueFile = "src/Automation.Functions/Hosting/AppSettings.cs";
    private const string InfraFile = "infra/modules/functionapp.bicep";

    public static IReadOnlyList<string> Check(
        IReadOnlyDictionary<string, IReadOnlyList<string>> read,
        IEnumerable<AppSetting> catalogue,
        IReadOnlyDictionary<string, IReadOnlyList<string>> functionJsonReferences,
        IEnumerable<string> setByInfra)
    {
        ArgumentNullException.ThrowIfNull(read);
        var listed = catalogue.ToDictionary(s => SettingsScanner.Normalize(s.Key), StringComparer.OrdinalIgnoreCase);
        var infra = setByInfra.Select(SettingsScanner.Normalize).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var problems = new List<string>();

        foreach (var (key, files) in read.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase))
        {
            var isSection = listed.Keys.Any(k => k.StartsWith(key + ":", StringComparison.OrdinalIgnoreCase));
            if (!listed.ContainsKey(key) && !isSection)
            {
                problems.Add($"'{key}' is read in {string.Join(", ", files)} but is not in the settings catalogue ({CatalogueFile}): " +
                             $"add it with its default, or as Required and set it in {InfraFile}.");
            }
        }

        foreach (var (key, setting) in listed.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase))
        {
            var isRead = read.ContainsKey(key);
            if (setting.Kind != SettingKind.ReadByHost && !isRead)
            {
                problems.Add($"'{key}' is in the settings catalogue ({CatalogueFile}) but nothing in src/ reads it: remove it, or read it the way " +
                             "the README's \"Adding a setting\" says so it can be found.");
            }

            if (setting.Kind == SettingKind.Required && !infra.Contains(key))
            {
                problems.Add($"'{key}' is Required in the settings catalogue but {InfraFile} does not set it: add it to the appSettings block " +
                             "(as Key__Sub), or give the setting a default.");
            }

            if (setting.Kind is SettingKind.SetByHost or SettingKind.StandaloneOnly && infra.Contains(key))
            {
                problems.Add($"{InfraFile} sets '{key}', which is {(setting.Kind == SettingKind.SetByHost ? "given to the handler by the platform" : "read in standalone mode only")}: remove it.");
            }
        }

        foreach (var (key, files) in functionJsonReferences.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase))
        {
            if (!infra.Contains(SettingsScanner.Normalize(key)))
            {
                problems.Add($"{string.Join(", ", files)} refers to the app setting %{key}%, which {InfraFile} does not set: the Functions host " +
                             "and the app both refuse to start without it.");
            }
        }

        foreach (var key in infra.Order(StringComparer.OrdinalIgnoreCase))
        {
            if (!listed.ContainsKey(key) && !functionJsonReferences.Keys.Any(r => string.Equals(SettingsScanner.Normalize(r), key, StringComparison.OrdinalIgnoreCase)))
            {
                problems.Add($"{InfraFile} sets '{key}', which neither the app nor the Functions host reads (it is not in {CatalogueFile} nor " +
                             "referenced by a function.json): remove it, or read it in the app and list it in the catalogue.");
            }
        }

        return problems;
    }
}
