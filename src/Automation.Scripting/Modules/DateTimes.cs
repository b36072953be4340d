using System.Globalization;
using System.Text;
using Automation.Scripting.Runtime;

namespace Automation.Scripting.Modules;

/// <summary>A pytz-like time zone: <c>timezone('Europe/Brussels').localize(dt)</c>, <c>dt.astimezone(tz)</c>.</summary>
internal sealed class PyTzInfo(string name, TimeZoneInfo zone) : PyObject
{
    public static readonly PyTzInfo Utc = new("UTC", TimeZoneInfo.Utc);

    public string Name { get; } = name;

    public TimeZoneInfo Zone { get; } = zone;

    public override string TypeName => "tzinfo";

    public override string Repr() => Name == "UTC" ? "<UTC>" : $"<DstTzInfo '{Name}'>";

    public override string Str() => Name;

    public override bool PyEquals(object? other) => other is PyTzInfo t && t.Zone.Id == Zone.Id;

    public override int PyHash() => Zone.Id.GetHashCode(StringComparison.Ordinal);

    public static PyTzInfo Get(string name)
    {
        if (name is "UTC" or "utc" or "Etc/UTC" or "GMT")
        {
            return Utc;
        }

        try
        {
            return new PyTzInfo(name, TimeZoneInfo.FindSystemTimeZoneById(name));
        }
        catch (TimeZoneNotFoundException)
        {
            throw new PyException(new PyExceptionObject(PyExceptionType.KeyError, [name]));
        }
        catch (InvalidTimeZoneException)
        {
            throw PyException.KeyError(name);
        }
    }

    public TimeSpan OffsetAt(DateTime local) => Zone.GetUtcOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified));

    public override object? GetAttr(Run run, string name) => name switch
    {
        "zone" => Name,
        "localize" or "normalize" or "utcoffset" => new PyBoundMethod(this, name),
        _ => base.GetAttr(run, name),
    };

    public override object? CallMethod(Run run, string name, object?[] a, KwArgs? kw)
    {
        switch (name)
        {
            case "localize":
                {
                    if (a.Length < 1 || a[0] is not PyDateTime dt)
                    {
                        throw PyException.TypeError("localize() expects a datetime");
                    }

                    if (dt.Tz != null)
                    {
                        throw PyException.ValueError("Not naive datetime (tzinfo is already set)");
                    }

                    return new PyDateTime(dt.Value, this);
                }

            case "normalize":
                {
                    if (a.Length < 1 || a[0] is not PyDateTime dt)
                    {
                        throw PyException.TypeError("normalize() expects a datetime");
                    }

                    return dt.AsTimeZone(this);
                }

            case "utcoffset":
                return a.Length > 0 && a[0] is PyDateTime d ? new PyTimeDelta(OffsetAt(d.Value)) : null;
            default:
                return base.CallMethod(run, name, a, kw);
        }
    }
}

internal sealed class PyTimeDelta(TimeSpan value) : PyObject, Formatting.IPyFormattable
{
    public TimeSpan Value { get; } = value;

    public override string TypeName => "timedelta";

    public long Days => (long)Math.Floor(Value.Ticks / (double)TimeSpan.TicksPerDay);

    public long Seconds => (Value.Ticks - (Days * TimeSpan.TicksPerDay)) / TimeSpan.TicksPerSecond;

    public long Microseconds => (Value.Ticks - (Days * TimeSpan.TicksPerDay) - (Seconds * TimeSpan.TicksPerSecond)) / 10;

    public override bool IsTrue() => Value != TimeSpan.Zero;

    public override string Repr()
    {
        var parts = new List<string>();
        if (Days != 0)
        {
            parts.Add($"days={Days}");
        }

        if (Seconds != 0)
        {
            parts.Add($"seconds={Seconds}");
        }

        if (Microseconds != 0)
        {
            parts.Add($"microseconds={Microseconds}");
        }

        return "datetime.timedelta(" + (parts.Count == 0 ? "0" : string.Join(", ", parts)) + ")";
    }

    public override string Str()
    {
        var s = Seconds;
        var hms = $"{s / 3600}:{s / 60 % 60:00}:{s % 60:00}";
        if (Microseconds != 0)
        {
            hms += $".{Microseconds:000000}";
        }

        return Days == 0 ? hms : $"{Days} day{(Math.Abs(Days) == 1 ? "" : "s")}, {hms}";
    }

