using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace Automation.Functions.Hosting;

/// <summary>
/// Reads the <c>Values</c> of <c>local.settings.json</c> (the Functions local-development file) in standalone mode, the
/// way <c>func start</c> does. Environment variables and the command line still win.
/// </summary>
public static class LocalSettings
{
    public const string FileName = "local.settings.json";

    public static IReadOnlyDictionary<string, string?> Read(string path)
    {
        if (!File.Exists(path))
        {
            return new Dictionary<string, string?>();
        }

        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            if (doc.RootElement.TryGetProperty("Values", out var section) && section.ValueKind == JsonValueKind.Object)
            {
                foreach (var value in section.EnumerateObject())
                {
                    // "A__B" in Functions settings is the configuration key "A:B".
                    values[value.Name.Replace("__", ":", StringComparison.Ordinal)] =
                        value.Value.ValueKind == JsonValueKind.String ? value.Value.GetString() : value.Value.GetRawText();
                }
            }

            return values;
        }
        catch (JsonException e)
        {
            throw new StartupException($"{path} is not valid JSON ({e.Message}). Fix it or delete it; {FileName} is optional.");
        }
    }

    /// <summary>Adds the file's values beneath the environment and command line, which keep priority.</summary>
    public static void AddTo(IConfigurationManager configuration, string directory)
    {
        var values = Read(Path.Combine(directory, FileName));
        if (values.Count == 0)
        {
            return;
        }

        configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = values });
    }
}
