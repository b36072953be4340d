using System.Globalization;
using System.Text.Json.Nodes;
using Automation.Core.Ai;
using Automation.Core.Models;
using Automation.Core.Records;
using Automation.Scripting;

namespace Automation.Core.Rules.Actions;

/// <summary>
/// spec §5.4 Update Record (<c>object_write</c>): follow <c>update_path</c> to the records to write, compute the value by
/// <c>evaluation_type</c> (a fixed value by field type, a Python equation, a sequence number, or the AI endpoint's answer)
/// and write it on each record reached.
/// </summary>
internal static class UpdateRecordAction
{
    public static async Task RunAsync(ActionCall call)
    {
        var (action, runner, cancellationToken) = (call.Action, call.Runner, call.Cancellation);
        var segments = (action.Text("update_path") ?? throw new ActionFailedException("The action has no update_path.")).Split('.');
        var (targetModel, targets) = await runner.FollowAsync(call.Model, [call.RecordId], segments[..^1], call.Context, cancellationToken);
        var last = targetModel.Field(segments[^1]) ?? throw new ActionFailedException($"{targetModel.Name} has no field '{segments[^1]}'.");
        if (targets.Count == 0)
        {
            return; // an empty relation on the way: nothing to write (spec §5.4)
        }

        JsonNode? value;
        switch (action.Text("evaluation_type") ?? "value")
        {
            case "equation":
                value = AsFieldValue(last,
                    ActionRunner.ToJson(await runner.RunScriptAsync(runner.Scripts.Compile(action.Text("value") ?? "", ScriptMode.Eval), call, evaluate: true)));
                break;
            case "sequence":
                var sequenceId = ActionRunner.IdOf(action, "sequence_id") ?? throw new ActionFailedException("Choose the sequence (sequence_id).");
                var sequences = runner.Services.Sequences ?? throw new ActionFailedException("Sequences are not available in this app.");
                value = await sequences.NextByIdAsync(sequenceId, null, cancellationToken)
                        ?? throw new ActionFailedException($"There is no active sequence {sequenceId}.");
                break;
            case "ai_computed":
                foreach (var target in targets)
                {
                    if (await AiValueAsync(call, targetModel, target, last) is { } computed)
                    {
                        await runner.Records.WriteAsync(targetModel, target, new JsonObject { [last.Name] = computed.Value?.DeepClone() }, null, call.Change,
                            cancellationToken);
                    }
                }

                return;
            default:
                value = ValueFor(last, action);
                break;
        }

        foreach (var target in targets)
        {
            await runner.Records.WriteAsync(targetModel, target, new JsonObject { [last.Name] = value?.DeepClone() }, null, call.Change, cancellationToken);
        }
    }

    /// <summary>What Odoo's ORM does with a computed value written to a text field: numbers become their text, False empty.</summary>
    private static JsonNode? AsFieldValue(FieldDefinition field, JsonNode? value)
    {
        if (field.Type is not (FieldType.Char or FieldType.Text or FieldType.Html) || value is not JsonValue v || v.TryGetValue<string>(out _))
        {
            return value;
        }

        return v.TryGetValue<bool>(out var flag) ? flag ? "True" : null
            : v.TryGetValue<long>(out var number) ? number.ToString(CultureInfo.InvariantCulture)
            : v.TryGetValue<double>(out var real) ? Templates.TemplateText.ToText(real, _ => [])
            : value;
    }

