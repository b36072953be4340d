using System.Text.Json.Nodes;
using Automation.Core.Models;
using Automation.Core.Rules;
using Automation.Core.Webhooks;

namespace Automation.Functions.Api;

/// <summary>
/// The Python code a rule or a model carries, so that saving new code can require <c>code:write</c> (API.md
/// "Authentication"): record getters (other than Odoo's default), "Execute Code" actions, "Compute" values
/// (<c>evaluation_type: equation</c>), also inside multi actions' <c>child_ids</c>, and computed fields' <c>compute</c>.
/// Code that is saved again unchanged is not code written: a <c>rules:write</c> key may rename or archive a rule with code.
/// </summary>
public static class CodeWrites
{
    public static IReadOnlySet<string> InRule(AutomationRule? rule)
    {
        var code = new HashSet<string>(StringComparer.Ordinal);
        if (rule is null)
        {
            return code;
        }

        if (!string.IsNullOrWhiteSpace(rule.RecordGetter) && rule.RecordGetter != WebhookProcessor.DefaultRecordGetter)
        {
            code.Add(rule.RecordGetter);
        }

        foreach (var action in rule.Actions)
        {
            Collect(RuleJson.ActionToJson(action), code, 0);
        }

        return code;
    }

    public static IReadOnlySet<string> InModel(ModelDefinition? model) =>
        model is null
            ? new HashSet<string>(StringComparer.Ordinal)
            : model.Fields.Where(f => !string.IsNullOrWhiteSpace(f.Compute)).Select(f => f.Compute!).ToHashSet(StringComparer.Ordinal);

    /// <summary>True when <paramref name="next"/> holds code that <paramref name="previous"/> does not.</summary>
    public static bool WritesNew(IReadOnlySet<string> next, IReadOnlySet<string> previous) => next.Any(c => !previous.Contains(c));

    private static void Collect(JsonNode? action, HashSet<string> code, int depth)
    {
        if (action is not JsonObject obj || depth > 16)
        {
            return;
        }

        var state = Text(obj["state"]);
        if (state == "code" && Text(obj["code"]) is { Length: > 0 } body)
        {
            code.Add(body);
        }

        if (Text(obj["evaluation_type"]) == "equation" && Text(obj["value"]) is { Length: > 0 } expression)
        {
            code.Add(expression);
        }

        if (obj["child_ids"] is JsonArray children)
        {
            foreach (var child in children)
            {
                Collect(child, code, depth + 1);
            }
        }
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