    public string Format(Run run, string spec) => Formatting.Format(run, Str(), spec);

    public override bool PyEquals(object? other) => other is PyTimeDelta t && t.Value == Value;

    public override int PyHash() => Value.GetHashCode();

    public override int? CompareTo(object? other) => other is PyTimeDelta t ? Value.CompareTo(t.Value) : null;

    public override object? GetAttr(Run run, string name) => name switch
    {
        "days" => Days,
        "seconds" => Seconds,
        "microseconds" => Microseconds,
        "total_seconds" => new PyBoundMethod(this, name),
        _ => base.GetAttr(run, name),
    };

    public override object? CallMethod(Run run, string name, object?[] a, KwArgs? kw) => name == "total_seconds"
        ? Value.Ticks / (double)TimeSpan.TicksPerSecond
        : base.CallMethod(run, name, a, kw);

    public override object? BinaryOp(Run run, string op, object? other, bool reflected)
    {
        switch (op)
        {
            case "neg":
                return new PyTimeDelta(-Value);
            case "+" when other is PyTimeDelta t:
                return new PyTimeDelta(Value + t.Value);
            case "-" when other is PyTimeDelta t:
                return new PyTimeDelta(reflected ? t.Value - Value : Value - t.Value);
            case "*" when other is long or bool:
                return new PyTimeDelta(TimeSpan.FromTicks(checked(Value.Ticks * Ops.ToLong(other))));
            case "*" when other is double d:
                return new PyTimeDelta(TimeSpan.FromTicks((long)Math.Round(Value.Ticks * d / 10, MidpointRounding.ToEven) * 10));
            case "/" when other is PyTimeDelta t && !reflected:
                if (t.Value == TimeSpan.Zero)
                {
                    throw PyException.ZeroDivision("division by zero");
                }

                return Value.Ticks / (double)t.Value.Ticks;
            case "/" when (other is long or double) && !reflected:
                {
                    var d = Ops.ToDouble(other);
                    if (d == 0)
                    {
                        throw PyException.ZeroDivision("division by zero");
                    }

                    return new PyTimeDelta(TimeSpan.FromTicks((long)Math.Round(Value.Ticks / d / 10, MidpointRounding.ToEven) * 10));
                }

            case "//" when other is PyTimeDelta t && !reflected:
                if (t.Value == TimeSpan.Zero)
                {
                    throw PyException.ZeroDivision("integer division or modulo by zero");
                }

                return (long)Math.Floor(Value.Ticks / (double)t.Value.Ticks);
            case "//" when other is long l && !reflected:
                if (l == 0)
                {
                    throw PyException.ZeroDivision("integer division or modulo by zero");
                }

                return new PyTimeDelta(TimeSpan.FromTicks((long)Math.Floor(Value.Ticks / 10 / (double)l) * 10));
            default:
                return NotImplemented.Value;
        }
    }
}

internal sealed class PyDate(DateOnly value) : PyObject, Formatting.IPyFormattable
{
    public DateOnly Value { get; } = value;

    public override string TypeName => "date";

    public override string Repr() => $"datetime.date({Value.Year}, {Value.Month}, {Value.Day})";

    public override string Str() => Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public string Format(Run run, string spec) => spec.Length == 0 ? Str() : StrFTime.Format(Value.ToDateTime(TimeOnly.MinValue), spec, null);

    public override bool PyEquals(object? other) => other is PyDate d && d.Value == Value;

    public override int PyHash() => Value.GetHashCode();

    public override int? CompareTo(object? other) => other is PyDate d ? Value.CompareTo(d.Value) : null;

    public override object? GetAttr(Run run, string name) => name switch
    {
        "year" => (long)Value.Year,
        "month" => (long)Value.Month,
        "day" => (long)Value.Day,
        "strftime" or "isoformat" or "weekday" or "isoweekday" or "replace" or "toordinal" or "timetuple" or "ctime" => new PyBoundMethod(this, name),
        _ => base.GetAttr(run, name),
    };

