using System.Globalization;
using Automation.Core.Domains;
using Automation.Core.Models;
using Automation.Core.Records;
using Automation.Scripting;

namespace Automation.Core.Rules;

/// <summary>
/// Save-time checks of a rule (spec §1.4, with Odoo's messages), its domains (parsed, fields known) and its actions
/// (types available, paths valid, Python parsed with line and column).
/// </summary>
public static class RuleValidator
{
    /// <summary>Action types the engine runs (spec §5.3 less Enterprise's AI agent); others are refused rather than stored and never run.</summary>
    public static readonly IReadOnlySet<string> AvailableActions = ActionTypes.All;

    /// <summary>Models with a chatter (Odoo's mail.thread): mail triggers need one.</summary>
    public static bool HasChatter(ModelDefinition model) =>
        !model.BuiltIn || model.Name is "res.partner" or "sale.order" or "res.users";

    public static FieldErrors Validate(AutomationRule rule, ModelDefinition? model, Func<string, ModelDefinition?> models)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var errors = new FieldErrors();
        if (model is null)
        {
            errors.Add("model", $"There is no model '{rule.Model}'.");
            return errors;
        }

        if (Triggers.Mail.Contains(rule.Trigger) && !HasChatter(model))
        {
            errors.Add("trigger", string.Create(CultureInfo.InvariantCulture,
                $"Mail event can not be configured on model {model.Name}. Only models with discussion feature can be used."));
        }

        if (Triggers.Time.Contains(rule.Trigger) && rule.TrgDateRange < 0)
        {
            errors.Add("trg_date_range", "Delay must be positive. Set 'Delay mode' to 'Before' to negate the delay.");
        }

        Time.TimeRuleValidator.Validate(rule, model, errors);

        if (rule.Trigger == Triggers.OnChange && rule.Actions.Any(a => a.State != "code"))
        {
            errors.Add("action_server_ids", "\"On live update\" automation rules can only be used with \"Execute Python Code\" action type.");
        }

        if (rule.Trigger == Triggers.OnUnlink && rule.Actions.Any(a => a.State is "mail_post" or "followers" or "next_activity"))
        {
            errors.Add("action_server_ids",
                "Email, follower or activity action types cannot be used when deleting records, as there are no more records to apply these changes to!");
        }

        if (RuleDefaults.TriggerField(rule.Trigger, model) is null && rule.Trigger is Triggers.OnStageSet or Triggers.OnUserSet or Triggers.OnTagSet
                or Triggers.OnStateSet or Triggers.OnPrioritySet or Triggers.OnArchive or Triggers.OnUnarchive)
        {
            errors.Add("trigger", $"Trigger '{rule.Trigger}' needs a matching field on {model.Name} (spec §1.2), and it has none.");
        }

        foreach (var field in rule.TriggerFieldIds.Where(f => !model.HasField(f) && f != "id"))
        {
            errors.Add("trigger_field_ids", $"{model.Name} has no field '{field}'.");
        }

        CheckDomain(rule.FilterDomain, "filter_domain", model, models, errors);
        CheckDomain(rule.FilterPreDomain, "filter_pre_domain", model, models, errors);
        if (rule.Trigger == Triggers.OnWebhook && rule.RecordGetter is { Length: > 0 } getter)
        {
            CheckPython(getter, ScriptMode.Eval, "record_getter", errors);
        }

        _ = Webhooks.WebhookGuards.Parse(rule, errors);

        ActionValidator.Validate(rule, model, models, errors);
        return errors;
    }

    private static void CheckDomain(string? text, string key, ModelDefinition model, Func<string, ModelDefinition?> models, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return;
        }

        try
        {
            DomainCompiler.Compile(model, Domain.Parse(text), models);
        }
        catch (DomainException e)
        {
            errors.Add(key, e.Message);
        }
    }

    internal static void CheckPython(string source, ScriptMode mode, string key, FieldErrors errors)
    {
        if (ScriptEngine.Shared.Validate(source, mode) is { } error)
        {
            errors.Add(key, error.Message);
        }
    }
}
