using System.Globalization;
using System.Numerics;
using System.Text;

namespace Automation.Scripting.Runtime;

/// <summary>printf-style <c>%</c>, <c>str.format</c>, f-strings and the format-spec mini-language.</summary>
internal static class Formatting
{
    /// <summary>An object with its own <c>__format__</c> (dates).</summary>
    public interface IPyFormattable
    {
        string Format(Run run, string spec);
    }

    /// <summary>Largest precision accepted for numbers (a double has at most 767 significant decimal digits; more is zeros).</summary>
    private const int MaxPrecision = 10_000;

    private sealed class Spec
    {
        public char Fill = ' ';
        public char Align;
        public char Sign = '-';
        public bool Alternate;
        public bool ZeroPad;
        public int Width = -1;
        public char Grouping;
        public int Precision = -1;
        public char Type;
    }

    private static Spec ParseSpec(string s)
    {
        var spec = new Spec();
        var i = 0;
        if (s.Length >= 2 && s[1] is '<' or '>' or '^' or '=')
        {
            spec.Fill = s[0];
            spec.Align = s[1];
            i = 2;
        }
        else if (s.Length >= 1 && s[0] is '<' or '>' or '^' or '=')
        {
            spec.Align = s[0];
            i = 1;
        }

        if (i < s.Length && s[i] is '+' or '-' or ' ')
        {
            spec.Sign = s[i++];
        }

        if (i < s.Length && s[i] == 'z')
        {
            i++;
        }

        if (i < s.Length && s[i] == '#')
        {
            spec.Alternate = true;
            i++;
        }

        if (i < s.Length && s[i] == '0')
        {
            spec.ZeroPad = true;
            i++;
        }

        var w = 0;
        var hasW = false;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            w = checked((w * 10) + (s[i++] - '0'));
            hasW = true;
        }

        if (hasW)
        {
            spec.Width = w;
        }

        if (i < s.Length && s[i] is ',' or '_')
        {
            spec.Grouping = s[i++];
        }

        if (i < s.Length && s[i] == '.')
        {
            i++;
            var p = 0;
            var hasP = false;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                p = checked((p * 10) + (s[i++] - '0'));
                hasP = true;
            }

            if (!hasP)
            {
                throw PyException.ValueError("Format specifier missing precision");
            }

