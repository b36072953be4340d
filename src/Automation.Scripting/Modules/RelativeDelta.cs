using System.Text;
using Automation.Scripting.Runtime;

namespace Automation.Scripting.Modules;

/// <summary><c>dateutil.relativedelta</c>: callable like the class, with <c>.relativedelta</c> for the module form.</summary>
internal sealed class RelativeDeltaModule : PyCallable, IClassLike
{
    public override string Name => "relativedelta";

    public override string TypeName => "type";

    public override string Repr() => "<class 'dateutil.relativedelta.relativedelta'>";

    public bool IsInstance(object? o) => o is PyRelativeDelta;

    public override object? GetAttr(Run run, string name) => name == "relativedelta" ? this : base.GetAttr(run, name);

    private static readonly string[] Names =
        ["dt1", "dt2", "years", "months", "days", "leapdays", "weeks", "hours", "minutes", "seconds", "microseconds",
         "year", "month", "day", "weekday", "yearday", "nlyearday", "hour", "minute", "second", "microsecond"];

    public override object? Call(Run run, object?[] args, KwArgs? kw)
    {
        var p = Args.Bind("relativedelta", args, kw, Names, 0);
        var rd = new PyRelativeDelta();
        if (p[0] != null || p[1] != null)
        {
            static DateTime D(object? o) => o switch
            {
                PyDateTime x => x.Value,
                PyDate x => x.Value.ToDateTime(TimeOnly.MinValue),
                _ => throw PyException.TypeError("relativedelta only diffs datetime/date"),
            };
            var da = D(p[0]);
            var db = D(p[1]);
            var months = ((da.Year - db.Year) * 12) + (da.Month - db.Month);
            var sign = da >= db ? 1 : -1;
            DateTime Shift(int m) => db.AddMonths(m);
            while (sign > 0 ? Shift(months) > da : Shift(months) < da)
            {
                months -= sign;
            }

            rd.Years = months / 12;
            rd.Months = months % 12;
            var rest = da - Shift(months);
            rd.Days = rest.Days;
            rd.Hours = rest.Hours;
            rd.Minutes = rest.Minutes;
            rd.Seconds = rest.Seconds;
            rd.Microseconds = (rest.Ticks % TimeSpan.TicksPerSecond) / 10;
            return rd;
        }

        static long L(object? o) => o == null ? 0 : Ops.ToLong(o);
        static long? N(object? o) => o == null ? null : Ops.ToLong(o);
        rd.Years = L(p[2]);
        rd.Months = L(p[3]);
        rd.Days = L(p[4]) + (L(p[6]) * 7);
        rd.Hours = L(p[7]);
        rd.Minutes = L(p[8]);
        rd.Seconds = L(p[9]);
        rd.Microseconds = L(p[10]);
        rd.Year = N(p[11]);
        rd.Month = N(p[12]);
        rd.Day = N(p[13]);
        rd.Weekday = N(p[14]);
        rd.Hour = N(p[17]);
        rd.Minute = N(p[18]);
        rd.Second = N(p[19]);
        rd.Microsecond = N(p[20]);
        if (rd.Month is < 1 or > 12)
        {
            throw PyException.ValueError("month must be in 1..12");
        }

        rd.Normalize();
        return rd;
    }
}

internal sealed class PyRelativeDelta : PyObject
{
    public long Years;
    public long Months;
    public long Days;
    public long Hours;
    public long Minutes;
    public long Seconds;
    public long Microseconds;
    public long? Year;
    public long? Month;
    public long? Day;
    public long? Weekday;
    public long? Hour;
    public long? Minute;
    public long? Second;
    public long? Microsecond;

    public override string TypeName => "relativedelta";

    public void Normalize()
    {
        // dateutil's _fix(): carry overflowing units upwards
        static void Carry(ref long small, ref long big, long size)
        {
            if (Math.Abs(small) >= size)
            {
                var s = Math.Sign(small);
                var q = Math.DivRem(small * s, size, out var r);
                small = r * s;
                big += q * s;
            }
        }

        Carry(ref Microseconds, ref Seconds, 1000000);
        Carry(ref Seconds, ref Minutes, 60);
        Carry(ref Minutes, ref Hours, 60);
        Carry(ref Hours, ref Days, 24);
        Carry(ref Months, ref Years, 12);
    }

    public PyRelativeDelta Negate() => new()
    {
        Years = -Years,
        Months = -Months,
        Days = -Days,
        Hours = -Hours,
        Minutes = -Minutes,
        Seconds = -Seconds,
        Microseconds = -Microseconds,
        Year = Year,
        Month = Month,
        Day = Day,
        Weekday = Weekday,
        Hour = Hour,
        Minute = Minute,
        Second = Second,
        Microsecond = Microsecond,
    };

    public object ApplyTo(PyObject date)
    {
        var isDateTime = date is PyDateTime;
        var dt = date is PyDateTime d ? d.Value : ((PyDate)date).Value.ToDateTime(TimeOnly.MinValue);
        var year = (Year ?? dt.Year) + Years;
        var month = (long)(Month ?? dt.Month);
        if (Months != 0)
        {
            month += Months;
            if (month > 12)
            {
                year += 1;
                month -= 12;
            }
            else if (month < 1)
            {
                year -= 1;
                month += 12;
            }
        }

