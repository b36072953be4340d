using System.Text.Json.Nodes;
using Automation.Core.Models;
using Automation.Core.Records;

namespace Automation.Core.Rules.Actions;

/// <summary>
/// spec §5.6 Duplicate Record (<c>object_copy</c>): copies the fixed record <c>resource_ref</c> (of <c>crud_model_id</c>),
/// then links the copy like Create Record. The copy takes the stored values, except one2many links (the related records
/// stay with the original), computed fields (recomputed) and fields named from a sequence (drawn anew).
/// </summary>
internal static class DuplicateRecordAction
{
    public static async Task RunAsync(ActionCall call)
    {
        var runner = call.Runner;
        var reference = call.Action.Text("resource_ref");
        var modelName = call.Action.Text("crud_model_id") ?? (reference?.Split(',') is [var m, _] ? m.Trim() : call.Model.Name);
        var model = await runner.ModelAsync(modelName, call.Cancellation);
        var sourceId = ActionRunner.IdOf(call.Action, "resource_ref") ?? throw new ActionFailedException("Choose the record to duplicate (resource_ref).");
        var source = await runner.Records.Store.FindAsync(model, sourceId, call.Cancellation)
                     ?? throw new ActionFailedException($"The record to duplicate, {model.Name} {sourceId}, does not exist.");
        var values = new JsonObject();
        foreach (var field in model.Fields.Where(f => f.IsStored && !f.IsComputed && f.Sequence is null))
        {
            if (source.Values.TryGetValue(field.Name, out var value) && value is not null)
            {
                values[field.Name] = RecordJson.ValueToJson(field, value);
            }
        }

        var copy = await runner.Records.CreateAsync(model, values, call.Change, call.Cancellation);
        await CreateRecordAction.LinkAsync(call, model, copy.Id);
    }
}