    public override object? CallMethod(Run run, string name, object?[] a, KwArgs? kw)
    {
        switch (name)
        {
            case "strftime":
                Args.Exact("strftime", a, kw, 1);
                return StrFTime.Format(Value.ToDateTime(TimeOnly.MinValue), a[0] as string ?? throw PyException.TypeError("strftime() argument 1 must be str"), null);
            case "isoformat":
                return Str();
            case "weekday":
                return (long)(((int)Value.DayOfWeek + 6) % 7);
            case "isoweekday":
                return (long)(((int)Value.DayOfWeek + 6) % 7) + 1;
            case "toordinal":
                return (long)Value.DayNumber + 1;
            case "ctime":
                return StrFTime.Format(Value.ToDateTime(TimeOnly.MinValue), "%a %b %d %H:%M:%S %Y", null).Replace(" 0", "  ", StringComparison.Ordinal);
            case "replace":
                {
                    var p = Args.Bind("replace", a, kw, ["year", "month", "day"], 0);
                    return new PyDate(DateTimeClass.MakeDate(p[0] ?? (long)Value.Year, p[1] ?? (long)Value.Month, p[2] ?? (long)Value.Day));
                }

            default:
                return base.CallMethod(run, name, a, kw);
        }
    }

    public override object? BinaryOp(Run run, string op, object? other, bool reflected)
    {
        switch (op)
        {
            case "+" when other is PyTimeDelta t:
                return new PyDate(AddDays(t.Days));
            case "-" when other is PyTimeDelta t && !reflected:
                return new PyDate(AddDays(-t.Days - (t.Seconds > 0 || t.Microseconds > 0 ? 0 : 0)));
            case "-" when other is PyDate d && other is not PyDateTime:
                return new PyTimeDelta(TimeSpan.FromDays((reflected ? d.Value.DayNumber - Value.DayNumber : Value.DayNumber - d.Value.DayNumber)));
            case "+" when other is PyRelativeDelta rd:
                return rd.ApplyTo(this);
            case "-" when other is PyRelativeDelta rd && !reflected:
                return rd.Negate().ApplyTo(this);
            default:
                return NotImplemented.Value;
        }
    }

    private DateOnly AddDays(long days)
    {
        try
        {
            return Value.AddDays(checked((int)days));
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or OverflowException)
        {
            throw PyException.Overflow("date value out of range");
        }
    }
}

internal sealed class PyDateTime(DateTime value, PyTzInfo? tz = null) : PyObject, Formatting.IPyFormattable
{
    public DateTime Value { get; } = DateTime.SpecifyKind(value, DateTimeKind.Unspecified);

    public PyTzInfo? Tz { get; } = tz;

    public override string TypeName => "datetime";

    public DateTime Utc => Tz == null ? Value : Value - Tz.OffsetAt(Value);

