using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;

namespace Automation.Scripting.Runtime;

/// <summary>The semantics of Python's operators and protocols over interpreter values.</summary>
internal static partial class Ops
{
    public static readonly object True = true;
    public static readonly object False = false;
    private static readonly object[] SmallInts = CreateSmallInts();

    private static object[] CreateSmallInts()
    {
        var r = new object[1024 + 5];
        for (var i = 0; i < r.Length; i++)
        {
            r[i] = (long)(i - 5);
        }

        return r;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static object Box(long v) => (ulong)(v + 5) < 1029 ? SmallInts[v + 5] : v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static object Box(bool v) => v ? True : False;

    public static object Int(BigInteger b) => b >= long.MinValue && b <= long.MaxValue ? Box((long)b) : b;

    public static string TypeName(object? o) => o switch
    {
        null => "NoneType",
        bool => "bool",
        long or BigInteger => "int",
        double => "float",
        string => "str",
        PyObject p => p.TypeName,
        _ => o.GetType().Name,
    };

    public static bool IsInt(object? o) => o is long or BigInteger or bool;

    public static bool IsNumber(object? o) => o is long or double or BigInteger or bool;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsTrue(object? o)
    {
        if (o is bool b)
        {
            return b;
        }

        return o switch
        {
            null => false,
            long l => l != 0,
            string s => s.Length != 0,
            double d => d != 0,
            BigInteger bi => !bi.IsZero,
            PyObject p => p.IsTrue(),
            _ => true,
        };
    }

    public static long ToLong(object? o) => o switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        BigInteger bi => bi >= long.MinValue && bi <= long.MaxValue ? (long)bi : throw PyException.Overflow("Python int too large to convert to C long"),
        _ => throw PyException.TypeError($"'{TypeName(o)}' object cannot be interpreted as an integer"),
    };

