using Automation.Core.Rules;

namespace Automation.Core.Time;

/// <summary>
/// The interval of "Automation Rules: check and execute" (spec §3.5, Odoo 19): a tenth of the smallest non-zero delay of
/// the active time rules, at least 1 minute and at most 4 hours; 4 hours when no delay remains. Rule changes only ever
/// shorten it; an administrator may set any interval.
/// </summary>
public static class SchedulerInterval
{
    public const int MinimumMinutes = 1;

    /// <summary>4 hours: the cron's initial interval and the formula's ceiling.</summary>
    public const int MaximumMinutes = 4 * 60;

    /// <summary>The longest interval an administrator may set (30 days).</summary>
    public const int MaximumManualMinutes = 30 * 24 * 60;

    /// <summary>The interval in minutes Odoo would compute for these rules (inactive and non-time rules are ignored).</summary>
    public static int For(IEnumerable<AutomationRule> rules)
    {
        var delays = rules
            .Where(r => r.Active && Triggers.Time.Contains(r.Trigger))
            .Select(r => (long)Math.Abs(r.TrgDateRange) * TimeRuleSpec.MinutesPerUnit(TimeRuleSpec.ParseUnit(r.TrgDateRangeType) ?? DelayUnit.None))
            .Where(d => d > 0)
            .ToList();
        return delays.Count == 0 ? MaximumMinutes : (int)Math.Min(Math.Max(MinimumMinutes, delays.Min() / 10), MaximumMinutes);
    }

    /// <summary>How Odoo stores an interval: in hours when it is a whole number of hours, else in minutes.</summary>
    public static (int Number, string Type) Express(int minutes) =>
        minutes % 60 == 0 ? (minutes / 60, "hours") : (minutes, "minutes");

    /// <summary>Minutes in an interval given as Odoo's <c>interval_number</c> and <c>interval_type</c> (a month is 30 days), or null.</summary>
    public static long? ToMinutes(long number, string? type) => type switch
    {
        "minutes" => number,
        "hours" => number * 60,
        "days" => number * 24 * 60,
        "weeks" => number * 7 * 24 * 60,
        "months" => number * 30 * 24 * 60,
        _ => null,
    };
}