    public PyDateTime AsTimeZone(PyTzInfo target)
    {
        var utc = Tz == null ? Value : Utc;
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), target.Zone);
        return new PyDateTime(local, target);
    }

    private long Micro => (Value.Ticks % TimeSpan.TicksPerSecond) / 10;

    public override string Repr()
    {
        var sb = new StringBuilder($"datetime.datetime({Value.Year}, {Value.Month}, {Value.Day}, {Value.Hour}, {Value.Minute}");
        if (Value.Second != 0 || Micro != 0)
        {
            sb.Append(", ").Append(Value.Second);
        }

        if (Micro != 0)
        {
            sb.Append(", ").Append(Micro);
        }

        if (Tz != null)
        {
            sb.Append(", tzinfo=").Append(Tz.Repr());
        }

        return sb.Append(')').ToString();
    }

    public override string Str() => IsoFormat(" ");

    public string IsoFormat(string sep)
    {
        var s = Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + sep + Value.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        if (Micro != 0)
        {
            s += "." + Micro.ToString("000000", CultureInfo.InvariantCulture);
        }

        if (Tz != null)
        {
            var off = Tz.OffsetAt(Value);
            s += (off < TimeSpan.Zero ? "-" : "+") + off.Duration().ToString(@"hh\:mm", CultureInfo.InvariantCulture);
        }

        return s;
    }

    public string Format(Run run, string spec) => spec.Length == 0 ? Str() : StrFTime.Format(Value, spec, Tz);

    public override bool PyEquals(object? other) => other is PyDateTime d && (Tz == null) == (d.Tz == null) && d.Utc == Utc;

    public override int PyHash() => Utc.GetHashCode();

    public override int? CompareTo(object? other)
    {
        if (other is not PyDateTime d)
        {
            return null;
        }

        if ((Tz == null) != (d.Tz == null))
        {
            throw PyException.TypeError("can't compare offset-naive and offset-aware datetimes");
        }

        return Utc.CompareTo(d.Utc);
    }

    public override object? GetAttr(Run run, string name) => name switch
    {
        "year" => (long)Value.Year,
        "month" => (long)Value.Month,
        "day" => (long)Value.Day,
        "hour" => (long)Value.Hour,
        "minute" => (long)Value.Minute,
        "second" => (long)Value.Second,
        "microsecond" => Micro,
        "tzinfo" => Tz,
        "strftime" or "isoformat" or "weekday" or "isoweekday" or "replace" or "date" or "astimezone" or "timestamp"
            or "toordinal" or "utcoffset" or "ctime" => new PyBoundMethod(this, name),
        _ => base.GetAttr(run, name),
    };

    public override object? CallMethod(Run run, string name, object?[] a, KwArgs? kw)
    {
        switch (name)
        {
            case "strftime":
                Args.Exact("strftime", a, kw, 1);
                return StrFTime.Format(Value, a[0] as string ?? throw PyException.TypeError("strftime() argument 1 must be str"), Tz);
            case "isoformat":
                {
                    var p = Args.Bind("isoformat", a, kw, ["sep", "timespec"], 0);
                    return IsoFormat(p[0] as string ?? "T");
                }

            case "weekday":
                return (long)(((int)Value.DayOfWeek + 6) % 7);
            case "isoweekday":
                return (long)(((int)Value.DayOfWeek + 6) % 7) + 1;
            case "toordinal":
                return (long)DateOnly.FromDateTime(Value).DayNumber + 1;
            case "date":
                return new PyDate(DateOnly.FromDateTime(Value));
            case "ctime":
                return StrFTime.Format(Value, "%a %b %d %H:%M:%S %Y", null);
            case "utcoffset":
                return Tz == null ? null : new PyTimeDelta(Tz.OffsetAt(Value));
            case "timestamp":
                return (Utc - DateTime.UnixEpoch).Ticks / (double)TimeSpan.TicksPerSecond;
            case "astimezone":
                {
                    var target = a.Length > 0 ? a[0] as PyTzInfo ?? throw PyException.TypeError("astimezone() argument 1 must be a tzinfo") : PyTzInfo.Utc;
                    return AsTimeZone(target);
                }

            case "replace":
                {
                    var p = Args.Bind("replace", a, kw, ["year", "month", "day", "hour", "minute", "second", "microsecond", "tzinfo"], 0);
                    var date = DateTimeClass.MakeDate(p[0] ?? (long)Value.Year, p[1] ?? (long)Value.Month, p[2] ?? (long)Value.Day);
                    var dt = DateTimeClass.MakeDateTime(date, p[3] ?? (long)Value.Hour, p[4] ?? (long)Value.Minute, p[5] ?? (long)Value.Second, p[6] ?? Micro);
                    var tz = Args.HasKw(kw, "tzinfo") || a.Length > 7 ? p[7] as PyTzInfo : Tz;
                    return new PyDateTime(dt, tz);
                }

            default:
                return base.CallMethod(run, name, a, kw);
        }
    }

    public override object? BinaryOp(Run run, string op, object? other, bool reflected)
    {
        try
        {
            switch (op)
            {
                case "+" when other is PyTimeDelta t:
                    return new PyDateTime(Value + t.Value, Tz);
                case "-" when other is PyTimeDelta t && !reflected:
                    return new PyDateTime(Value - t.Value, Tz);
                case "-" when other is PyDateTime d:
                    if ((Tz == null) != (d.Tz == null))
                    {
                        throw PyException.TypeError("can't subtract offset-naive and offset-aware datetimes");
                    }

                    return new PyTimeDelta(reflected ? d.Utc - Utc : Utc - d.Utc);
                case "+" when other is PyRelativeDelta rd:
                    return rd.ApplyTo(this);
                case "-" when other is PyRelativeDelta rd && !reflected:
                    return rd.Negate().ApplyTo(this);
                default:
                    return NotImplemented.Value;
            }
        }
        catch (ArgumentOutOfRangeException)
        {
            throw PyException.Overflow("date value out of range");
        }
    }
}

