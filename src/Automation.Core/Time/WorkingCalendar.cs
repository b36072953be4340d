namespace Automation.Core.Time;

/// <summary>A weekly work period (<c>resource.calendar.attendance</c>): Odoo's <c>dayofweek</c> 0 is Monday; hours are local, 8.5 = 08:30.</summary>
public sealed record Attendance(int DayOfWeek, double HourFrom, double HourTo);

/// <summary>A global leave (<c>resource.calendar.leaves</c> without a resource): no work between these UTC instants.</summary>
public sealed record Leave(DateTime From, DateTime To);

/// <summary>
/// The minimal <c>resource.calendar</c> time rules need (spec §3.4): weekly attendances in the calendar's time zone, minus
/// its global leaves, and Odoo's <c>plan_days</c> over them. Every instant in and out is UTC.
/// </summary>
public sealed class WorkingCalendar
{
    /// <summary>Odoo searches 100 chunks of 14 days and gives up after that (<c>plan_days</c> returns False).</summary>
    private const int Chunks = 100;

    private static readonly TimeSpan Chunk = TimeSpan.FromDays(14);

    private readonly Attendance[] _attendances;
    private readonly Leave[] _leaves;

    public WorkingCalendar(long id, TimeZoneInfo zone, IEnumerable<Attendance> attendances, IEnumerable<Leave> leaves)
    {
        Id = id;
        Zone = zone;
        _attendances = attendances.Where(a => a.HourTo > a.HourFrom && a.DayOfWeek is >= 0 and <= 6).ToArray();
        _leaves = leaves.Where(l => l.To > l.From).OrderBy(l => l.From).ToArray();
    }

    public long Id { get; }

    public TimeZoneInfo Zone { get; }

    /// <summary>
    /// Work intervals inside [<paramref name="from"/>, <paramref name="to"/>] in time order: attendances clipped to the
    /// range, leaves cut out, empty pieces dropped (Odoo's <c>_work_intervals_batch</c>).
    /// </summary>
    public IReadOnlyList<(DateTime Start, DateTime Stop)> WorkIntervals(DateTime from, DateTime to)
    {
        var result = new List<(DateTime, DateTime)>();
        if (to <= from || _attendances.Length == 0)
        {
            return result;
        }

        var firstDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(from, Zone)).AddDays(-1);
        var lastDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(to, Zone)).AddDays(1);
        for (var day = firstDay; day <= lastDay; day = day.AddDays(1))
        {
            var odooWeekday = ((int)day.DayOfWeek + 6) % 7; // .NET Sunday = 0; Odoo Monday = 0
            foreach (var attendance in _attendances.Where(a => a.DayOfWeek == odooWeekday).OrderBy(a => a.HourFrom))
            {
                var start = Utc(day, attendance.HourFrom);
                var stop = Utc(day, attendance.HourTo);
                if (start < from)
                {
                    start = from;
                }

                if (stop > to)
                {
                    stop = to;
                }

                if (start < stop)
                {
                    Subtract(start, stop, result);
                }
            }
        }

        result.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return result;
    }

    /// <summary>
    /// Odoo's <c>plan_days(days, t, compute_leaves=True)</c>: for days &gt; 0, walk forward from <paramref name="at"/> and
    /// return the end of the first interval of the <paramref name="days"/>-th working day; for days &lt; 0 walk back and
    /// return the start of the latest interval of the |days|-th working day; for 0 return <paramref name="at"/>. Null when
    /// no such day is found within 1,400 days, as Odoo gives up then. Working days are counted by the local date of their
    /// intervals, and the search goes in 14-day chunks exactly as Odoo's does.
    /// </summary>
    public DateTime? PlanDays(int days, DateTime at)
    {
        if (days == 0)
        {
            return at;
        }

        var found = new HashSet<DateOnly>();
        if (days > 0)
        {
            for (var n = 0; n < Chunks; n++)
            {
                var from = at + Chunk * n;
                foreach (var (start, stop) in WorkIntervals(from, from + Chunk))
                {
                    found.Add(LocalDate(start));
                    if (found.Count == days)
                    {
                        return stop;
                    }
                }
            }

            return null;
        }

        for (var n = 0; n < Chunks; n++)
        {
            var to = at - Chunk * n;
            var intervals = WorkIntervals(to - Chunk, to);
            for (var i = intervals.Count - 1; i >= 0; i--)
            {
                found.Add(LocalDate(intervals[i].Start));
                if (found.Count == -days)
                {
                    return intervals[i].Start;
                }
            }
        }

        return null;
    }

    private DateOnly LocalDate(DateTime utc) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(utc, Zone));

    /// <summary>A local wall-clock time on <paramref name="day"/> in UTC; 24.0 is the end of the day (Odoo's <c>float_to_time</c>).</summary>
    private DateTime Utc(DateOnly day, double hours)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified).AddMinutes(Math.Round(Math.Clamp(hours, 0, 24) * 60));
        if (Zone.IsInvalidTime(local))
        {
            local = local.AddHours(1); // a wall time skipped by a DST change starts an hour later
        }

        return TimeZoneInfo.ConvertTimeToUtc(local, Zone);
    }

    private void Subtract(DateTime start, DateTime stop, List<(DateTime, DateTime)> result)
    {
        foreach (var leave in _leaves)
        {
            if (leave.To <= start || leave.From >= stop)
            {
                continue;
            }

            if (leave.From > start)
            {
                result.Add((start, leave.From));
            }

            start = leave.To;
            if (start >= stop)
            {
                return;
            }
        }

        result.Add((start, stop));
    }
}
