using System.Globalization;
using System.Text.Json.Nodes;
using Automation.Core.Models;
using Automation.Core.Records;
using Automation.Core.Rules;

namespace Automation.Core.Time;

/// <summary>Save-time checks of a time rule's fields (spec §1.1, §1.4), each with a clear error keyed by the field.</summary>
public static class TimeRuleValidator
{
    /// <summary>The longest delay per unit: a century (a calendar's working days: 1,000, as Odoo searches 1,400 days at most).</summary>
    public static int MaxRange(DelayUnit unit, bool calendar) => unit switch
    {
        DelayUnit.Minutes => 100 * 365 * 24 * 60,
        DelayUnit.Hour => 100 * 365 * 24,
        DelayUnit.Day => calendar ? 1_000 : 100 * 365,
        DelayUnit.Month => 100 * 12,
        _ => 100 * 365,
    };

    public static void Validate(AutomationRule rule, ModelDefinition model, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(errors);
        if (rule.Extra[TimeRuleSpec.RetroactiveKey] is { } retroactive && !(retroactive is JsonValue v && v.TryGetValue<bool>(out _)))
        {
            errors.Add(TimeRuleSpec.RetroactiveKey, "Expected true or false.");
        }

        if (!Triggers.Time.Contains(rule.Trigger))
        {
            return;
        }

        var unit = TimeRuleSpec.ParseUnit(rule.TrgDateRangeType);
        if (unit is null)
        {
            errors.Add("trg_date_range_type", $"Unknown delay unit '{rule.TrgDateRangeType}'. Use one of: minutes, hour, day, month.");
        }

        if (rule.TrgDateRangeMode is not (null or "after" or "before"))
        {
            errors.Add("trg_date_range_mode", $"Unknown delay mode '{rule.TrgDateRangeMode}'. Use 'after' or 'before'.");
        }

        var calendar = rule.TrgDateCalendarId is not null && unit == DelayUnit.Day;
        if (unit is { } u && rule.TrgDateRange > MaxRange(u, calendar))
        {
            errors.Add("trg_date_range", string.Create(CultureInfo.InvariantCulture,
                $"A delay of at most {MaxRange(u, calendar)} {(calendar ? "working days" : rule.TrgDateRangeType)} is supported."));
        }

        if (rule.TrgDateCalendarId is <= 0)
        {
            errors.Add("trg_date_calendar_id", "Expected the id of a resource.calendar record.");
        }

        if (rule.Trigger == Triggers.OnTime && rule.TrgDateId is { Length: > 0 } field && TriggerDates.KindOf(model, field) is null)
        {
            errors.Add("trg_date_id", model.Field(field) is null
                ? $"{model.Name} has no field '{field}'."
                : $"The trigger date must be a date or datetime field; {model.Name}.{field} is a {model.Field(field)!.Type.ApiName()} field.");
        }
    }
}