/// <summary><c>datetime.datetime</c>: constructor and class methods.</summary>
internal sealed class DateTimeClass : PyCallable, IClassLike
{
    public static readonly DateTimeClass Instance = new();

    public override string Name => "datetime";

    public override string TypeName => "type";

    public override string Repr() => "<class 'datetime.datetime'>";

    public bool IsInstance(object? o) => o is PyDateTime;

    public static DateOnly MakeDate(object? y, object? m, object? d)
    {
        var year = Ops.ToLong(y);
        var month = Ops.ToLong(m);
        var day = Ops.ToLong(d);
        if (year < 1 || year > 9999)
        {
            throw PyException.ValueError($"year {year} is out of range");
        }

        if (month < 1 || month > 12)
        {
            throw PyException.ValueError("month must be in 1..12");
        }

        if (day < 1 || day > DateTime.DaysInMonth((int)year, (int)month))
        {
            throw PyException.ValueError("day is out of range for month");
        }

        return new DateOnly((int)year, (int)month, (int)day);
    }

    public static DateTime MakeDateTime(DateOnly date, object? h, object? mi, object? s, object? us)
    {
        var hour = Ops.ToLong(h);
        var minute = Ops.ToLong(mi);
        var second = Ops.ToLong(s);
        var micro = Ops.ToLong(us);
        if (hour is < 0 or > 23)
        {
            throw PyException.ValueError("hour must be in 0..23");
        }

        if (minute is < 0 or > 59)
        {
            throw PyException.ValueError("minute must be in 0..59");
        }

        if (second is < 0 or > 59)
        {
            throw PyException.ValueError("second must be in 0..59");
        }

        if (micro is < 0 or > 999999)
        {
            throw PyException.ValueError("microsecond must be in 0..999999");
        }

        return date.ToDateTime(new TimeOnly((int)hour, (int)minute, (int)second)).AddTicks(micro * 10);
    }

    public override object? Call(Run run, object?[] args, KwArgs? kw)
    {
        var p = Args.Bind("datetime", args, kw, ["year", "month", "day", "hour", "minute", "second", "microsecond", "tzinfo"], 3);
        var date = MakeDate(p[0], p[1], p[2]);
        return new PyDateTime(MakeDateTime(date, p[3] ?? 0L, p[4] ?? 0L, p[5] ?? 0L, p[6] ?? 0L), p[7] as PyTzInfo);
    }

    public override object? GetAttr(Run run, string name) => name switch
    {
        "now" or "today" or "utcnow" or "strptime" or "fromisoformat" or "combine" or "fromtimestamp" or "utcfromtimestamp"
            => new PyBoundMethod(this, name),
        "min" => new PyDateTime(DateTime.MinValue),
        "max" => new PyDateTime(new DateTime(9999, 12, 31, 23, 59, 59).AddTicks(9999990)),
        _ => base.GetAttr(run, name),
    };

    public override object? CallMethod(Run run, string name, object?[] a, KwArgs? kw)
    {
        switch (name)
        {
            case "now":
                {
                    var tz = a.Length > 0 ? a[0] as PyTzInfo : Args.Kw(kw, "tz") as PyTzInfo;
                    var now = Truncate(DateTime.UtcNow);
                    return tz == null ? new PyDateTime(now) : new PyDateTime(now, PyTzInfo.Utc).AsTimeZone(tz);
                }

            case "today":
            case "utcnow":
                return new PyDateTime(Truncate(DateTime.UtcNow));
            case "fromtimestamp":
            case "utcfromtimestamp":
                Args.Range(name, a, kw, 1, 2);
                return new PyDateTime(Truncate(DateTime.UnixEpoch.AddTicks((long)(Ops.ToDouble(a[0]) * TimeSpan.TicksPerSecond))));
            case "strptime":
                Args.Exact("strptime", a, kw, 2);
                return StrFTime.Parse(a[0] as string ?? throw PyException.TypeError("strptime() argument 1 must be str"), a[1] as string ?? throw PyException.TypeError("strptime() argument 2 must be str"));
            case "fromisoformat":
                {
                    Args.Exact("fromisoformat", a, kw, 1);
                    var s = a[0] as string ?? throw PyException.TypeError("fromisoformat: argument must be str");
                    var r = DateParser.ParseIso(s) ?? throw PyException.ValueError($"Invalid isoformat string: {Ops.Repr(s)}");
                    return r;
                }

            case "combine":
                {
                    Args.Range("combine", a, kw, 2, 3);
                    if (a[0] is not PyDate d)
                    {
                        throw PyException.TypeError("combine() argument 1 must be datetime.date");
                    }

                    var t = a[1] is PyDateTime dt ? dt.Value.TimeOfDay : TimeSpan.Zero;
                    return new PyDateTime(d.Value.ToDateTime(TimeOnly.MinValue) + t);
                }

            default:
                return base.CallMethod(run, name, a, kw);
        }
    }

