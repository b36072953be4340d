using System.Globalization;
using System.Text.Json.Nodes;
using Automation.Core.Models;
using Automation.Core.Records;
using Automation.Core.Rules.Actions;
using Automation.Scripting;

namespace Automation.Core.Rules;

/// <summary>
/// Save-time checks of a rule's actions (spec §5.2 "warnings", with Odoo's messages, and each type's configuration).
/// An action with a warning makes the rule refuse with "Following child actions have warnings: …" (spec §1.4) besides
/// the warning itself keyed by the action's field. Checks that read records (templates, sequences, activity types) or
/// the app's configuration (the AI endpoint) are <see cref="ActionSaveCheck"/>'s.
/// </summary>
public static class ActionValidator
{
    public const string ChatterOnly = "This action can only be done on a mail thread models";

    public static void Validate(AutomationRule rule, ModelDefinition model, Func<string, ModelDefinition?> models, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(errors);
        var warned = new List<string>();
        var otherModel = new List<string>();
        for (var i = 0; i < rule.Actions.Count; i++)
        {
            var action = rule.Actions[i];
            var path = $"action_server_ids.{i.ToString(CultureInfo.InvariantCulture)}";
            if (action.Text("model_id") is { Length: > 0 } actionModel && actionModel != model.Name)
            {
                otherModel.Add(action.Name);
                errors.Add(path + ".model_id", $"Model of action {action.Name} should match the one from automated rule {rule.Name}.");
                continue;
            }

            if (Check(action, path, model, models, errors, rule, 0))
            {
                warned.Add(action.Name);
            }
        }

        if (otherModel.Count > 0)
        {
            errors.Add("action_server_ids", $"Target model of actions {string.Join(", ", otherModel)} are different from rule model.");
        }

        if (warned.Count > 0)
        {
            errors.Add("action_server_ids", $"Following child actions have warnings: {string.Join(", ", warned)}");
        }
    }

