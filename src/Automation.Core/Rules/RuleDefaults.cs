using System.Globalization;
using Automation.Core.Domains;
using Automation.Core.Models;

namespace Automation.Core.Rules;

/// <summary>
/// What saving a rule recomputes, as Odoo does (spec §1.3): the "values updated" triggers get their watched field and
/// auto-generated domains; <c>on_create_or_write</c> without explicit trigger fields watches the fields its domain
/// names; time triggers get their date field and unit defaults.
/// </summary>
public static class RuleDefaults
{
    private static readonly Dictionary<string, string[]> TriggerFields = new(StringComparer.Ordinal)
    {
        [Triggers.OnStageSet] = ["stage_id", "x_studio_stage_id"],
        [Triggers.OnUserSet] = ["user_id", "user_ids", "x_studio_user_id", "x_studio_user_ids"],
        [Triggers.OnTagSet] = ["tag_ids", "x_studio_tag_ids"],
        [Triggers.OnStateSet] = ["state", "x_studio_state"],
        [Triggers.OnPrioritySet] = ["priority", "x_studio_priority"],
        [Triggers.OnArchive] = ["active", "x_active"],
        [Triggers.OnUnarchive] = ["active", "x_active"],
    };

    /// <summary>The field a "values updated" trigger watches on <paramref name="model"/> (the first that exists), or null.</summary>
    public static string? TriggerField(string trigger, ModelDefinition model) =>
        TriggerFields.TryGetValue(trigger, out var names) ? names.FirstOrDefault(model.HasField) : null;

    public static AutomationRule Apply(AutomationRule rule, ModelDefinition model)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(model);
        if (TriggerFields.ContainsKey(rule.Trigger))
        {
            var field = TriggerField(rule.Trigger, model);
            if (field is null)
            {
                return rule;
            }

            var (post, pre) = rule.Trigger switch
            {
                Triggers.OnStageSet => (rule.TrgFieldRef is { } stage ? $"[('{field}', '=', {Num(stage)})]" : null, (string?)null),
                Triggers.OnTagSet => rule.TrgFieldRef is { } tag ? ($"[('{field}', 'in', [{Num(tag)}])]", $"[('{field}', 'not in', [{Num(tag)}])]") : (null, null),
                Triggers.OnStateSet or Triggers.OnPrioritySet => (rule.TrgSelectionFieldId is { } value ? $"[('{field}', '=', '{value.Replace("'", "\\'", StringComparison.Ordinal)}')]" : null, null),
                Triggers.OnUserSet => ($"[('{field}', '!=', False)]", null),
                Triggers.OnArchive => ($"[('{field}', '=', False)]", null),
                Triggers.OnUnarchive => ($"[('{field}', '=', True)]", null),
                _ => (null, null),
            };
            return rule with { TriggerFieldIds = [field], FilterDomain = post, FilterPreDomain = pre };
        }

        if (Triggers.Time.Contains(rule.Trigger))
        {
            return rule with
            {
                TriggerFieldIds = [],
                FilterPreDomain = null,
                TrgDateId = rule.Trigger switch
                {
                    Triggers.OnTimeCreated => "create_date",
                    Triggers.OnTimeUpdated => "write_date",
                    _ => rule.TrgDateId,
                },
                TrgDateRangeType = rule.TrgDateRangeType ?? "hour",
                TrgDateRangeMode = rule.Trigger == Triggers.OnTime ? rule.TrgDateRangeMode ?? "after" : "after",
                // spec §1.1: the calendar counts working days only for a day delay on a date field.
                TrgDateCalendarId = (rule.TrgDateRangeType ?? "hour") == "day" && (rule.Trigger != Triggers.OnTime || rule.TrgDateId is not null)
                    ? rule.TrgDateCalendarId
                    : null,
            };
        }

        if (rule.Trigger is Triggers.OnCreateOrWrite && rule.TriggerFieldIds.Count == 0 && rule.FilterDomain is { } domain)
        {
            // Fields named in the domain become the watched fields when none were given (spec §1.3).
            return rule with { TriggerFieldIds = DomainFields(domain).Where(model.HasField).ToList() };
        }

        if (rule.Trigger is Triggers.OnChange && rule.OnChangeFieldIds.Count == 0 && rule.FilterDomain is { } onChangeDomain)
        {
            return rule with { OnChangeFieldIds = DomainFields(onChangeDomain).Where(model.HasField).ToList() };
        }

        if (rule.Trigger is Triggers.OnWebhook && rule.RecordGetter is null)
        {
            return rule with { RecordGetter = Webhooks.WebhookProcessor.DefaultRecordGetter }; // Odoo's field default (spec §1.1)
        }

        return rule;
    }

    /// <summary>
    /// spec §1.3: triggers whose domains and watched fields are reset to empty when a rule switches to them (then
    /// user-defined): time triggers, on create, on deletion, on UI change, webhooks, mail triggers and on update.
    /// The "values updated" triggers regenerate theirs; on create and edit keeps the user's.
    /// </summary>
    public static bool ResetsOnTriggerChange(string trigger) =>
        Triggers.Time.Contains(trigger) || Triggers.Mail.Contains(trigger) ||
        trigger is Triggers.OnCreate or Triggers.OnUnlink or Triggers.OnChange or Triggers.OnWebhook or Triggers.OnWrite;

    private static IEnumerable<string> DomainFields(string domain)
    {
        try
        {
            return Domain.Parse(domain).FieldNames().Select(p => p.Split('.')[0]).Distinct(StringComparer.Ordinal);
        }
        catch (DomainException)
        {
            return []; // the validator reports the domain itself
        }
    }

    private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);
}
