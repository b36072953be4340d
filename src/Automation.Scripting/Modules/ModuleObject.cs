using Automation.Scripting.Runtime;

namespace Automation.Scripting.Modules;

/// <summary>A type-like object that isinstance() understands (datetime classes).</summary>
internal interface IClassLike
{
    bool IsInstance(object? o);
}

/// <summary>A namespace object such as <c>datetime</c> or <c>json</c>: fixed attributes, nothing else.</summary>
internal sealed class ModuleObject(string name, Dictionary<string, object?> attrs) : PyObject
{
    public string Name { get; } = name;

    public override string TypeName => "module";

    public override string Repr() => $"<module '{Name}'>";

    public override object? GetAttr(Run run, string name) =>
        attrs.TryGetValue(name, out var v) ? v : throw PyException.AttributeError($"module '{Name}' has no attribute '{name}'");
}

/// <summary>The modules available by name (SCRIPTING.md), never through import.</summary>
internal static class ModuleTable
{
    public static readonly IReadOnlyCollection<string> Names = ["time", "datetime", "dateutil", "relativedelta", "timezone", "pytz", "json", "float_compare", "float_round", "float_is_zero"];

    public static readonly ModuleObject DateTimeModule = new("datetime", new()
    {
        ["datetime"] = DateTimeClass.Instance,
        ["date"] = DateClass.Instance,
        ["timedelta"] = TimeDeltaClass.Instance,
        ["timezone"] = new ModuleObject("datetime.timezone", new() { ["utc"] = PyTzInfo.Utc }),
        ["MINYEAR"] = 1L,
        ["MAXYEAR"] = 9999L,
    });

    public static readonly RelativeDeltaModule RelativeDelta = new();

    public static readonly ModuleObject DateUtil = new("dateutil", new()
    {
        ["relativedelta"] = RelativeDelta,
        ["parser"] = new ModuleObject("dateutil.parser", new() { ["parse"] = new PyBuiltin("parse", (r, a, kw) => DateParser.Parse(r, a, kw)) }),
        ["tz"] = new ModuleObject("dateutil.tz", new()
        {
            ["gettz"] = new PyBuiltin("gettz", (r, a, kw) => a.Length == 0 || a[0] == null ? PyTzInfo.Utc : PyTzInfo.Get(Ops.Str(a[0]))),
            ["tzutc"] = new PyBuiltin("tzutc", (r, a, kw) => PyTzInfo.Utc),
            ["UTC"] = PyTzInfo.Utc,
        }),
    });

    public static readonly PyBuiltin Timezone = new("timezone", (r, a, kw) =>
    {
        Args.Exact("timezone", a, kw, 1);
        return PyTzInfo.Get(a[0] as string ?? throw PyException.TypeError("timezone() argument must be a string"));
    });

    public static readonly ModuleObject Pytz = new("pytz", new()
    {
        ["timezone"] = Timezone,
        ["utc"] = PyTzInfo.Utc,
        ["UTC"] = PyTzInfo.Utc,
    });

    public static readonly ModuleObject Time = new("time", new()
    {
        ["time"] = new PyBuiltin("time", (r, a, kw) => (DateTime.UtcNow - DateTime.UnixEpoch).TotalSeconds),
        ["strftime"] = new PyBuiltin("strftime", (r, a, kw) =>
        {
            Args.Range("strftime", a, kw, 1, 2);
            var fmt = a[0] as string ?? throw PyException.TypeError("strftime() argument 1 must be str");
            var when = a.Length > 1 && a[1] is PyTuple t && t.Items.Length >= 6
                ? new DateTime((int)Ops.ToLong(t.Items[0]), (int)Ops.ToLong(t.Items[1]), (int)Ops.ToLong(t.Items[2]), (int)Ops.ToLong(t.Items[3]), (int)Ops.ToLong(t.Items[4]), (int)Ops.ToLong(t.Items[5]), DateTimeKind.Unspecified)
                : DateTime.UtcNow;
            return StrFTime.Format(when, fmt, null);
        }),
        ["gmtime"] = new PyBuiltin("gmtime", (r, a, kw) =>
        {
            var d = a.Length > 0 && a[0] != null ? DateTime.UnixEpoch.AddSeconds(Ops.ToDouble(a[0])) : DateTime.UtcNow;
            return new PyTuple([(long)d.Year, (long)d.Month, (long)d.Day, (long)d.Hour, (long)d.Minute, (long)d.Second, (long)(((int)d.DayOfWeek + 6) % 7), (long)d.DayOfYear, 0L]);
        }),
    });