    /// <summary>Checks one action; true when it has a §5.2 warning (configuration errors are reported without that flag).</summary>
    private static bool Check(ServerAction action, string path, ModelDefinition model, Func<string, ModelDefinition?> models, FieldErrors errors,
        AutomationRule rule, int depth)
    {
        if (!ActionTypes.All.Contains(action.State))
        {
            errors.Add(path + ".state", $"Action type '{action.State}' is not available (available: {string.Join(", ", ActionTypes.All.Order(StringComparer.Ordinal))}).");
            return false;
        }

        if (depth > 0 && rule.Trigger == Triggers.OnChange && action.State is not (ActionTypes.ExecuteCode or ActionTypes.Multi))
        {
            errors.Add(path, "\"On live update\" automation rules can only be used with \"Execute Python Code\" action type.");
        }

        if (depth > 0 && rule.Trigger == Triggers.OnUnlink && ActionTypes.Mail.Contains(action.State))
        {
            errors.Add(path, "Email, follower or activity action types cannot be used when deleting records, as there are no more records to apply these changes to!");
        }

        if (action.Fields["group_ids"] is not null && ActionRunner.GroupIds(action) is null)
        {
            errors.Add(path + ".group_ids", $"Allowed groups are a list of at most {ActionRunner.MaxGroups} res.groups ids.");
        }

        var warning = new Warnings(errors, path);
        switch (action.State)
        {
            case ActionTypes.ExecuteCode:
                RuleValidator.CheckPython(action.Text("code") ?? "", ScriptMode.Exec, path + ".code", errors);
                break;
            case ActionTypes.UpdateRecord:
                CheckUpdate(action, path, model, models, errors, warning);
                break;
            case ActionTypes.CreateRecord:
            case ActionTypes.DuplicateRecord:
                CheckCreate(action, path, model, models, errors);
                break;
            case ActionTypes.CreateActivity:
                ChatterModel(model, warning, "A next activity can only be planned on models that use activities.");
                if (ActionRunner.IdOf(action, "activity_date_deadline_range") is < 0)
                {
                    warning.Add("activity_date_deadline_range", "The 'Due Date In' value can't be negative.");
                }

                OneOf(action, "activity_date_deadline_range_type", ["days", "weeks", "months"], path, errors);
                OneOf(action, "activity_user_type", ["specific", "generic"], path, errors);
                Required(action, "activity_type_id", "Choose the activity type (activity_type_id).", path, errors);
                if (action.Text("activity_user_type") == "generic")
                {
                    CheckPath(action.Text("activity_user_field_name") is { Length: > 0 } p ? p : "user_id", "res.users", model, models,
                        m => warning.Add("activity_user_field_name", $"The dynamic user field must lead to users (res.users), not {m}."),
                        path + ".activity_user_field_name", errors);
                }

                break;
            case ActionTypes.SendEmail:
                ChatterModel(model, warning, ChatterOnly);
                OneOf(action, "mail_post_method", ["email", "comment", "note"], path, errors);
                Required(action, "template_id", "Choose the email template (template_id).", path, errors);
                break;
            case ActionTypes.AddFollowers or ActionTypes.RemoveFollowers:
                ChatterModel(model, warning, ChatterOnly);
                OneOf(action, "followers_type", ["specific", "generic"], path, errors);
                if (action.Text("followers_type") == "generic")
                {
                    CheckPath(action.Text("followers_partner_field_name") is { Length: > 0 } p ? p : "partner_id", "res.partner", model, models,
                        m => warning.Add("followers_partner_field_name", $"The followers field must lead to contacts (res.partner), not {m}."),
                        path + ".followers_partner_field_name", errors);
                }
                else if (action.Fields["partner_ids"] is not JsonArray { Count: > 0 })
                {
                    errors.Add(path + ".partner_ids", "Choose the contacts (partner_ids), or a partner field with followers_type 'generic'.");
                }

                break;
            case ActionTypes.SendSms:
                ChatterModel(model, warning, "Sending SMS can only be done on a not transient mail.thread model");
                OneOf(action, "sms_method", ["sms", "comment", "note"], path, errors);
                Required(action, "sms_template_id", "Choose the SMS template (sms_template_id).", path, errors);
                break;
            case ActionTypes.SendWhatsApp:
                ChatterModel(model, warning, ChatterOnly);
                Required(action, "wa_template_id", "Choose the WhatsApp template (wa_template_id).", path, errors);
                break;
            case ActionTypes.SendWebhook:
                CheckWebhook(action, path, model, errors, warning);
                break;
            case ActionTypes.Multi:
                var otherModel = new List<string>();
                var warnedChildren = new List<string>();
                for (var i = 0; i < action.Children.Count; i++)
                {
                    var child = action.Children[i];
                    var childPath = $"{path}.child_ids.{i.ToString(CultureInfo.InvariantCulture)}";
                    if (child.Text("model_id") is { Length: > 0 } childModel && childModel != model.Name)
                    {
                        otherModel.Add(child.Name);
                        continue;
                    }

                    if (Check(child, childPath, model, models, errors, rule, depth + 1))
                    {
                        warnedChildren.Add(child.Name);
                    }
                }

                if (otherModel.Count > 0)
                {
                    warning.Add("child_ids", $"Following child actions should have the same model ({model.Description}): {string.Join(", ", otherModel)}");
                }

                if (warnedChildren.Count > 0)
                {
                    warning.Add("child_ids", $"Following child actions have warnings: {string.Join(", ", warnedChildren)}");
                }

                break;
        }

        return warning.Any;
    }

