using System.Text.Json.Nodes;
using Automation.Core.Models;

namespace Automation.Core.Rules.Actions;

/// <summary>
/// spec §5.5 Create Record (<c>object_create</c>): a record of <c>crud_model_id</c> (default: the action's model) named
/// <c>value</c>, then linked to the record through <c>link_field_id</c> when set.
/// </summary>
internal static class CreateRecordAction
{
    public static async Task RunAsync(ActionCall call)
    {
        var runner = call.Runner;
        var target = await runner.ModelAsync(call.Action.Text("crud_model_id") ?? call.Model.Name, call.Cancellation);
        var values = new JsonObject();
        if (target.Field(target.RecName) is { } name && call.Action.Fields["value"] is { } value)
        {
            values[name.Name] = value is JsonValue v && v.TryGetValue<string>(out var text) ? text : value.ToJsonString();
        }

        var created = await runner.Records.CreateAsync(target, values, call.Change, call.Cancellation);
        await LinkAsync(call, target, created.Id);
    }

    /// <summary>
    /// <c>link_field_id</c> on the action's model: a many2one points to the new record, a one2many or many2many gets it
    /// added (spec §5.5, §5.6).
    /// </summary>
    internal static async Task LinkAsync(ActionCall call, ModelDefinition created, long createdId)
    {
        if (call.Action.Text("link_field_id") is not { Length: > 0 } linkName)
        {
            return;
        }

        var link = call.Model.Field(linkName) ?? throw new ActionFailedException($"{call.Model.Name} has no field '{linkName}' (link_field_id).");
        if (!link.Type.IsRelational() || link.Relation != created.Name)
        {
            throw new ActionFailedException($"The link field {call.Model.Name}.{linkName} does not point to {created.Name} records.");
        }

        JsonNode value = link.Type == FieldType.Many2one ? createdId : new JsonArray(new JsonArray(4, createdId, 0));
        await call.Runner.Records.WriteAsync(call.Model, call.RecordId, new JsonObject { [linkName] = value }, null, call.Change, call.Cancellation);
    }
}