    /// <summary>spec §5.4 "value by field type".</summary>
    internal static JsonNode? ValueFor(FieldDefinition field, ServerAction action)
    {
        var raw = action.Fields["value"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : action.Fields["value"]?.ToString();
        var reference = action.Text("resource_ref") is { } r && r.Split(',') is [_, var refId] ? refId.Trim() : raw;
        switch (field.Type)
        {
            case FieldType.Many2many or FieldType.One2many:
                var id = long.TryParse(reference, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
                return (action.Text("update_m2m_operation") ?? "add") switch
                {
                    "remove" => new JsonArray(new JsonArray(3, id, 0)),
                    "set" => new JsonArray(new JsonArray(6, 0, new JsonArray(id))),
                    "clear" => new JsonArray(new JsonArray(5, 0, 0)),
                    _ => new JsonArray(new JsonArray(4, id, 0)),
                };
            case FieldType.Boolean:
                return action.Fields["update_boolean_value"] switch
                {
                    JsonValue b when b.TryGetValue<bool>(out var flag) => flag,
                    var other => (other?.ToString() ?? "true") is "true" or "True",
                };
            case FieldType.Many2one:
                return long.TryParse(reference, NumberStyles.Integer, CultureInfo.InvariantCulture, out var m2o) ? m2o == 0 ? null : m2o : reference;
            case FieldType.Integer:
                return long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : raw;
            case FieldType.Float or FieldType.Monetary:
                return double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : raw;
            case FieldType.Html:
                return action.Text("html_value") ?? raw;
            case FieldType.Selection:
                return action.Text("selection_value") ?? raw;
            case FieldType.Json:
                return action.Fields["value"]?.DeepClone();
            default:
                return raw;
        }
    }

    /// <summary>
    /// "Update with AI": the prompt (its placeholders rendered) and the record go to the chat-completions endpoint; the
    /// answer is parsed for the field's type. When the endpoint fails, text fields are emptied and others left as they
    /// are (spec §5.4), and the failure is logged. Null: leave the field.
    /// </summary>
    private static async Task<JsonValueBox?> AiValueAsync(ActionCall call, ModelDefinition model, long recordId, FieldDefinition field)
    {
        var ai = call.Runner.Services.Ai;
        if (ai is not { IsConfigured: true })
        {
            throw new ActionFailedException("Update with AI needs an AI endpoint (setting Automation:Ai:Endpoint), and none is configured.");
        }

        var prompt = await call.Runner.RenderTextAsync(call, call.Action.Text("ai_update_prompt") ?? "", "ai_update_prompt");
        var record = await call.Runner.ReadAsync(model, recordId, call.Context, call.Cancellation);
        var recordJson = record is null ? "{}" : RecordJson.ToJson(model, record).ToJsonString();
        var system = "You fill one field of a business record. Answer with the field's value only: no explanation, no quotes, no markdown.\n" +
                     $"Field: {field.Name} ({field.Label}), type {field.Type.ApiName()}" +
                     (field.Selection.Count > 0 ? ", one of: " + string.Join(", ", field.Selection.Select(o => $"{o.Key} ({o.Label})")) : "") + ".";
        var user = $"{prompt}\n\nRecord ({model.Name} {recordId}):\n{recordJson}";
        string answer;
        try
        {
            answer = (await ai.CompleteAsync(system, user, call.Cancellation)).Trim();
        }
        catch (AiUnavailableException e)
        {
            call.Context.Log?.Invoke(new Scripting.ScriptLogEntry("warning", $"Update with AI of {model.Name}.{field.Name} failed: {e.Message}", 0));
            return field.Type.IsText() && field.Type != FieldType.Selection ? new JsonValueBox("") : null;
        }

        JsonNode? parsed = field.Type switch
        {
            FieldType.Integer => long.TryParse(answer, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : null,
            FieldType.Float or FieldType.Monetary => double.TryParse(answer, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null,
            FieldType.Boolean => answer.ToUpperInvariant() switch
            {
                "TRUE" or "YES" or "1" => true,
                "FALSE" or "NO" or "0" => false,
                _ => null,
            },
            FieldType.Selection => field.Selection.FirstOrDefault(o => string.Equals(o.Key, answer, StringComparison.OrdinalIgnoreCase) ||
                                                                       string.Equals(o.Label, answer, StringComparison.OrdinalIgnoreCase))?.Key,
            FieldType.Many2one => long.TryParse(answer, NumberStyles.Integer, CultureInfo.InvariantCulture, out var m) ? m : null,
            FieldType.Date => DateOnly.TryParse(answer, CultureInfo.InvariantCulture, out var date) ? RecordJson.FormatDate(date) : null,
            _ => answer,
        };
        if (parsed is null)
        {
            call.Context.Log?.Invoke(new Scripting.ScriptLogEntry("warning",
                $"Update with AI of {model.Name}.{field.Name}: the answer '{(answer.Length > 80 ? answer[..80] + "…" : answer)}' is not a {field.Type.ApiName()} value; the field is left as it is.", 0));
            return null;
        }

        return new JsonValueBox(parsed);
    }

    /// <summary>A value to write (which may itself be null).</summary>
    private sealed record JsonValueBox(JsonNode? Value);
}