    private static void CheckUpdate(ServerAction action, string path, ModelDefinition model, Func<string, ModelDefinition?> models, FieldErrors errors,
        Warnings warning)
    {
        var updatePath = action.Text("update_path");
        if (string.IsNullOrWhiteSpace(updatePath))
        {
            errors.Add(path + ".update_path", "Choose the field to update (update_path).");
            return;
        }

        var current = model;
        var segments = updatePath.Split('.');
        FieldDefinition? last = null;
        for (var s = 0; s < segments.Length; s++)
        {
            var field = current.Field(segments[s]);
            if (field is null)
            {
                errors.Add(path + ".update_path", $"{current.Name} has no field '{segments[s]}'.");
                return;
            }

            if (s < segments.Length - 1)
            {
                if (!field.Type.IsRelational() || models(field.Relation!) is not { } next)
                {
                    errors.Add(path + ".update_path",
                        $"The path contained by the field 'Field to Update Path' contains a non-relational field ({field.Name}) that is not the last field in " +
                        "the path. You can't traverse non-relational fields (even in the quantum realm). Make sure only the last field in the path is non-relational.");
                    return;
                }

                current = next;
            }

            last = field;
        }

        if (last!.Type == FieldType.Json)
        {
            warning.Add("update_path", $"I'm sorry to say that JSON fields (such as '{last.Name}') are currently not supported.");
            return;
        }

        switch (action.Text("evaluation_type") ?? "value")
        {
            case "equation":
                RuleValidator.CheckPython(action.Text("value") ?? "", ScriptMode.Eval, path + ".value", errors);
                break;
            case "sequence":
                if (last.Type is not (FieldType.Char or FieldType.Text))
                {
                    warning.Add("sequence_id", "A sequence must only be used with character fields.");
                }

                Required(action, "sequence_id", "Choose the sequence (sequence_id).", path, errors);
                break;
            case "ai_computed":
                if (!last.IsStored)
                {
                    warning.Add("update_path", "This field can not be computed with AI (not stored).");
                }

                if (string.IsNullOrWhiteSpace(action.Text("ai_update_prompt")))
                {
                    errors.Add(path + ".ai_update_prompt", "Write the prompt the AI answers (ai_update_prompt).");
                }

                break;
            case "value":
                CheckValue(action, path, last, errors);
                break;
            default:
                errors.Add(path + ".evaluation_type", $"Unknown evaluation type '{action.Text("evaluation_type")}' (use value, equation, sequence or ai_computed).");
                break;
        }
    }

    /// <summary>A fixed value must fit its field (Odoo would write the text and fail at run time).</summary>
    private static void CheckValue(ServerAction action, string path, FieldDefinition field, FieldErrors errors)
    {
        var value = UpdateRecordAction.ValueFor(field, action);
        switch (field.Type)
        {
            case FieldType.Many2many or FieldType.One2many:
                OneOf(action, "update_m2m_operation", ["add", "remove", "set", "clear"], path, errors);
                if ((action.Text("update_m2m_operation") ?? "add") != "clear" && ActionRunner.IdOf(action, "resource_ref") is null &&
                    ActionRunner.IdOf(action, "value") is null)
                {
                    errors.Add(path + ".resource_ref", "Choose the record to add, remove or set (resource_ref \"model,id\", or its id in value).");
                }

                break;
            case FieldType.Integer or FieldType.Float or FieldType.Monetary or FieldType.Many2one when value is JsonValue v && v.TryGetValue<string>(out var text):
                errors.Add(path + ".value", $"'{text}' is not a valid value for the {field.Type.ApiName()} field '{field.Name}'.");
                break;
            case FieldType.Selection when value is JsonValue v && v.TryGetValue<string>(out var key) && field.Selection.Count > 0 &&
                                          field.Selection.All(o => o.Key != key):
                errors.Add(path + ".value", $"'{key}' is not an option of '{field.Name}' (options: {string.Join(", ", field.Selection.Select(o => o.Key))}).");
                break;
        }
    }

    private static void CheckCreate(ServerAction action, string path, ModelDefinition model, Func<string, ModelDefinition?> models, FieldErrors errors)
    {
        var reference = action.Text("resource_ref");
        var targetName = action.Text("crud_model_id") ?? (action.State == ActionTypes.DuplicateRecord && reference?.Split(',') is [var m, _] ? m.Trim() : model.Name);
        if (models(targetName) is not { } target)
        {
            errors.Add(path + ".crud_model_id", $"There is no model '{targetName}'.");
            return;
        }

        if (action.State == ActionTypes.DuplicateRecord && ActionRunner.IdOf(action, "resource_ref") is null)
        {
            errors.Add(path + ".resource_ref", "Choose the record to duplicate (resource_ref \"model,id\").");
        }

        if (action.State == ActionTypes.CreateRecord && action.Fields["value"] is null)
        {
            errors.Add(path + ".value", "Give the new record's name (value).");
        }

        if (action.Text("link_field_id") is { Length: > 0 } linkName)
        {
            var link = model.Field(linkName);
            if (link is null || !link.Type.IsRelational() || link.Relation != target.Name)
            {
                errors.Add(path + ".link_field_id", $"The link field must be a field of {model.Name} relating to {target.Name} records; '{linkName}' is not.");
            }
        }
    }