        if (year < 1 || year > 9999)
        {
            throw PyException.ValueError($"year {year} is out of range");
        }

        var day = Math.Min(DateTime.DaysInMonth((int)year, (int)month), Day ?? dt.Day);
        var baseDt = new DateTime((int)year, (int)month, (int)day, (int)(Hour ?? dt.Hour), (int)(Minute ?? dt.Minute), (int)(Second ?? dt.Second))
            .AddTicks(Microsecond.HasValue ? Microsecond.Value * 10 : dt.Ticks % TimeSpan.TicksPerSecond);
        var result = baseDt.AddDays(Days).AddHours(Hours).AddMinutes(Minutes).AddSeconds(Seconds).AddTicks(Microseconds * 10);
        if (Weekday.HasValue)
        {
            var wd = ((int)result.DayOfWeek + 6) % 7;
            var jump = ((int)Weekday.Value - wd + 7) % 7;
            result = result.AddDays(jump);
        }

        if (!isDateTime && Hours == 0 && Minutes == 0 && Seconds == 0 && Microseconds == 0 && Hour == null && Minute == null && Second == null && Microsecond == null)
        {
            return new PyDate(DateOnly.FromDateTime(result));
        }

        return new PyDateTime(result, (date as PyDateTime)?.Tz);
    }

    public override string Repr()
    {
        var sb = new StringBuilder("relativedelta(");
        var parts = new List<string>();
        void Rel(string n, long v)
        {
            if (v != 0)
            {
                parts.Add($"{n}={(v > 0 ? "+" : "")}{v}");
            }
        }

        void Abs(string n, long? v)
        {
            if (v.HasValue)
            {
                parts.Add($"{n}={v}");
            }
        }

        Rel("years", Years);
        Rel("months", Months);
        Rel("days", Days);
        Rel("hours", Hours);
        Rel("minutes", Minutes);
        Rel("seconds", Seconds);
        Rel("microseconds", Microseconds);
        Abs("year", Year);
        Abs("month", Month);
        Abs("day", Day);
        Abs("weekday", Weekday);
        Abs("hour", Hour);
        Abs("minute", Minute);
        Abs("second", Second);
        Abs("microsecond", Microsecond);
        return sb.Append(string.Join(", ", parts)).Append(')').ToString();
    }

    public override bool IsTrue() => Years != 0 || Months != 0 || Days != 0 || Hours != 0 || Minutes != 0 || Seconds != 0 || Microseconds != 0
        || Year.HasValue || Month.HasValue || Day.HasValue || Weekday.HasValue || Hour.HasValue || Minute.HasValue || Second.HasValue || Microsecond.HasValue;

    public override bool PyEquals(object? other) => other is PyRelativeDelta r && r.Repr() == Repr();

    public override int PyHash() => Repr().GetHashCode(StringComparison.Ordinal);

    public override object? GetAttr(Run run, string name) => name switch
    {
        "years" => Years,
        "months" => Months,
        "days" => Days,
        "hours" => Hours,
        "minutes" => Minutes,
        "seconds" => Seconds,
        "microseconds" => Microseconds,
        "year" => Year,
        "month" => Month,
        "day" => Day,
        "weeks" => Days / 7,
        _ => base.GetAttr(run, name),
    };

    public override object? BinaryOp(Run run, string op, object? other, bool reflected)
    {
        switch (op)
        {
            case "neg":
                return Negate();
            case "+" when other is PyRelativeDelta r:
                {
                    var s = new PyRelativeDelta
                    {
                        Years = Years + r.Years,
                        Months = Months + r.Months,
                        Days = Days + r.Days,
                        Hours = Hours + r.Hours,
                        Minutes = Minutes + r.Minutes,
                        Seconds = Seconds + r.Seconds,
                        Microseconds = Microseconds + r.Microseconds,
                        Year = r.Year ?? Year,
                        Month = r.Month ?? Month,
                        Day = r.Day ?? Day,
                        Weekday = r.Weekday ?? Weekday,
                        Hour = r.Hour ?? Hour,
                        Minute = r.Minute ?? Minute,
                        Second = r.Second ?? Second,
                        Microsecond = r.Microsecond ?? Microsecond,
                    };
                    s.Normalize();
                    return s;
                }

            case "-" when other is PyRelativeDelta r && !reflected:
                return BinaryOp(run, "+", r.Negate(), false);
            case "+" when other is PyDate or PyDateTime:
                return ApplyTo((PyObject)other);
            case "-" when other is PyDate or PyDateTime && reflected:
                return Negate().ApplyTo((PyObject)other!);
            case "*" when other is long or bool:
                {
                    var f = Ops.ToLong(other);
                    var m = new PyRelativeDelta
                    {
                        Years = Years * f,
                        Months = Months * f,
                        Days = Days * f,
                        Hours = Hours * f,
                        Minutes = Minutes * f,
                        Seconds = Seconds * f,
                        Microseconds = Microseconds * f,
                        Year = Year,
                        Month = Month,
                        Day = Day,
                        Weekday = Weekday,
                        Hour = Hour,
                        Minute = Minute,
                        Second = Second,
                        Microsecond = Microsecond,
                    };
                    m.Normalize();
                    return m;
                }

            default:
                return NotImplemented.Value;
        }
    }
}