    public static readonly ModuleObject Json = new("json", new()
    {
        ["dumps"] = new PyBuiltin("dumps", (r, a, kw) => JsonModule.Dumps(r, a, kw)),
        ["loads"] = new PyBuiltin("loads", (r, a, kw) => JsonModule.Loads(r, a, kw)),
        ["JSONDecodeError"] = JsonModule.DecodeError,
    });

    public static readonly PyBuiltin FloatCompare = new("float_compare", (r, a, kw) => FloatUtils.Compare(a, kw));

    public static readonly PyBuiltin FloatRound = new("float_round", (r, a, kw) => FloatUtils.RoundBuiltin(a, kw));

    public static readonly PyBuiltin FloatIsZero = new("float_is_zero", (r, a, kw) => FloatUtils.IsZeroBuiltin(a, kw));

    public static object? Get(string name) => name switch
    {
        "time" => Time,
        "datetime" => DateTimeModule,
        "dateutil" => DateUtil,
        "relativedelta" => RelativeDelta,
        "timezone" => Timezone,
        "pytz" => Pytz,
        "json" => Json,
        "float_compare" => FloatCompare,
        "float_round" => FloatRound,
        "float_is_zero" => FloatIsZero,
        _ => Unbound.Instance,
    };
}

internal static class FloatUtils
{
    private static double Factor(object? digits, object? rounding)
    {
        if (rounding != null)
        {
            return Ops.ToDouble(rounding);
        }

        if (digits != null)
        {
            return Math.Pow(10, -Ops.ToLong(digits));
        }

        throw PyException.Make(PyExceptionType.AssertionError, "precision_rounding or precision_digits must be specified");
    }

    // Odoo tools.float_utils.float_round (HALF-UP with a 1-ulp epsilon)
    public static double Round(double value, double factor)
    {
        if (factor == 0 || value == 0)
        {
            return 0.0;
        }

        var normalized = value / factor;
        var epsilonMagnitude = Math.Log2(Math.Abs(normalized));
        var epsilon = Math.Pow(2, epsilonMagnitude - 52);
        normalized += Math.CopySign(epsilon, normalized);
        var rounded = Math.Round(normalized, MidpointRounding.ToEven);
        return rounded * factor;
    }

    public static bool IsZero(double value, double factor) => Math.Abs(Round(value, factor)) < factor;

    public static object Compare(object?[] a, KwArgs? kw)
    {
        var p = Args.Bind("float_compare", a, kw, ["value1", "value2", "precision_digits", "precision_rounding"], 2);
        var factor = Factor(p[2], p[3]);
        var v1 = Round(Ops.ToDouble(p[0]), factor);
        var v2 = Round(Ops.ToDouble(p[1]), factor);
        var delta = v1 - v2;
        if (IsZero(delta, factor))
        {
            return 0L;
        }

        return delta < 0 ? -1L : 1L;
    }

    public static object RoundBuiltin(object?[] a, KwArgs? kw)
    {
        var p = Args.Bind("float_round", a, kw, ["value", "precision_digits", "precision_rounding", "rounding_method"], 1);
        return Round(Ops.ToDouble(p[0]), Factor(p[1], p[2]));
    }

    public static object IsZeroBuiltin(object?[] a, KwArgs? kw)
    {
        var p = Args.Bind("float_is_zero", a, kw, ["value", "precision_digits", "precision_rounding"], 1);
        return IsZero(Ops.ToDouble(p[0]), Factor(p[1], p[2]));
    }
}