    public static long ToIndex(object? o) => o switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        BigInteger bi => bi >= long.MinValue && bi <= long.MaxValue ? (long)bi : throw PyException.Make(PyExceptionType.IndexError, "cannot fit 'int' into an index-sized integer"),
        _ => throw PyException.TypeError($"slice indices must be integers or None or have an __index__ method"),
    };

    public static BigInteger ToBig(object? o) => o switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        BigInteger bi => bi,
        _ => throw PyException.TypeError($"'{TypeName(o)}' object cannot be interpreted as an integer"),
    };

    public static double ToDouble(object? o) => o switch
    {
        double d => d,
        long l => l,
        bool b => b ? 1 : 0,
        BigInteger bi => BigToDouble(bi),
        _ => throw PyException.TypeError($"must be real number, not {TypeName(o)}"),
    };

    /// <summary>int → float, correctly rounded (half to even) like CPython; BigInteger's own cast truncates.</summary>
    public static double BigToDouble(BigInteger bi)
    {
        var negative = bi.Sign < 0;
        var n = BigInteger.Abs(bi);
        var bits = (int)n.GetBitLength();
        double d;
        if (bits <= 63)
        {
            d = (long)n;
        }
        else
        {
            // keep 55 bits plus a sticky bit; the long → double conversion then rounds exactly once
            var shift = bits - 55;
            var q = n >> shift;
            if (!(n & ((BigInteger.One << shift) - 1)).IsZero)
            {
                q |= 1;
            }

            d = Math.ScaleB((double)(long)q, shift);
        }

        if (double.IsInfinity(d))
        {
            throw PyException.Overflow("int too large to convert to float");
        }

        return negative ? -d : d;
    }

    // ---------------------------------------------------------------- repr / str

    public static string Repr(object? o) => o switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => FloatRepr(d),
        string s => StrRepr(s),
        BigInteger bi => IntToString(bi),
        PyObject p => p.Repr(),
        _ => o.ToString() ?? "",
    };

    public static string Str(object? o) => o switch
    {
        string s => s,
        PyObject p => p.Str(),
        _ => Repr(o),
    };

    public static string IntToString(BigInteger bi)
    {
        if (bi.GetBitLength() > 14300)
        {
            // more than 4300 decimal digits for sure: refuse before the quadratic conversion
            throw PyException.ValueError("Exceeds the limit (4300 digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit");
        }

        var s = bi.ToString(CultureInfo.InvariantCulture);
        if (s.Length > 4300 + (bi.Sign < 0 ? 1 : 0))
        {
            throw PyException.ValueError($"Exceeds the limit (4300 digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit");
        }

        return s;
    }

    public static string FloatRepr(double d)
    {
        if (double.IsNaN(d))
        {
            return "nan";
        }

        if (double.IsInfinity(d))
        {
            return d > 0 ? "inf" : "-inf";
        }

        if (d == 0)
        {
            return double.IsNegative(d) ? "-0.0" : "0.0";
        }

        var (neg, digits, decpt) = ShortestDigits(d);
        string body;
        if (decpt > -4 && decpt <= 16)
        {
            if (decpt <= 0)
            {
                body = "0." + new string('0', -decpt) + digits;
            }
            else if (decpt >= digits.Length)
            {
                body = digits + new string('0', decpt - digits.Length) + ".0";
            }
            else
            {
                body = digits[..decpt] + "." + digits[decpt..];
            }
        }
        else
        {
            var exp = decpt - 1;
            body = digits[..1] + (digits.Length > 1 ? "." + digits[1..] : "") + "e" + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture);
        }

        return neg ? "-" + body : body;
    }

    /// <summary>Shortest round-trip digits of |d| and the decimal point position (value = 0.digits × 10^decpt).</summary>
    public static (bool Negative, string Digits, int DecimalPoint) ShortestDigits(double d)
    {
        var r = d.ToString(CultureInfo.InvariantCulture);
        var neg = r[0] == '-';
        if (neg)
        {
            r = r[1..];
        }

        var exp = 0;
        var e = r.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exp = int.Parse(r[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            r = r[..e];
        }

        var dot = r.IndexOf('.', StringComparison.Ordinal);
        var intPart = dot >= 0 ? r[..dot] : r;
        var frac = dot >= 0 ? r[(dot + 1)..] : "";
        var digits = intPart + frac;
        var decpt = intPart.Length + exp;
        var lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0')
        {
            lead++;
        }

        digits = digits[lead..];
        decpt -= lead;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
        {
            digits = "0";
        }

        return (neg, digits, decpt);
    }

    public static string StrRepr(string s)
    {
        var quote = s.Contains('\'', StringComparison.Ordinal) && !s.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        var sb = new StringBuilder(s.Length + 2);
        sb.Append(quote);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == quote || c == '\\')
            {
                sb.Append('\\').Append(c);
            }
            else if (c == '\n')
            {
                sb.Append("\\n");
            }
            else if (c == '\r')
            {
                sb.Append("\\r");
            }
            else if (c == '\t')
            {
                sb.Append("\\t");
            }
            else if (c < ' ' || c == 0x7f)
            {
                sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
            }
            else if (c < 0x7f)
            {
                sb.Append(c);
            }
            else
            {
                int cp = c;
                var len = 1;
                if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                {
                    cp = char.ConvertToUtf32(c, s[i + 1]);
                    len = 2;
                }

                if (IsPrintable(cp))
                {
                    sb.Append(s, i, len);
                }
                else if (cp < 0x100)
                {
                    sb.Append("\\x").Append(cp.ToString("x2", CultureInfo.InvariantCulture));
                }
                else if (cp < 0x10000)
                {
                    sb.Append("\\u").Append(cp.ToString("x4", CultureInfo.InvariantCulture));
                }
                else
                {
                    sb.Append("\\U").Append(cp.ToString("x8", CultureInfo.InvariantCulture));
                }

                i += len - 1;
            }
        }

        return sb.Append(quote).ToString();
    }

    public static bool IsPrintable(int cp)
    {
        if (cp == ' ')
        {
            return true;
        }

        var cat = cp >= 0xD800 && cp <= 0xDFFF ? UnicodeCategory.Surrogate : CharUnicodeInfo.GetUnicodeCategory(cp);
        return cat is not (UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
            or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator
            or UnicodeCategory.ParagraphSeparator or UnicodeCategory.SpaceSeparator);
    }

    // ---------------------------------------------------------------- equality / hashing / ordering

    public static bool Eq(object? a, object? b)
    {
        if (a is long x && b is long y)
        {
            return x == y;
        }

        if (a is string s1)
        {
            return b is string s2 && string.Equals(s1, s2, StringComparison.Ordinal);
        }

        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        if (IsNumber(a) && IsNumber(b))
        {
            return NumCompare(a, b) == 0;
        }

        if (a is PyObject pa)
        {
            return pa.PyEquals(b) || (b is PyObject pb && !ReferenceEquals(pa, pb) && pb.GetType() != pa.GetType() && pb.PyEquals(a));
        }

        if (b is PyObject pb2)
        {
            return pb2.PyEquals(a);
        }

        return false;
    }

    public static int Hash(object? o) => o switch
    {
        null => 0,
        long l => l.GetHashCode(),
        bool b => b ? 1L.GetHashCode() : 0L.GetHashCode(),
        string s => s.GetHashCode(StringComparison.Ordinal),
        double d => double.IsFinite(d) && Math.Floor(d) == d && Math.Abs(d) < 9.2e18 ? ((long)d).GetHashCode() : d.GetHashCode(),
        BigInteger bi => bi.GetHashCode(),
        PyObject p => p.PyHash(),
        _ => o.GetHashCode(),
    };

    private static double SafeDouble(BigInteger b) => b.GetBitLength() > 1023 ? (b.Sign < 0 ? double.NegativeInfinity : double.PositiveInfinity) : BigToDouble(b);

    /// <summary>Numeric three-way compare (NaN compares unequal: returns 2).</summary>
    public static int NumCompare(object a, object b)
    {
        if (a is double || b is double)
        {
            if (a is BigInteger ba && b is double db && double.IsFinite(db))
            {
                return ba.CompareTo(new BigInteger(Math.Floor(db))) is var c && c != 0 ? c : (db == Math.Floor(db) ? 0 : -1);
            }

            if (b is BigInteger bb && a is double da && double.IsFinite(da))
            {
                return -NumCompare(b, a);
            }

            var x = a is BigInteger ba2 ? SafeDouble(ba2) : ToDouble(a);
            var y = b is BigInteger bb2 ? SafeDouble(bb2) : ToDouble(b);
            if (double.IsNaN(x) || double.IsNaN(y))
            {
                return 2;
            }

            return x.CompareTo(y);
        }

        if (a is BigInteger || b is BigInteger)
        {
            return ToBig(a).CompareTo(ToBig(b));
        }

        return ToLong(a).CompareTo(ToLong(b));
    }

    private static string OpName(string op) => op;

    [ThreadStatic]
    private static string? _comparisonOperator;

    /// <summary>The operator of the comparison in progress, so nested element comparisons report it (CPython does).</summary>
    public static string ComparisonOperator => _comparisonOperator ?? "<";

    /// <summary>Three-way compare for ordering operators; 2 means "unordered" (NaN, incomparable sets).</summary>
    public static int CompareOrThrow(object? a, object? b, string op)
    {
        if (a is long x && b is long y)
        {
            return x.CompareTo(y);
        }

        if (a is string s1 && b is string s2)
        {
            return Math.Sign(string.CompareOrdinal(s1, s2));
        }

        if (IsNumber(a) && IsNumber(b))
        {
            return NumCompare(a!, b!);
        }

        var outer = _comparisonOperator;
        _comparisonOperator = op;
        try
        {
            if (a is PyObject pa && pa.CompareTo(b) is int c)
            {
                return c;
            }

            if (b is PyObject pb && pb.CompareTo(a) is int c2)
            {
                return c2 == 2 ? 2 : -c2;
            }
        }
        finally
        {
            _comparisonOperator = outer;
        }

        throw PyException.TypeError($"'{OpName(op)}' not supported between instances of '{TypeName(a)}' and '{TypeName(b)}'");
    }

    public static bool Lt(object? a, object? b) => a is long x && b is long y ? x < y : CompareOrThrow(a, b, "<") == -1;

    public static bool Le(object? a, object? b) => a is long x && b is long y ? x <= y : CompareOrThrow(a, b, "<=") is -1 or 0;

    public static bool Gt(object? a, object? b) => a is long x && b is long y ? x > y : CompareOrThrow(a, b, ">") == 1;

    public static bool Ge(object? a, object? b) => a is long x && b is long y ? x >= y : CompareOrThrow(a, b, ">=") is 1 or 0;

    // ---------------------------------------------------------------- containers

    public static int Len(object? o) => o switch
    {
        string s => s.Length,
        PyObject p => p.Length(),
        _ => throw PyException.TypeError($"object of type '{TypeName(o)}' has no len()"),
    };

    public static IEnumerable<object?> Iterate(Run run, object? o) => o switch
    {
        string s => IterateString(s),
        PyObject p => p.Iterate(run),
        _ => throw PyException.TypeError($"'{TypeName(o)}' object is not iterable"),
    };

    private static IEnumerable<object?> IterateString(string s)
    {
        foreach (var c in s)
        {
            yield return CharStr(c);
        }
    }

    private static readonly string[] AsciiChars = Enumerable.Range(0, 128).Select(i => ((char)i).ToString()).ToArray();

    public static string CharStr(char c) => c < 128 ? AsciiChars[c] : c.ToString();

    public static List<object?> ToList(Run run, object? o)
    {
        switch (o)
        {
            case PyList l:
                return new List<object?>(l.Items);
            case PyTuple t:
                return new List<object?>(t.Items);
        }

        var r = new List<object?>();
        foreach (var x in Iterate(run, o))
        {
            run.Tick();
            if (r.Count >= run.MaxCollection)
            {
                run.CheckCollection(r.Count + 1L);
            }

            r.Add(x);
        }

        run.Alloc(r.Count * 8L);
        return r;
    }

    public static bool Contains(Run run, object? container, object? item)
    {
        switch (container)
        {
            case string s:
                if (item is not string sub)
                {
                    throw PyException.TypeError($"'in <string>' requires string as left operand, not {TypeName(item)}");
                }

                return s.Contains(sub, StringComparison.Ordinal);
            case PyObject p:
                return p.Contains(run, item);
            default:
                throw PyException.TypeError($"argument of type '{TypeName(container)}' is not iterable");
        }
    }

    public static object? GetItem(Run run, object? o, object? key)
    {
        switch (o)
        {
            case PyList l when key is long i:
                {
                    if (i < 0)
                    {
                        i += l.Items.Count;
                    }

                    if ((ulong)i >= (ulong)l.Items.Count)
                    {
                        throw PyException.IndexError("list index out of range");
                    }

                    return l.Items[(int)i];
                }

            case PyDict d:
                return d.GetItem(run, key);
            case string s:
                return StrMethods.GetItem(run, s, key);
            case PyObject p:
                return p.GetItem(run, key);
            default:
                throw PyException.TypeError($"'{TypeName(o)}' object is not subscriptable");
        }
    }

    public static void SetItem(Run run, object? o, object? key, object? value)
    {
        switch (o)
        {
            case PyObject p:
                p.SetItem(run, key, value);
                break;
            default:
                throw PyException.TypeError($"'{TypeName(o)}' object does not support item assignment");
        }
    }

    public static void DelItem(Run run, object? o, object? key)
    {
        switch (o)
        {
            case PyObject p:
                p.DelItem(run, key);
                break;
            default:
                throw PyException.TypeError($"'{TypeName(o)}' object doesn't support item deletion");
        }
    }

    // ---------------------------------------------------------------- attributes and calls

    public static object? GetAttr(Run run, object? o, string name)
    {
        switch (o)
        {
            case PyObject p:
                return p.GetAttr(run, name);
            case string:
                if (StrMethods.Has(name))
                {
                    return new PyBoundMethod(o, name);
                }

                break;
            case long or bool or BigInteger:
                switch (name)
                {
                    case "real" or "numerator":
                        return o is bool b ? Box(b ? 1 : 0) : o;
                    case "imag":
                        return Box(0);
                    case "denominator":
                        return Box(1);
                    case "bit_length" or "conjugate":
                        return new PyBoundMethod(o, name);
                }

                break;
            case double d:
                switch (name)
                {
                    case "real":
                        return d;
                    case "imag":
                        return 0.0;
                    case "is_integer" or "conjugate":
                        return new PyBoundMethod(o, name);
                }

                break;
        }

        throw PyException.AttributeError($"'{TypeName(o)}' object has no attribute '{name}'");
    }

    public static void SetAttr(Run run, object? o, string name, object? value)
    {
        if (o is PyObject p)
        {
            p.SetAttr(run, name, value);
            return;
        }

        throw PyException.AttributeError($"'{TypeName(o)}' object has no attribute '{name}'");
    }

    public static object? CallMethod(Run run, object? o, string name, object?[] args, KwArgs? kw)
    {
        switch (o)
        {
            case PyObject p:
                return p.CallMethod(run, name, args, kw);
            case string s:
                return StrMethods.Call(run, s, name, args, kw);
            case long or bool or BigInteger when name == "bit_length":
                return Box((long)ToBig(o).GetBitLength() - (ToBig(o).Sign < 0 ? 0 : 0));
            case long or bool or BigInteger when name == "conjugate":
                return o is bool b ? Box(b ? 1 : 0) : o;
            case double d when name == "is_integer":
                return Box(double.IsFinite(d) && Math.Floor(d) == d);
            case double when name == "conjugate":
                return o;
        }

        return Call(run, GetAttr(run, o, name), args, kw);
    }

    public static object? Call(Run run, object? f, object?[] args, KwArgs? kw)
    {
        if (f is PyObject p)
        {
            return p.Call(run, args, kw);
        }

        throw PyException.TypeError($"'{TypeName(f)}' object is not callable");
    }

    public static bool IsCallable(object? f) => f is PyCallable or PyFunction || (f is PyObject p && p.GetType().Name.EndsWith("Type", StringComparison.Ordinal));
}