    public const string GroupRestrictedWebhookFields =
        "Group-restricted fields cannot be included in webhook payloads, as it could allow any user to accidentally leak sensitive " +
        "information. You will have to remove the following fields from the webhook payload:";

    private static void CheckWebhook(ServerAction action, string path, ModelDefinition model, FieldErrors errors, Warnings warning)
    {
        var url = action.Text("webhook_url");
        if (string.IsNullOrWhiteSpace(url))
        {
            errors.Add(path + ".webhook_url", SendWebhookAction.NoUrl);
        }
        else if (url.Length > 2048 || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.UserInfo.Length > 0)
        {
            errors.Add(path + ".webhook_url", "The webhook URL must be an absolute http(s) URL without credentials, at most 2,048 characters.");
        }

        foreach (var name in WebhookPayloads.Fields(action).Where(f => f != "id" && !model.HasField(f)))
        {
            errors.Add(path + ".webhook_field_ids", $"{model.Name} has no field '{name}'.");
        }

        var restricted = WebhookPayloads.Fields(action).Select(model.Field).Where(f => f?.Groups is not null).ToList();
        if (restricted.Count > 0)
        {
            warning.Add("webhook_field_ids", GroupRestrictedWebhookFields + string.Concat(restricted.Select(f => "\n- " + f!.Label)));
        }

        if (action.Fields["webhook_signing_secret"] is { } secret &&
            Webhooks.StandardWebhooks.DecodeSecret(secret is JsonValue v && v.TryGetValue<string>(out var s) ? s : null) is null)
        {
            errors.Add(path + ".webhook_signing_secret", "A signing secret is a Standard Webhooks secret: 'whsec_' and 24 to 64 random bytes in base64.");
        }
    }

    private static void CheckPath(string path, string expected, ModelDefinition model, Func<string, ModelDefinition?> models, Action<string> wrongModel,
        string key, FieldErrors errors)
    {
        var current = model;
        foreach (var segment in path.Split('.'))
        {
            var field = current.Field(segment);
            if (field is null || !field.Type.IsRelational() || models(field.Relation!) is not { } next)
            {
                errors.Add(key, $"'{segment}' is not a relational field of {current.Name}.");
                return;
            }

            current = next;
        }

        if (current.Name != expected)
        {
            wrongModel(current.Name);
        }
    }

    private static void ChatterModel(ModelDefinition model, Warnings warning, string message)
    {
        if (!RuleValidator.HasChatter(model))
        {
            warning.Add("state", message);
        }
    }

    private static void OneOf(ServerAction action, string field, string[] options, string path, FieldErrors errors)
    {
        if (action.Fields[field] is { } node && !(node is JsonValue v && v.TryGetValue<string>(out var s) && options.Contains(s)))
        {
            errors.Add(path + "." + field, $"Expected one of: {string.Join(", ", options)}.");
        }
    }

    private static void Required(ServerAction action, string field, string message, string path, FieldErrors errors)
    {
        if (ActionRunner.IdOf(action, field) is null)
        {
            errors.Add(path + "." + field, message);
        }
    }

    /// <summary>§5.2 warnings of one action: reported under its field, and remembered for the rule-level summary.</summary>
    private sealed class Warnings(FieldErrors errors, string path)
    {
        public bool Any { get; private set; }

        public void Add(string field, string message)
        {
            errors.Add(path + "." + field, message);
            Any = true;
        }
    }
}
