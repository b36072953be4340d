using System.Globalization;
using Automation.Core.Models;
using Automation.Core.Records;

namespace Automation.Core.Rules;

/// <summary>A save-time check of a rule that needs storage or the app's configuration (the rules API runs every registered one).</summary>
public interface IRuleSaveCheck
{
    Task CheckAsync(AutomationRule rule, ModelDefinition model, FieldErrors errors, CancellationToken cancellationToken);
}

/// <summary>
/// What <see cref="ActionValidator"/> cannot see: that templates, sequences, activity types and records to duplicate
/// exist (and templates are for the rule's model, spec §5.2), and that "Update with AI" has an endpoint to call.
/// </summary>
public sealed class ActionSaveCheck(RecordService records, ActionServices services) : IRuleSaveCheck
{
    public const string AiNotConfigured =
        "Update with AI needs an OpenAI-compatible endpoint, and none is configured: set Automation:Ai:Endpoint (with Automation:Ai:ApiKey and Automation:Ai:Model).";

    public async Task CheckAsync(AutomationRule rule, ModelDefinition model, FieldErrors errors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(errors);
        for (var i = 0; i < rule.Actions.Count; i++)
        {
            await CheckAsync(rule.Actions[i], $"action_server_ids.{i.ToString(CultureInfo.InvariantCulture)}", model, errors, 0, cancellationToken);
        }
    }

    private async Task CheckAsync(ServerAction action, string path, ModelDefinition model, FieldErrors errors, int depth, CancellationToken cancellationToken)
    {
        switch (action.State)
        {
            case ActionTypes.SendEmail:
                await TemplateAsync(action, "template_id", "mail.template", path, model, errors, cancellationToken);
                break;
            case ActionTypes.SendSms:
                await TemplateAsync(action, "sms_template_id", "sms.template", path, model, errors, cancellationToken);
                break;
            case ActionTypes.SendWhatsApp:
                await TemplateAsync(action, "wa_template_id", "whatsapp.template", path, model, errors, cancellationToken);
                break;
            case ActionTypes.CreateActivity:
                await ExistsAsync("mail.activity.type", ActionRunner.IdOf(action, "activity_type_id"), path + ".activity_type_id", errors, cancellationToken);
                break;
            case ActionTypes.DuplicateRecord:
                var reference = action.Text("resource_ref");
                var modelName = action.Text("crud_model_id") ?? (reference?.Split(',') is [var m, _] ? m.Trim() : model.Name);
                await ExistsAsync(modelName, ActionRunner.IdOf(action, "resource_ref"), path + ".resource_ref", errors, cancellationToken);
                break;
            case ActionTypes.UpdateRecord when action.Text("evaluation_type") == "sequence":
                await ExistsAsync("ir.sequence", ActionRunner.IdOf(action, "sequence_id"), path + ".sequence_id", errors, cancellationToken);
                break;
            case ActionTypes.UpdateRecord when action.Text("evaluation_type") == "ai_computed" && services.Ai is not { IsConfigured: true }:
                errors.Add(path + ".evaluation_type", AiNotConfigured);
                break;
            case ActionTypes.Multi when depth < ActionRunner.MaxMultiDepth:
                for (var i = 0; i < action.Children.Count; i++)
                {
                    await CheckAsync(action.Children[i], $"{path}.child_ids.{i.ToString(CultureInfo.InvariantCulture)}", model, errors, depth + 1, cancellationToken);
                }

                break;
        }
    }

    private async Task TemplateAsync(ServerAction action, string field, string templateModel, string path, ModelDefinition model, FieldErrors errors,
        CancellationToken cancellationToken)
    {
        if (await FindAsync(templateModel, ActionRunner.IdOf(action, field), path + "." + field, errors, cancellationToken) is { } template &&
            template["model"] is string { Length: > 0 } forModel && forModel != model.Name)
        {
            errors.Add(path + "." + field, $"The {templateModel} '{template["name"]}' is for {forModel} records; this rule runs on {model.Name}.");
        }
    }

    private async Task ExistsAsync(string model, long? id, string key, FieldErrors errors, CancellationToken cancellationToken) =>
        await FindAsync(model, id, key, errors, cancellationToken);

    private async Task<RecordData?> FindAsync(string modelName, long? id, string key, FieldErrors errors, CancellationToken cancellationToken)
    {
        if (id is not { } recordId)
        {
            return null; // ActionValidator reports what is missing
        }

        var model = await records.ModelAsync(modelName, cancellationToken);
        var record = await records.Store.FindAsync(model, recordId, cancellationToken);
        if (record is null)
        {
            errors.Add(key, $"{modelName} record {recordId} does not exist.");
        }

        return record;
    }
}
