using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Automation.Functions.Hosting;

public enum TriggerKind
{
    Http,
    Queue,
    Timer,
}

/// <summary>One function as its <c>function.json</c> declares it; <c>%Setting%</c> references already resolved.</summary>
public sealed record FunctionDefinition(string Name, TriggerKind Trigger, string TriggerBindingName)
{
    public string? QueueName { get; init; }

    public string? Schedule { get; init; }

    public bool RunOnStartup { get; init; }

    public string? Route { get; init; }

    public IReadOnlyList<string> Methods { get; init; } = [];

    /// <summary>The http output binding's name (<c>res</c>), where the payload protocol puts the response.</summary>
    public string HttpOutputName { get; init; } = "res";
}

/// <summary>
/// The app's functions, read from the folders next to <c>host.json</c> (folder name = function name), as the Functions
/// host reads them. The standalone runtime uses the same definitions, so both modes agree on queues and schedules.
/// </summary>
public sealed partial class FunctionCatalog
{
    private readonly Dictionary<string, FunctionDefinition> _functions;

    public FunctionCatalog(IEnumerable<FunctionDefinition> functions)
    {
        _functions = functions.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyCollection<FunctionDefinition> All => _functions.Values;

    public FunctionDefinition? Find(string name) => _functions.GetValueOrDefault(name);

    public static FunctionCatalog Load(string appRoot, IConfiguration configuration)
    {
        var functions = new List<FunctionDefinition>();
        foreach (var file in Directory.EnumerateFiles(appRoot, "function.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var folder = Path.GetDirectoryName(file)!;
            if (Path.GetDirectoryName(folder) != Path.TrimEndingDirectorySeparator(appRoot))
            {
                continue; // only <root>/<Name>/function.json, as the host reads them
            }

            functions.Add(Parse(Path.GetFileName(folder), File.ReadAllText(file), configuration));
        }

        return new FunctionCatalog(functions);
    }

    public static FunctionDefinition Parse(string name, string json, IConfiguration configuration)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var bindings = doc.RootElement.GetProperty("bindings").EnumerateArray().ToList();
            var trigger = bindings.SingleOrDefault(b => Text(b, "direction") == "in" && (Text(b, "type") ?? "").EndsWith("Trigger", StringComparison.Ordinal));
            if (trigger.ValueKind != JsonValueKind.Object)
            {
                throw new StartupException($"Function '{name}': function.json has no trigger binding.");
            }

            var bindingName = Text(trigger, "name") ?? throw new StartupException($"Function '{name}': the trigger binding has no name.");
            switch (Text(trigger, "type"))
            {
                case "queueTrigger":
                    return new FunctionDefinition(name, TriggerKind.Queue, bindingName)
                    {
                        QueueName = Resolve(Text(trigger, "queueName") ?? throw new StartupException($"Function '{name}': queueTrigger has no queueName."),
                            name, configuration),
                    };
                case "timerTrigger":
                    return new FunctionDefinition(name, TriggerKind.Timer, bindingName)
                    {
                        Schedule = Resolve(Text(trigger, "schedule") ?? throw new StartupException($"Function '{name}': timerTrigger has no schedule."),
                            name, configuration),
                        RunOnStartup = trigger.TryGetProperty("runOnStartup", out var r) && r.ValueKind == JsonValueKind.True,
                    };
                case "httpTrigger":
                    var output = bindings.FirstOrDefault(b => Text(b, "type") == "http" && Text(b, "direction") == "out");
                    return new FunctionDefinition(name, TriggerKind.Http, bindingName)
                    {
                        Route = Text(trigger, "route"),
                        Methods = trigger.TryGetProperty("methods", out var m) ? m.EnumerateArray().Select(x => x.GetString()!.ToUpperInvariant()).ToList() : [],
                        HttpOutputName = output.ValueKind == JsonValueKind.Object ? Text(output, "name") ?? "res" : "res",
                    };
                default:
                    throw new StartupException($"Function '{name}': trigger type '{Text(trigger, "type")}' is not supported (httpTrigger, queueTrigger, timerTrigger).");
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new StartupException($"Function '{name}': function.json is not valid: {e.Message}", e);
        }
    }

    /// <summary>Replaces <c>%Setting%</c> with the app setting, as the host does for binding expressions.</summary>
    public static string Resolve(string value, string functionName, IConfiguration configuration) =>
        SettingReference().Replace(value, match =>
        {
            var setting = match.Groups[1].Value;
            return configuration[setting] is { Length: > 0 } resolved
                ? resolved
                : throw new StartupException(
                    $"Function '{functionName}' refers to the app setting '{setting}' (as %{setting}%), which is not set. Add it to " +
                    "local.settings.json Values, the environment, or the function app's settings.");
        });

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    [GeneratedRegex("%([^%]+)%")]
    private static partial Regex SettingReference();
}
