namespace Automation.Core.Time;

/// <summary>
/// Which trigger dates are due in a run (spec §3.3, §3.4). A run covers the execution moments in
/// [<c>last_run</c>, <c>now</c>); a datetime is due when its execution moment (the date plus or minus the delay) lies
/// there. A date is due when its day, moved by the delay, lies in (<c>last_run</c>, <c>now</c>] taken at midnight UTC,
/// which is Odoo's <c>low.date() &lt; value ≤ high.date()</c>. Months are exact calendar arithmetic on the record's
/// date (Jan 31 + 1 month = the last day of February). With a calendar and a day unit, Odoo's bounds are used as they
/// are: <c>plan_days(±N, last_run) ≤ value &lt; plan_days(±N, now)</c>.
/// <para>
/// Trigger dates are indexed as they are (<see cref="TriggerDates"/>), so a window maps to a range of the index:
/// <see cref="Range"/> returns it, and <see cref="IsDue"/> decides exactly for each date in it (needed only for months,
/// where a few month-end days share one execution day).
/// </para>
/// </summary>
public sealed class TimeWindow
{
    private readonly TimeRuleSpec _spec;
    private readonly DateKind _kind;
    private readonly WorkingCalendar? _calendar;
    private CalendarRange? _calendarRange;

    public TimeWindow(TimeRuleSpec spec, DateKind kind, WorkingCalendar? calendar = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.UsesCalendar && calendar is null)
        {
            throw new ArgumentException("The rule counts working days: its calendar is needed.", nameof(calendar));
        }