    private static DateTime Truncate(DateTime d) => new(d.Ticks - (d.Ticks % 10), DateTimeKind.Unspecified);
}

internal sealed class DateClass : PyCallable, IClassLike
{
    public static readonly DateClass Instance = new();

    public override string Name => "date";

    public override string TypeName => "type";

    public override string Repr() => "<class 'datetime.date'>";

    public bool IsInstance(object? o) => o is PyDate;

    public override object? Call(Run run, object?[] args, KwArgs? kw)
    {
        var p = Args.Bind("date", args, kw, ["year", "month", "day"], 3);
        return new PyDate(DateTimeClass.MakeDate(p[0], p[1], p[2]));
    }

    public override object? GetAttr(Run run, string name) => name switch
    {
        "today" or "fromisoformat" or "fromordinal" => new PyBoundMethod(this, name),
        "min" => new PyDate(DateOnly.MinValue),
        "max" => new PyDate(DateOnly.MaxValue),
        _ => base.GetAttr(run, name),
    };

    public override object? CallMethod(Run run, string name, object?[] a, KwArgs? kw)
    {
        switch (name)
        {
            case "today":
                return new PyDate(DateOnly.FromDateTime(DateTime.UtcNow));
            case "fromordinal":
                Args.Exact("fromordinal", a, kw, 1);
                return new PyDate(DateOnly.FromDayNumber((int)Ops.ToLong(a[0]) - 1));
            case "fromisoformat":
                {
                    Args.Exact("fromisoformat", a, kw, 1);
                    var s = a[0] as string ?? throw PyException.TypeError("fromisoformat: argument must be str");
                    if (DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
                    {
                        return new PyDate(d);
                    }

                    throw PyException.ValueError($"Invalid isoformat string: {Ops.Repr(s)}");
                }

            default:
                return base.CallMethod(run, name, a, kw);
        }
    }
}

internal sealed class TimeDeltaClass : PyCallable, IClassLike
{
    public static readonly TimeDeltaClass Instance = new();

    public override string Name => "timedelta";

    public override string TypeName => "type";

    public override string Repr() => "<class 'datetime.timedelta'>";

    public bool IsInstance(object? o) => o is PyTimeDelta;

    public override object? Call(Run run, object?[] args, KwArgs? kw)
    {
        var p = Args.Bind("timedelta", args, kw, ["days", "seconds", "microseconds", "milliseconds", "minutes", "hours", "weeks"], 0);
        double[] factors = [86400e6, 1e6, 1, 1e3, 60e6, 3600e6, 7 * 86400e6];
        decimal micro = 0;
        for (var i = 0; i < p.Length; i++)
        {
            if (p[i] != null)
            {
                micro += (decimal)Ops.ToDouble(p[i]) * (decimal)factors[i];
            }
        }

        micro = Math.Round(micro, MidpointRounding.ToEven);
        if (Math.Abs(micro) > 999999999m * 86400e6m)
        {
            throw PyException.Overflow("days=1000000000; must have magnitude <= 999999999");
        }

        return new PyTimeDelta(TimeSpan.FromTicks((long)(micro * 10)));
    }

    public override object? GetAttr(Run run, string name) => name switch
    {
        "min" => new PyTimeDelta(TimeSpan.FromDays(-999999999 / 100)),
        "max" => new PyTimeDelta(TimeSpan.FromDays(999999999 / 100)),
        _ => base.GetAttr(run, name),
    };
}