            spec.Precision = p;
        }

        if (i < s.Length)
        {
            spec.Type = s[i++];
        }

        if (i < s.Length)
        {
            throw PyException.ValueError("Invalid format specifier");
        }

        if (spec.ZeroPad && spec.Align == '\0')
        {
            spec.Fill = '0';
            spec.Align = '=';
        }

        return spec;
    }

    /// <summary><c>format(value, spec)</c>.</summary>
    public static string Format(Run run, object? value, string spec)
    {
        if (value is IPyFormattable f)
        {
            return f.Format(run, spec);
        }

        if (spec.Length == 0)
        {
            return Ops.Str(value);
        }

        var sp = ParseSpec(spec);
        if (sp.Width > run.MaxString)
        {
            run.CheckString(sp.Width);
        }

        if (sp.Precision > MaxPrecision && value is not string)
        {
            // digits beyond this are noise for a double and cost big-integer arithmetic
            throw PyException.ValueError("precision too big");
        }

        string result;
        switch (value)
        {
            case string s:
                if (sp.Type is not ('\0' or 's'))
                {
                    throw PyException.ValueError($"Unknown format code '{sp.Type}' for object of type 'str'");
                }

                if (sp.Sign != '-')
                {
                    throw PyException.ValueError("Sign not allowed in string format specifier");
                }

                if (sp.Align == '=')
                {
                    throw PyException.ValueError("'=' alignment not allowed in string format specifier");
                }

                if (sp.Grouping != '\0')
                {
                    throw PyException.ValueError($"Cannot specify '{sp.Grouping}' with 's'.");
                }

                result = Pad(sp.Precision >= 0 && sp.Precision < s.Length ? s[..sp.Precision] : s, sp, '<', "");
                return result;
            case bool or long or BigInteger when sp.Type is '\0' or 'd' or 'n' or 'b' or 'o' or 'x' or 'X' or 'c':
                return FormatInt(Ops.ToBig(value), sp);
            case bool or long or BigInteger or double:
                return FormatFloat(Ops.ToDouble(value), sp, value is double);
            case null:
            case PyObject:
                throw PyException.TypeError($"unsupported format string passed to {Ops.TypeName(value)}.__format__");
            default:
                return Ops.Str(value);
        }
    }

    private static string Pad(string body, Spec sp, char defaultAlign, string sign)
    {
        var len = body.Length + sign.Length;
        if (sp.Width <= len)
        {
            return sign + body;
        }

        var n = sp.Width - len;
        var align = sp.Align == '\0' ? defaultAlign : sp.Align;
        return align switch
        {
            '<' => sign + body + new string(sp.Fill, n),
            '^' => new string(sp.Fill, n / 2) + sign + body + new string(sp.Fill, n - (n / 2)),
            '=' => sign + new string(sp.Fill, n) + body,
            _ => new string(sp.Fill, n) + sign + body,
        };
    }

    private static string Group(string digits, char sep, int every)
    {
        if (sep == '\0')
        {
            return digits;
        }

        var sb = new StringBuilder();
        for (var i = 0; i < digits.Length; i++)
        {
            if (i > 0 && (digits.Length - i) % every == 0)
            {
                sb.Append(sep);
            }

            sb.Append(digits[i]);
        }

        return sb.ToString();
    }

    private static string SignOf(bool negative, Spec sp) => negative ? "-" : sp.Sign == '+' ? "+" : sp.Sign == ' ' ? " " : "";

    private static string FormatInt(BigInteger v, Spec sp)
    {
        if (sp.Precision >= 0)
        {
            throw PyException.ValueError("Precision not allowed in integer format specifier");
        }

        if (sp.Type == 'c')
        {
            return Pad(char.ConvertFromUtf32((int)v), sp, '<', "");
        }

        var neg = v.Sign < 0;
        var abs = BigInteger.Abs(v);
        string digits;
        var prefix = "";
        switch (sp.Type)
        {
            case 'b':
                digits = ToBase(abs, 2);
                prefix = sp.Alternate ? "0b" : "";
                digits = Group(digits, sp.Grouping, 4);
                break;
            case 'o':
                digits = ToBase(abs, 8);
                prefix = sp.Alternate ? "0o" : "";
                digits = Group(digits, sp.Grouping, 4);
                break;
            case 'x':
            case 'X':
                digits = ToBase(abs, 16);
                if (sp.Type == 'X')
                {
                    digits = digits.ToUpperInvariant();
                }

                prefix = sp.Alternate ? (sp.Type == 'X' ? "0X" : "0x") : "";
                digits = Group(digits, sp.Grouping, 4);
                break;
            default:
                digits = Group(abs.ToString(CultureInfo.InvariantCulture), sp.Grouping, 3);
                break;
        }

        var sign = SignOf(neg, sp) + prefix;
        if (sp.Align == '=' && sp.Fill == '0' && sp.Grouping != '\0' && sp.Width > digits.Length + sign.Length)
        {
            // zero padding participates in grouping
            var raw = digits.Replace(sp.Grouping.ToString(), "", StringComparison.Ordinal);
            var every = sp.Type is 'b' or 'o' or 'x' or 'X' ? 4 : 3;
            while (Group(raw, sp.Grouping, every).Length + sign.Length < sp.Width)
            {
                raw = "0" + raw;
            }

            digits = Group(raw, sp.Grouping, every);
        }

        return Pad(digits, sp, '>', sign);
    }

    public static string ToBase(BigInteger v, int radix)
    {
        if (v.IsZero)
        {
            return "0";
        }

        var sb = new StringBuilder();
        while (!v.IsZero)
        {
            var d = (int)(v % radix);
            sb.Insert(0, "0123456789abcdef"[d]);
            v /= radix;
        }

        return sb.ToString();
    }

    private static string FormatFloat(double d, Spec sp, bool isFloat)
    {
        var type = sp.Type;
        var neg = double.IsNegative(d) && !double.IsNaN(d);
        var a = Math.Abs(d);
        string body;
        if (double.IsNaN(d) || double.IsInfinity(d))
        {
            body = double.IsNaN(d) ? "nan" : "inf";
            if (type is 'E' or 'F' or 'G')
            {
                body = body.ToUpperInvariant();
            }

            return Pad(body, sp, '>', SignOf(neg, sp));
        }

        switch (type)
        {
            case 'f':
            case 'F':
                body = FixedDigits(a, sp.Precision < 0 ? 6 : sp.Precision, sp.Alternate);
                break;
            case 'e':
            case 'E':
                body = ExpDigits(a, sp.Precision < 0 ? 6 : sp.Precision, sp.Alternate);
                if (type == 'E')
                {
                    body = body.ToUpperInvariant();
                }

                break;
            case '%':
                body = FixedDigits(a * 100, sp.Precision < 0 ? 6 : sp.Precision, sp.Alternate) + "%";
                break;
            case 'g':
            case 'G':
            case 'n':
                body = GeneralDigits(a, sp.Precision < 0 ? 6 : sp.Precision, sp.Alternate);
                if (type == 'G')
                {
                    body = body.ToUpperInvariant();
                }

                break;
            case '\0':
                if (sp.Precision < 0)
                {
                    body = isFloat ? Ops.FloatRepr(a) : Ops.FloatRepr(a);
                }
                else
                {
                    body = GeneralDigits(a, sp.Precision, sp.Alternate, true);
                }

                break;
            default:
                throw PyException.ValueError($"Unknown format code '{type}' for object of type '{(isFloat ? "float" : "int")}'");
        }

        if (sp.Grouping != '\0')
        {
            var end = body.IndexOfAny(['.', 'e', 'E', '%']);
            var intPart = end < 0 ? body : body[..end];
            body = Group(intPart, sp.Grouping, 3) + (end < 0 ? "" : body[end..]);
        }

        return Pad(body, sp, '>', SignOf(neg, sp));
    }

    /// <summary>round-half-even(|d| × 10^decimals) computed exactly.</summary>
    public static BigInteger ExactScaled(double d, int decimals)
    {
        var bits = BitConverter.DoubleToInt64Bits(d);
        var exp = (int)((bits >> 52) & 0x7FF);
        var mant = bits & 0xFFFFFFFFFFFFFL;
        if (exp == 0)
        {
            exp = 1;
        }
        else
        {
            mant |= 1L << 52;
        }

        exp -= 1075;
        BigInteger num = mant;
        BigInteger den = BigInteger.One;
        if (exp > 0)
        {
            num <<= exp;
        }
        else
        {
            den <<= -exp;
        }

        if (decimals >= 0)
        {
            num *= BigInteger.Pow(10, decimals);
        }
        else
        {
            den *= BigInteger.Pow(10, -decimals);
        }

        var q = BigInteger.DivRem(num, den, out var r);
        var twice = r * 2;
        if (twice > den || (twice == den && !q.IsEven))
        {
            q += 1;
        }

        return q;
    }

    private static readonly double[] Pow10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

    public static string FixedDigits(double a, int precision, bool alternate = false)
    {
        string q;
        var fast = false;
        q = "";
        if (precision < Pow10.Length && a < 1e9)
        {
            // fast path: away from a decimal tie the double product rounds the same way as the exact value
            var scaled = a * Pow10[precision];
            if (scaled < 1e9)
            {
                var fl = Math.Floor(scaled);
                var frac = scaled - fl;
                if (Math.Abs(frac - 0.5) > 1e-5)
                {
                    q = ((long)fl + (frac > 0.5 ? 1 : 0)).ToString(CultureInfo.InvariantCulture);
                    fast = true;
                }
            }
        }

        if (!fast)
        {
            q = ExactScaled(a, precision).ToString(CultureInfo.InvariantCulture);
        }

        if (precision == 0)
        {
            return alternate ? q + "." : q;
        }

        if (q.Length <= precision)
        {
            q = new string('0', precision - q.Length + 1) + q;
        }

        return q[..^precision] + "." + q[^precision..];
    }

    private static (string Digits, int Exp) Significant(double a, int digits)
    {
        if (a == 0)
        {
            return (new string('0', digits), 0);
        }

        var k = (int)Math.Floor(Math.Log10(a));
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var q = ExactScaled(a, digits - 1 - k);
            var s = q.ToString(CultureInfo.InvariantCulture);
            if (s.Length == digits)
            {
                return (s, k);
            }

            k += s.Length > digits ? 1 : -1;
        }

        var last = ExactScaled(a, digits - 1 - k).ToString(CultureInfo.InvariantCulture);
        return (last[..digits], k);
    }

    public static string ExpDigits(double a, int precision, bool alternate = false)
    {
        var (digits, exp) = Significant(a, precision + 1);
        var mant = digits[..1] + (precision > 0 ? "." + digits[1..] : alternate ? "." : "");
        return mant + "e" + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture);
    }

    private static string GeneralDigits(double a, int precision, bool alternate, bool noType = false)
    {
        var p = precision == 0 ? 1 : precision;
        var (_, exp) = Significant(a, p);
        if (a == 0)
        {
            exp = 0;
        }

        string r;
        if (exp >= -4 && exp < p)
        {
            r = FixedDigits(a, p - 1 - exp, alternate);
        }
        else
        {
            r = ExpDigits(a, p - 1, alternate);
        }

        if (!alternate)
        {
            var e = r.IndexOf('e', StringComparison.Ordinal);
            var mant = e < 0 ? r : r[..e];
            var tail = e < 0 ? "" : r[e..];
            if (mant.Contains('.', StringComparison.Ordinal))
            {
                mant = mant.TrimEnd('0').TrimEnd('.');
            }

            r = mant + tail;
        }

        if (noType && !r.Contains('.', StringComparison.Ordinal) && !r.Contains('e', StringComparison.Ordinal))
        {
            // format(x, '.N') keeps a float looking like a float when it is shown in fixed notation
            r += ".0";
        }

        return r;
    }

    /// <summary>Python's round(x, n) for floats.</summary>
    public static double Round(double x, long n)
    {
        if (!double.IsFinite(x) || n > 330)
        {
            return x;
        }

        if (n < -330)
        {
            return Math.CopySign(0.0, x);
        }

        var q = ExactScaled(Math.Abs(x), (int)n);
        double r;
        if (n >= 0)
        {
            var s = q.ToString(CultureInfo.InvariantCulture);
            r = double.Parse(s + "e-" + n.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        }
        else
        {
            r = Ops.BigToDouble(q * BigInteger.Pow(10, (int)-n));
        }

        if (double.IsInfinity(r))
        {
            throw PyException.Overflow("rounded value too large to represent");
        }

        return Math.CopySign(r, x);
    }

    // ---------------------------------------------------------------- printf-style

    public static string Percent(Run run, string fmt, object? args)
    {
        var values = args is PyTuple t ? t.Items : [args];
        var mapping = args as PyObject is { } po && args is not PyTuple && args is not string && po is PyDict ? (PyDict)args : null;
        var idx = 0;
        var sb = new StringBuilder();
        var i = 0;
        object? Next()
        {
            if (idx >= values.Length)
            {
                throw PyException.TypeError("not enough arguments for format string");
            }

            return values[idx++];
        }

        while (i < fmt.Length)
        {
            var c = fmt[i];
            if (c != '%')
            {
                sb.Append(c);
                i++;
                continue;
            }

            i++;
            if (i >= fmt.Length)
            {
                throw PyException.ValueError("incomplete format");
            }

            object? value = null;
            var haveValue = false;
            if (fmt[i] == '(')
            {
                if (mapping == null)
                {
                    throw PyException.TypeError("format requires a mapping");
                }

                var depth = 1;
                var start = ++i;
                while (i < fmt.Length && depth > 0)
                {
                    if (fmt[i] == '(')
                    {
                        depth++;
                    }
                    else if (fmt[i] == ')')
                    {
                        depth--;
                    }

                    i++;
                }

                if (depth > 0)
                {
                    throw PyException.ValueError("incomplete format key");
                }

                value = mapping.GetItem(run, fmt[start..(i - 1)]);
                haveValue = true;
            }

            var sp = new Spec();
            while (i < fmt.Length && fmt[i] is '-' or '+' or ' ' or '#' or '0')
            {
                switch (fmt[i])
                {
                    case '-': sp.Align = '<'; break;
                    case '+': sp.Sign = '+'; break;
                    case ' ': if (sp.Sign != '+') { sp.Sign = ' '; } break;
                    case '#': sp.Alternate = true; break;
                    case '0': sp.ZeroPad = true; break;
                }

                i++;
            }

            if (i < fmt.Length && fmt[i] == '*')
            {
                var starWidth = Ops.ToLong(Next());
                if (Math.Abs(starWidth) > run.MaxString)
                {
                    run.CheckString(Math.Abs(starWidth));
                }

                sp.Width = (int)starWidth;
                if (sp.Width < 0)
                {
                    sp.Align = '<';
                    sp.Width = -sp.Width;
                }

                i++;
            }
            else
            {
                var w = -1;
                while (i < fmt.Length && char.IsAsciiDigit(fmt[i]))
                {
                    w = (Math.Max(w, 0) * 10) + (fmt[i++] - '0');
                    if (w > run.MaxString)
                    {
                        run.CheckString(w);
                    }
                }

                sp.Width = w;
            }

            if (i < fmt.Length && fmt[i] == '.')
            {
                i++;
                if (i < fmt.Length && fmt[i] == '*')
                {
                    var starPrecision = Ops.ToLong(Next());
                    sp.Precision = starPrecision > MaxPrecision ? throw PyException.ValueError("precision too big") : (int)Math.Max(0, starPrecision);
                    i++;
                }
                else
                {
                    var p = 0;
                    while (i < fmt.Length && char.IsAsciiDigit(fmt[i]))
                    {
                        p = (p * 10) + (fmt[i++] - '0');
                        if (p > MaxPrecision)
                        {
                            throw PyException.ValueError("precision too big");
                        }
                    }

                    sp.Precision = p;
                }
            }

            while (i < fmt.Length && fmt[i] is 'l' or 'h' or 'L')
            {
                i++;
            }

            if (i >= fmt.Length)
            {
                throw PyException.ValueError("incomplete format");
            }

            var type = fmt[i++];
            if (type == '%')
            {
                sb.Append('%');
                continue;
            }

            if (!haveValue)
            {
                value = mapping != null ? mapping : Next();
            }

            if (sp.ZeroPad && sp.Align != '<' && type is not ('s' or 'r' or 'a' or 'c'))
            {
                sp.Fill = '0';
                sp.Align = '=';
            }

            switch (type)
            {
                case 's':
                case 'r':
                case 'a':
                    {
                        var s = type == 's' ? Ops.Str(value) : Ops.Repr(value);
                        if (sp.Precision >= 0 && sp.Precision < s.Length)
                        {
                            s = s[..sp.Precision];
                        }

                        sb.Append(Pad(s, sp, '>', ""));
                        break;
                    }

                case 'd':
                case 'i':
                case 'u':
                    {
                        if (!Ops.IsNumber(value))
                        {
                            throw PyException.TypeError($"%{type} format: a real number is required, not {Ops.TypeName(value)}");
                        }

                        var v = value is double dv ? Builtins.FloatToInt(dv) : Ops.ToBig(value);
                        var digits = BigInteger.Abs(v).ToString(CultureInfo.InvariantCulture);
                        if (sp.Precision > digits.Length)
                        {
                            digits = new string('0', sp.Precision - digits.Length) + digits;
                        }

                        sb.Append(Pad(digits, sp, '>', SignOf(v.Sign < 0, sp)));
                        break;
                    }

                case 'x':
                case 'X':
                case 'o':
                    {
                        if (!Ops.IsInt(value))
                        {
                            throw PyException.TypeError($"%{type} format: an integer is required, not {Ops.TypeName(value)}");
                        }

                        var v = Ops.ToBig(value);
                        var digits = ToBase(BigInteger.Abs(v), type == 'o' ? 8 : 16);
                        if (type == 'X')
                        {
                            digits = digits.ToUpperInvariant();
                        }

                        var prefix = sp.Alternate ? (type == 'o' ? "0o" : type == 'x' ? "0x" : "0X") : "";
                        sb.Append(Pad(digits, sp, '>', SignOf(v.Sign < 0, sp) + prefix));
                        break;
                    }

                case 'f':
                case 'F':
                case 'e':
                case 'E':
                case 'g':
                case 'G':
                    {
                        if (!Ops.IsNumber(value))
                        {
                            throw PyException.TypeError($"must be real number, not {Ops.TypeName(value)}");
                        }

                        sp.Type = type;
                        sb.Append(FormatFloat(Ops.ToDouble(value), sp, true));
                        break;
                    }

                case 'c':
                    {
                        var s = value is string cs && cs.Length == 1 ? cs : Ops.IsInt(value) ? char.ConvertFromUtf32((int)Ops.ToLong(value)) : throw PyException.TypeError("%c requires int or char");
                        sb.Append(Pad(s, sp, '>', ""));
                        break;
                    }

                default:
                    throw PyException.ValueError($"unsupported format character '{type}' (0x{(int)type:x}) at index {i - 1}");
            }

            if (sb.Length > run.MaxString)
            {
                run.CheckString(sb.Length);
            }
        }

        // a non-tuple argument with __getitem__ (list, dict, range) is taken as a mapping: nothing is left over
        if (mapping == null && idx < values.Length && args is not (PyList or PyRange))
        {
            throw PyException.TypeError("not all arguments converted during string formatting");
        }

        run.Alloc(sb.Length * 2L);
        return sb.ToString();
    }

    // ---------------------------------------------------------------- str.format

    public static string StrFormat(Run run, string fmt, object?[] args, KwArgs? kw)
    {
        var sb = new StringBuilder();
        var auto = 0;
        var manual = false;
        var i = 0;
        while (i < fmt.Length)
        {
            var c = fmt[i];
            if (c == '}')
            {
                if (i + 1 < fmt.Length && fmt[i + 1] == '}')
                {
                    sb.Append('}');
                    i += 2;
                    continue;
                }

                throw PyException.ValueError("Single '}' encountered in format string");
            }

            if (c != '{')
            {
                sb.Append(c);
                i++;
                continue;
            }

            if (i + 1 < fmt.Length && fmt[i + 1] == '{')
            {
                sb.Append('{');
                i += 2;
                continue;
            }

            // find the matching close brace, allowing one nested level in the spec
            var depth = 1;
            var j = i + 1;
            while (j < fmt.Length && depth > 0)
            {
                if (fmt[j] == '{')
                {
                    depth++;
                }
                else if (fmt[j] == '}')
                {
                    depth--;
                }

                if (depth > 0)
                {
                    j++;
                }
            }

            if (depth > 0)
            {
                throw PyException.ValueError(i + 1 >= fmt.Length ? "Single '{' encountered in format string" : "expected '}' before end of string");
            }

            var field = fmt[(i + 1)..j];
            i = j + 1;
            string? spec = null;
            char conv = '\0';
            var colon = IndexOutsideBrackets(field, ':');
            if (colon >= 0)
            {
                spec = field[(colon + 1)..];
                field = field[..colon];
            }

            var bang = field.IndexOf('!', StringComparison.Ordinal);
            if (bang >= 0)
            {
                if (bang + 2 != field.Length)
                {
                    throw PyException.ValueError("expected ':' after conversion specifier");
                }

                conv = field[bang + 1];
                field = field[..bang];
            }

            // split the field name into the first part and accessors
            var k = 0;
            while (k < field.Length && field[k] is not ('.' or '['))
            {
                k++;
            }

            var first = field[..k];
            object? value;
            if (first.Length == 0)
            {
                if (manual)
                {
                    throw PyException.ValueError("cannot switch from manual field specification to automatic field numbering");
                }

                if (auto >= args.Length)
                {
                    throw PyException.Make(PyExceptionType.IndexError, $"Replacement index {auto} out of range for positional args tuple");
                }

                value = args[auto++];
            }
            else if (first.All(char.IsAsciiDigit))
            {
                if (auto > 0)
                {
                    throw PyException.ValueError("cannot switch from automatic field numbering to manual field specification");
                }

                manual = true;
                var n = int.Parse(first, CultureInfo.InvariantCulture);
                if (n >= args.Length)
                {
                    throw PyException.Make(PyExceptionType.IndexError, $"Replacement index {n} out of range for positional args tuple");
                }

                value = args[n];
            }
            else
            {
                var found = false;
                value = null;
                if (kw != null)
                {
                    foreach (var p in kw)
                    {
                        if (p.Key == first)
                        {
                            value = p.Value;
                            found = true;
                        }
                    }
                }

                if (!found)
                {
                    throw PyException.KeyError(first);
                }
            }

            while (k < field.Length)
            {
                if (field[k] == '.')
                {
                    var e = k + 1;
                    while (e < field.Length && field[e] is not ('.' or '['))
                    {
                        e++;
                    }

                    var attr = field[(k + 1)..e];
                    if (attr.StartsWith("__", StringComparison.Ordinal))
                    {
                        throw PyException.AttributeError($"access to '{attr}' is not allowed");
                    }

                    value = Ops.GetAttr(run, value, attr);
                    k = e;
                }
                else
                {
                    var e = field.IndexOf(']', k);
                    if (e < 0)
                    {
                        throw PyException.ValueError("Missing ']' in format string");
                    }

                    var key = field[(k + 1)..e];
                    value = Ops.GetItem(run, value, key.Length > 0 && key.All(char.IsAsciiDigit) ? long.Parse(key, CultureInfo.InvariantCulture) : key);
                    k = e + 1;
                }
            }

            if (spec != null && spec.Contains('{', StringComparison.Ordinal))
            {
                spec = StrFormatNested(run, spec, args, kw, ref auto);
            }

            value = conv switch
            {
                '\0' => value,
                'r' or 'a' => Ops.Repr(value),
                's' => Ops.Str(value),
                _ => throw PyException.ValueError($"Unknown conversion specifier {conv}"),
            };
            sb.Append(Format(run, value, spec ?? ""));
            if (sb.Length > run.MaxString)
            {
                run.CheckString(sb.Length);
            }
        }

        run.Alloc(sb.Length * 2L);
        return sb.ToString();
    }

    private static string StrFormatNested(Run run, string spec, object?[] args, KwArgs? kw, ref int auto)
    {
        var sb = new StringBuilder();
        var i = 0;
        while (i < spec.Length)
        {
            if (spec[i] == '{')
            {
                var e = spec.IndexOf('}', i);
                var name = spec[(i + 1)..e];
                object? v;
                if (name.Length == 0)
                {
                    v = args[auto++];
                }
                else if (name.All(char.IsAsciiDigit))
                {
                    v = args[int.Parse(name, CultureInfo.InvariantCulture)];
                }
                else
                {
                    v = Args.Kw(kw, name);
                }

                sb.Append(Ops.Str(v));
                i = e + 1;
            }
            else
            {
                sb.Append(spec[i++]);
            }
        }

        return sb.ToString();
    }

    private static int IndexOutsideBrackets(string s, char c)
    {
        var depth = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '[')
            {
                depth++;
            }
            else if (s[i] == ']')
            {
                depth--;
            }
            else if (s[i] == c && depth == 0)
            {
                return i;
            }
        }

        return -1;
    }
}