        _spec = spec;
        _kind = kind;
        _calendar = spec.UsesCalendar ? calendar : null;
    }

    public DateKind Kind => _kind;

    /// <summary>Signed delay in whole units: negative moves the moment back (before mode).</summary>
    private int Signed => _spec.Before ? -_spec.Range : _spec.Range;

    /// <summary>
    /// The trigger dates (ticks, [From, To)) whose records may be due in the window [<paramref name="lastRun"/>,
    /// <paramref name="now"/>); <see cref="IsDue"/> decides for each. Null when nothing can be due (an empty window, or a
    /// calendar without enough working days).
    /// </summary>
    public (long From, long To)? Range(DateTime lastRun, DateTime now)
    {
        if (now <= lastRun)
        {
            return null;
        }

        if (_calendar is not null)
        {
            return _calendar.PlanDays(-Signed, lastRun) is { } a && _calendar.PlanDays(-Signed, now) is { } b && a < b ? (a.Ticks, b.Ticks) : null;
        }

        if (_spec.Unit == DelayUnit.Month && _spec.Range != 0)
        {
            return _kind == DateKind.Date
                ? (FirstDayAfter(lastRun).Ticks, FirstDayAfter(now).Ticks)
                : (FirstAtOrAfter(lastRun).Ticks, UpperBound(now).Ticks);
        }

        var offset = Offset();
        return _kind == DateKind.Date
            ? (Clamp(lastRun.Ticks - offset + 1), Clamp(now.Ticks - offset + 1)) // (last_run, now] for days
            : (Clamp(lastRun.Ticks - offset), Clamp(now.Ticks - offset));
    }

    /// <summary>Whether the trigger date <paramref name="value"/> (ticks) is due in [<paramref name="lastRun"/>, <paramref name="now"/>).</summary>
    public bool IsDue(long value, DateTime lastRun, DateTime now)
    {
        if (now <= lastRun)
        {
            return false;
        }

        if (_calendar is not null)
        {
            var cached = Volatile.Read(ref _calendarRange);
            if (cached is null || cached.LastRun != lastRun || cached.Now != now)
            {
                cached = new CalendarRange(lastRun, now, Range(lastRun, now));
                Volatile.Write(ref _calendarRange, cached);
            }

            return cached.Bounds is { } range && value >= range.From && value < range.To;
        }

        if (Moment(value) is not { } moment)
        {
            return false;
        }

        return _kind == DateKind.Date
            ? moment > lastRun && moment <= now
            : moment >= lastRun && moment < now;
    }

    /// <summary>
    /// When a record with this trigger date becomes due: the date moved by the delay. With a calendar, the first instant
    /// at which <c>plan_days</c> passes the date (found by bisection to the second). Null when never.
    /// </summary>
    public DateTime? Moment(long value)
    {
        if (_calendar is not null)
        {
            return CalendarMoment(value);
        }

        try
        {
            var date = new DateTime(value, DateTimeKind.Utc);
            return _spec.Unit == DelayUnit.Month ? date.AddMonths(Signed) : date.AddTicks(Offset());
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>The delay as ticks for the fixed-length units (Odoo's <c>DATE_RANGE</c>).</summary>
    private long Offset() => _spec.Unit switch
    {
        DelayUnit.Minutes => TimeSpan.TicksPerMinute * Signed,
        DelayUnit.Hour => TimeSpan.TicksPerHour * Signed,
        DelayUnit.Day => TimeSpan.TicksPerDay * Signed,
        _ => 0,
    };

    private static long Clamp(long ticks) => Math.Clamp(ticks, DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks);

    /// <summary>The month arithmetic on a day: non-decreasing in the day (the 29th–31st of January all give February's last day).</summary>
    private DateOnly Shift(DateOnly day) => day.AddMonths(Signed);

    /// <summary>The earliest day whose shifted day is at or after <paramref name="target"/> (it is within a few days of the inverse shift).</summary>
    private DateOnly FirstShiftedAtOrAfter(DateOnly target)
    {
        var day = SafeAddMonths(target, -Signed).AddDays(-4);
        while (Shift(day) < target)
        {
            day = day.AddDays(1);
        }

        return day;
    }

    /// <summary>Datetimes: the smallest trigger date whose moment is at or after <paramref name="bound"/>.</summary>
    private DateTime FirstAtOrAfter(DateTime bound)
    {
        var target = DateOnly.FromDateTime(bound);
        var day = FirstShiftedAtOrAfter(target);
        var midnight = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        return Shift(day) == target ? midnight + bound.TimeOfDay : midnight;
    }

    /// <summary>
    /// Datetimes: an end of range such that every date whose moment is before <paramref name="now"/> is below it. It is
    /// exact unless several days share now's execution day (month ends), where <see cref="IsDue"/> sorts out the few extra.
    /// </summary>
    private DateTime UpperBound(DateTime now)
    {
        var target = DateOnly.FromDateTime(now);
        var after = FirstShiftedAtOrAfter(target.AddDays(1)); // the first day shifted past now's day
        var last = after.AddDays(-1);
        return Shift(last) == target
            ? last.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) + now.TimeOfDay
            : after.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
    }

    /// <summary>Dates: the first day whose shifted midnight is after <paramref name="bound"/>.</summary>
    private DateTime FirstDayAfter(DateTime bound)
    {
        // A shifted day's midnight is after the bound exactly when the day is after the bound's day.
        return FirstShiftedAtOrAfter(DateOnly.FromDateTime(bound).AddDays(1)).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
    }

    private static DateOnly SafeAddMonths(DateOnly day, int months)
    {
        try
        {
            return day.AddMonths(months);
        }
        catch (ArgumentOutOfRangeException)
        {
            return months < 0 ? DateOnly.MinValue.AddDays(10) : DateOnly.MaxValue.AddDays(-10);
        }
    }

    private DateTime? CalendarMoment(long value)
    {
        // plan_days(-signed, t) is non-decreasing in t; the moment is the first t where it passes the value.
        var date = new DateTime(value, DateTimeKind.Utc);
        var span = TimeSpan.FromDays(Math.Abs(_spec.Range) * 3 + 30);
        var low = date - span;
        var high = date + span;
        if (_calendar!.PlanDays(-Signed, high) is not { } top || top <= date)
        {
            return null;
        }

        while (high - low > TimeSpan.FromSeconds(1))
        {
            var mid = low + (high - low) / 2;
            if (_calendar.PlanDays(-Signed, mid) is { } planned && planned > date)
            {
                high = mid;
            }
            else
            {
                low = mid;
            }
        }

        return high;
    }

    /// <summary>The last calendar window asked about: its two plan_days are computed once, not per record.</summary>
    private sealed record CalendarRange(DateTime LastRun, DateTime Now, (long From, long To)? Bounds);
}
