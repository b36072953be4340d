using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Automation.Core.Rules;

namespace Automation.Core.Time;

/// <summary>The delay unit of a time rule (<c>trg_date_range_type</c>): Odoo's values are <c>minutes</c>, <c>hour</c>, <c>day</c>, <c>month</c>.</summary>
public enum DelayUnit
{
    /// <summary>Unset: Odoo's <c>DATE_RANGE[False]</c>, no delay at all.</summary>
    None,
    Minutes,
    Hour,
    Day,
    Month,
}

/// <summary>
/// What a time rule (spec §3) needs from its <see cref="AutomationRule"/>: the trigger date field, the signed delay, the
/// working-day calendar, and whether its first run reaches back to 1970 as Odoo's does (<see cref="RetroactiveKey"/>).
/// </summary>
public sealed record TimeRuleSpec
{
    /// <summary>
    /// Rule option (not in Odoo): <c>true</c> makes a new or re-activated rule start its windows where Odoo's would
    /// (1970 on the first run, the old <c>last_run</c> after a pause); the default starts them at activation.
    /// </summary>
    public const string RetroactiveKey = "trg_date_retroactive";

    /// <summary>The special field whose empty value falls back to <c>create_date</c> (spec §3.3).</summary>
    public const string AutomationLastField = "date_automation_last";

    public required long RuleId { get; init; }

    public required string Model { get; init; }

    /// <summary><c>trg_date_id</c>; null when the rule has none (spec §10 scenario 33).</summary>
    public string? DateField { get; init; }

    /// <summary><c>trg_date_range</c>, never negative (spec §1.4).</summary>
    public int Range { get; init; }

    public DelayUnit Unit { get; init; }

    /// <summary><c>trg_date_range_mode = before</c>: the moment is the date minus the delay.</summary>
    public bool Before { get; init; }

    /// <summary><c>trg_date_calendar_id</c>, used only with <see cref="DelayUnit.Day"/> (spec §3.4).</summary>
    public long? CalendarId { get; init; }

    public bool Retroactive { get; init; }

    /// <summary>Working days are counted only with a calendar and a day unit (spec §3.4), as Odoo does.</summary>
    public bool UsesCalendar => CalendarId is not null && Unit == DelayUnit.Day;

    /// <summary>
    /// Identifies what decides the rule's execution moments (field, delay, unit, mode, calendar). A run record is keyed by
    /// it, so a record processed under one delay is processed again when the rule is changed to another, as in Odoo.
    /// </summary>
    public string Config
    {
        get
        {
            var text = string.Create(CultureInfo.InvariantCulture, $"{Model}|{DateField}|{Range}|{Unit}|{Before}|{(UsesCalendar ? CalendarId : null)}");
            return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12];
        }
    }

    /// <summary>The time spec of a time rule; null for any other trigger.</summary>
    public static TimeRuleSpec? For(AutomationRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (!Triggers.Time.Contains(rule.Trigger))
        {
            return null;
        }

        return new TimeRuleSpec
        {
            RuleId = rule.Id,
            Model = rule.Model,
            DateField = rule.Trigger switch
            {
                Triggers.OnTimeCreated => "create_date",
                Triggers.OnTimeUpdated => "write_date",
                _ => string.IsNullOrEmpty(rule.TrgDateId) ? null : rule.TrgDateId,
            },
            Range = Math.Abs(rule.TrgDateRange),
            Unit = ParseUnit(rule.TrgDateRangeType) ?? DelayUnit.None,
            Before = rule.Trigger == Triggers.OnTime && rule.TrgDateRangeMode == "before",
            CalendarId = rule.TrgDateCalendarId,
            Retroactive = IsRetroactive(rule),
        };
    }

    public static bool IsRetroactive(AutomationRule rule) =>
        rule?.Extra[RetroactiveKey] is JsonValue value && value.TryGetValue<bool>(out var on) && on;

    /// <summary>Odoo's unit names; null for anything else.</summary>
    public static DelayUnit? ParseUnit(string? unit) => unit switch
    {
        null or "" => DelayUnit.None,
        "minutes" => DelayUnit.Minutes,
        "hour" => DelayUnit.Hour,
        "day" => DelayUnit.Day,
        "month" => DelayUnit.Month,
        _ => null,
    };

    /// <summary>Odoo's <c>DATE_RANGE_FACTOR</c>: minutes per unit, a month counted as 30 days (spec §3.5).</summary>
    public static int MinutesPerUnit(DelayUnit unit) => unit switch
    {
        DelayUnit.Minutes => 1,
        DelayUnit.Hour => 60,
        DelayUnit.Day => 24 * 60,
        DelayUnit.Month => 30 * 24 * 60,
        _ => 0,
    };
}
