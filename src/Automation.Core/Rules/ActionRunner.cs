using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Automation.Core.Domains;
using Automation.Core.Events;
using Automation.Core.Models;
using Automation.Core.Records;
using Automation.Scripting;

namespace Automation.Core.Rules;

/// <summary>Where and as whom an action runs.</summary>
public sealed record ActionContext(ChangeContext Change)
{
    /// <summary>The webhook payload (<c>payload</c> in code), when a webhook call runs the rule.</summary>
    public JsonElement? Payload { get; init; }

    /// <summary>Last images of records deleted by the event being handled (on-deletion rules read them).</summary>
    public IReadOnlyDictionary<(string Model, long Id), JsonObject>? Tombstones { get; init; }

    public Action<ScriptLogEntry>? Log { get; init; }

    /// <summary>
    /// Records as the engine just read them, which code may read without a storage round trip (the rule's record, when
    /// nothing has been written since it was read). Null when unknown.
    /// </summary>
    public IReadOnlyDictionary<(string Model, long Id), RecordData>? Known { get; init; }
}

/// <summary>An action that cannot succeed as configured or with this data: the run fails and is not retried.</summary>
public sealed class ActionFailedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Runs one server action on one record (spec §5): <c>object_write</c> and <c>code</c>.</summary>
public sealed class ActionRunner(RecordService records, IModelRegistry models, ScriptEngine scripts)
{
    public async Task RunAsync(ServerAction action, ModelDefinition model, long recordId, ActionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(context);
        switch (action.State)
        {
            case "object_write":
                await UpdateRecordAsync(action, model, recordId, context, cancellationToken);
                break;
            case "code":
                await RunScriptAsync(scripts.Compile(action.Text("code") ?? ""), model, recordId, context, evaluate: false);
                break;
            default:
                throw new ActionFailedException($"Action type '{action.State}' is not available yet.");
        }
    }

    /// <summary>spec §5.4: follow <c>update_path</c> to the records to write, compute the value, write it.</summary>
    private async Task UpdateRecordAsync(ServerAction action, ModelDefinition model, long recordId, ActionContext context,
        CancellationToken cancellationToken)
    {
        var segments = (action.Text("update_path") ?? throw new ActionFailedException("The action has no update_path.")).Split('.');
        var targetModel = model;
        IReadOnlyList<long> targets = [recordId];
        foreach (var segment in segments[..^1])
        {
            var field = targetModel.Field(segment) ?? throw new ActionFailedException($"{targetModel.Name} has no field '{segment}'.");
            var related = await models.FindAsync(field.Relation ?? "", cancellationToken)
                ?? throw new ActionFailedException($"Field {targetModel.Name}.{segment} is not relational.");
            var next = new List<long>();
            foreach (var record in await records.Store.FindManyAsync(targetModel, targets, cancellationToken))
            {
                if (field.Type == FieldType.One2many)
                {
                    next.AddRange((await records.SearchAsync(related, Domain.FromTerms([new object?[] { field.InverseName!, "=", record.Id }]), 10_000, null,
                        cancellationToken)).Records.Select(r => r.Id));
                }
                else
                {
                    next.AddRange(record[segment] switch
                    {
                        long id => [id],
                        IReadOnlyList<long> ids => ids,
                        _ => [],
                    });
                }
            }

            targetModel = related;
            targets = next.Distinct().ToList();
        }

        var last = targetModel.Field(segments[^1]) ?? throw new ActionFailedException($"{targetModel.Name} has no field '{segments[^1]}'.");
        var value = action.Text("evaluation_type") == "equation"
            ? ToJson(await RunScriptAsync(scripts.Compile(action.Text("value") ?? "", ScriptMode.Eval), model, recordId, context, evaluate: true))
            : ValueFor(last, action);
        foreach (var target in targets)
        {
            await records.WriteAsync(targetModel, target, new JsonObject { [last.Name] = value?.DeepClone() }, null, context.Change, cancellationToken);
        }
    }

    /// <summary>spec §5.4 "value by field type".</summary>
    internal static JsonNode? ValueFor(FieldDefinition field, ServerAction action)
    {
        var raw = action.Fields["value"]?.ToString();
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
                return (action.Fields["update_boolean_value"]?.ToString() ?? "true") is "true" or "True";
            case FieldType.Many2one:
                return long.TryParse(reference, NumberStyles.Integer, CultureInfo.InvariantCulture, out var m2o) ? m2o == 0 ? null : m2o : reference;
            case FieldType.Integer:
                return long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : raw;
            case FieldType.Float or FieldType.Monetary:
                return double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : raw;
            case FieldType.Json:
                return action.Fields["value"]?.DeepClone();
            default:
                return raw;
        }
    }

    /// <summary>
    /// Runs admin code on a script thread (<see cref="ScriptThreads"/>): the environment waits on storage synchronously,
    /// which must not block the thread pool. Python errors become <see cref="ActionFailedException"/> with the exception type and line.
    /// </summary>
    private async Task<object?> RunScriptAsync(CompiledScript script, ModelDefinition model, long recordId, ActionContext context, bool evaluate)
    {
        var environment = new RecordScriptEnvironment(records, models, context.Change, context.Tombstones, context.Known);
        var scriptContext = new ScriptContext
        {
            Environment = environment,
            Model = model.Name,
            RecordIds = [recordId],
            Payload = context.Payload,
            LogSink = context.Log,
        };
        try
        {
            return await ScriptThreads.RunAsync(() =>
            {
                var result = scripts.Execute(script, scriptContext);
                return evaluate ? result.Value : null;
            });
        }
        catch (ScriptRuntimeException e)
        {
            throw new ActionFailedException(e.Message, e);
        }
    }

    private static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        DateTime dt => RecordJson.FormatDateTime(dt.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(dt, DateTimeKind.Utc) : dt.ToUniversalTime()),
        DateOnly d => RecordJson.FormatDate(d),
        Scripting.Odoo.ScriptRecordSet set => set.Ids.Count == 0 ? null : set.Ids.Count == 1 ? set.Ids[0] : new JsonArray(set.Ids.Select(x => (JsonNode)x).ToArray()),
        _ => JsonSerializer.SerializeToNode(value),
    };
}
