using System.Globalization;
using System.Numerics;
using System.Text;
using Automation.Scripting.Runtime;

namespace Automation.Scripting.Modules;

/// <summary>Python's json.dumps/json.loads output and errors.</summary>
internal static class JsonModule
{
    public static readonly PyExceptionType DecodeError = PyExceptionType.JSONDecodeError;

    public static object Dumps(Run run, object?[] a, KwArgs? kw)
    {
        var p = Args.Bind("dumps", a, kw, ["obj", "skipkeys", "ensure_ascii", "check_circular", "allow_nan", "cls", "indent", "separators", "default", "sort_keys"], 1);
        var ensureAscii = p[2] == null || Ops.IsTrue(p[2]);
        var indent = p[6] switch
        {
            null => null,
            string s => s,
            var n => new string(' ', (int)Ops.ToLong(n)),
        };
        string itemSep = indent != null ? "," : ", ", keySep = ": ";
        if (p[7] is PyTuple seps && seps.Items.Length == 2)
        {
            itemSep = Ops.Str(seps.Items[0]);
            keySep = Ops.Str(seps.Items[1]);
        }

        var sortKeys = Ops.IsTrue(p[9]);
        var sb = new StringBuilder();
        Write(run, sb, p[0], ensureAscii, indent, itemSep, keySep, sortKeys, p[8], 0);
        run.CheckString(sb.Length);
        return sb.ToString();
    }

    private static void Write(Run run, StringBuilder sb, object? v, bool ascii, string? indent, string itemSep, string keySep, bool sortKeys, object? @default, int depth)
    {
        StackGuard.Check(run);
        if (depth > 500)
        {
            throw PyException.Make(PyExceptionType.RecursionError, "maximum recursion depth exceeded while encoding a JSON object");
        }

        if (sb.Length > run.MaxString)
        {
            run.CheckString(sb.Length);
        }

        switch (v)
        {
            case null:
                sb.Append("null");
                return;
            case bool b:
                sb.Append(b ? "true" : "false");
                return;
            case long or BigInteger:
                sb.Append(Ops.Repr(v));
                return;
            case double d:
                sb.Append(double.IsNaN(d) ? "NaN" : double.IsPositiveInfinity(d) ? "Infinity" : double.IsNegativeInfinity(d) ? "-Infinity" : Ops.FloatRepr(d));
                return;
            case string s:
                WriteString(sb, s, ascii);
                return;
            case PyList or PyTuple:
                {
                    var items = v is PyList l ? (IReadOnlyList<object?>)l.Items : ((PyTuple)v).Items;
                    if (items.Count == 0)
                    {
                        sb.Append("[]");
                        return;
                    }

                    sb.Append('[');
                    for (var i = 0; i < items.Count; i++)
                    {
                        if (i > 0)
                        {
                            sb.Append(itemSep);
                        }

                        NewLine(sb, indent, depth + 1);
                        Write(run, sb, items[i], ascii, indent, itemSep, keySep, sortKeys, @default, depth + 1);
                    }

                    NewLine(sb, indent, depth);
                    sb.Append(']');
                    return;
                }

            case PyDict dict:
                {
                    if (dict.Count == 0)
                    {
                        sb.Append("{}");
                        return;
                    }

                    var pairs = dict.Pairs.Select(kv => (Key: JsonKey(kv.Key), kv.Value)).ToList();
                    if (sortKeys)
                    {
                        pairs = [.. pairs.OrderBy(x => x.Key, StringComparer.Ordinal)];
                    }

                    sb.Append('{');
                    for (var i = 0; i < pairs.Count; i++)
                    {
                        if (i > 0)
                        {
                            sb.Append(itemSep);
                        }

                        NewLine(sb, indent, depth + 1);
                        WriteString(sb, pairs[i].Key, ascii);
                        sb.Append(keySep);
                        Write(run, sb, pairs[i].Value, ascii, indent, itemSep, keySep, sortKeys, @default, depth + 1);
                    }

                    NewLine(sb, indent, depth);
                    sb.Append('}');
                    return;
                }

            default:
                if (@default != null)
                {
                    Write(run, sb, Ops.Call(run, @default, [v], null), ascii, indent, itemSep, keySep, sortKeys, @default, depth + 1);
                    return;
                }

                throw PyException.TypeError($"Object of type {Ops.TypeName(v)} is not JSON serializable");
        }
    }

    private static string JsonKey(object? k) => k switch
    {
        string s => s,
        null => "null",
        bool b => b ? "true" : "false",
        long or BigInteger or double => Ops.Repr(k),
        _ => throw PyException.TypeError($"keys must be str, int, float, bool or None, not {Ops.TypeName(k)}"),
    };

    private static void NewLine(StringBuilder sb, string? indent, int depth)
    {
        if (indent == null)
        {
            return;
        }

        sb.Append('\n');
        for (var i = 0; i < depth; i++)
        {
            sb.Append(indent);
        }
    }

    private static void WriteString(StringBuilder sb, string s, bool ascii)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20 || (ascii && c > 0x7e))
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }

    public static object? Loads(Run run, object?[] a, KwArgs? kw)
    {
        if (a.Length < 1 || a[0] is not string s)
        {
            throw PyException.TypeError($"the JSON object must be str, bytes or bytearray, not {(a.Length < 1 ? "nothing" : Ops.TypeName(a[0]))}");
        }

        run.CheckString(s.Length);
        var r = new Reader(run, s);
        r.SkipWs();
        var v = r.Value(0);
        r.SkipWs();
        if (r.Pos != s.Length)
        {
            throw r.Error("Extra data");
        }

        return v;
    }

    private sealed class Reader(Run run, string s)
    {
        public int Pos;

        public PyException Error(string msg, int? at = null)
        {
            var p = at ?? Pos;
            var line = 1 + s.Take(p).Count(c => c == '\n');
            var lastNl = s.LastIndexOf('\n', Math.Max(0, p - 1));
            var col = p - (p > 0 && lastNl >= 0 && lastNl < p ? lastNl + 1 : 0) + 1;
            return PyException.Make(PyExceptionType.JSONDecodeError, $"{msg}: line {line} column {col} (char {p})");
        }

        public void SkipWs()
        {
            while (Pos < s.Length && s[Pos] is ' ' or '\t' or '\n' or '\r')
            {
                Pos++;
            }
        }

        public object? Value(int depth)
        {
            if (depth > 500)
            {
                throw PyException.Make(PyExceptionType.RecursionError, "maximum recursion depth exceeded while decoding a JSON document");
            }

            StackGuard.Check(run);
            run.Tick();
            if (Pos >= s.Length)
            {
                throw Error("Expecting value");
            }

            var c = s[Pos];
            switch (c)
            {
                case '{':
                    {
                        Pos++;
                        var d = new PyDict();
                        SkipWs();
                        if (Pos < s.Length && s[Pos] == '}')
                        {
                            Pos++;
                            return d;
                        }

                        while (true)
                        {
                            SkipWs();
                            if (Pos >= s.Length || s[Pos] != '"')
                            {
                                throw Error("Expecting property name enclosed in double quotes");
                            }

                            var key = Str();
                            SkipWs();
                            if (Pos >= s.Length || s[Pos] != ':')
                            {
                                throw Error("Expecting ':' delimiter");
                            }

                            Pos++;
                            SkipWs();
                            d.Set(run, key, Value(depth + 1));
                            SkipWs();
                            if (Pos < s.Length && s[Pos] == ',')
                            {
                                Pos++;
                                continue;
                            }

                            if (Pos < s.Length && s[Pos] == '}')
                            {
                                Pos++;
                                return d;
                            }

                            throw Error("Expecting ',' delimiter");
                        }
                    }

                case '[':
                    {
                        Pos++;
                        var l = new List<object?>();
                        SkipWs();
                        if (Pos < s.Length && s[Pos] == ']')
                        {
                            Pos++;
                            return new PyList(l);
                        }

                        while (true)
                        {
                            SkipWs();
                            l.Add(Value(depth + 1));
                            run.CheckCollection(l.Count);
                            SkipWs();
                            if (Pos < s.Length && s[Pos] == ',')
                            {
                                Pos++;
                                continue;
                            }

                            if (Pos < s.Length && s[Pos] == ']')
                            {
                                Pos++;
                                return new PyList(l);
                            }

                            throw Error("Expecting ',' delimiter");
                        }
                    }

                case '"':
                    return Str();
                case 't' when string.CompareOrdinal(s, Pos, "true", 0, 4) == 0:
                    Pos += 4;
                    return Ops.True;
                case 'f' when string.CompareOrdinal(s, Pos, "false", 0, 5) == 0:
                    Pos += 5;
                    return Ops.False;
                case 'n' when string.CompareOrdinal(s, Pos, "null", 0, 4) == 0:
                    Pos += 4;
                    return null;
                case 'N' when string.CompareOrdinal(s, Pos, "NaN", 0, 3) == 0:
                    Pos += 3;
                    return double.NaN;
                case 'I' when string.CompareOrdinal(s, Pos, "Infinity", 0, 8) == 0:
                    Pos += 8;
                    return double.PositiveInfinity;
                case '-' when string.CompareOrdinal(s, Pos, "-Infinity", 0, 9) == 0:
                    Pos += 9;
                    return double.NegativeInfinity;
                default:
                    if (c == '-' || char.IsAsciiDigit(c))
                    {
                        return Number();
                    }

                    throw Error("Expecting value");
            }
        }

        private object Number()
        {
            var start = Pos;
            if (s[Pos] == '-')
            {
                Pos++;
            }

            if (Pos >= s.Length || !char.IsAsciiDigit(s[Pos]))
            {
                throw Error("Expecting value", start);
            }

            if (s[Pos] == '0')
            {
                Pos++;
            }
            else
            {
                while (Pos < s.Length && char.IsAsciiDigit(s[Pos]))
                {
                    Pos++;
                }
            }

            var isFloat = false;
            if (Pos + 1 < s.Length && s[Pos] == '.' && char.IsAsciiDigit(s[Pos + 1]))
            {
                isFloat = true;
                Pos++;
                while (Pos < s.Length && char.IsAsciiDigit(s[Pos]))
                {
                    Pos++;
                }
            }

            if (Pos < s.Length && s[Pos] is 'e' or 'E')
            {
                var save = Pos;
                Pos++;
                if (Pos < s.Length && s[Pos] is '+' or '-')
                {
                    Pos++;
                }

                if (Pos < s.Length && char.IsAsciiDigit(s[Pos]))
                {
                    isFloat = true;
                    while (Pos < s.Length && char.IsAsciiDigit(s[Pos]))
                    {
                        Pos++;
                    }
                }
                else
                {
                    Pos = save;
                }
            }

            var text = s[start..Pos];
            if (isFloat)
            {
                return double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
            }

            if (text.Length > 4300)
            {
                throw PyException.ValueError("Exceeds the limit (4300 digits) for integer string conversion");
            }

            return Ops.Int(BigInteger.Parse(text, CultureInfo.InvariantCulture));
        }

        private string Str()
        {
            var start = Pos;
            Pos++;
            var sb = new StringBuilder();
            while (true)
            {
                if (Pos >= s.Length)
                {
                    throw Error("Unterminated string starting at", start);
                }

                var c = s[Pos++];
                if (c == '"')
                {
                    return sb.ToString();
                }

                if (c == '\\')
                {
                    if (Pos >= s.Length)
                    {
                        throw Error("Unterminated string starting at", start);
                    }

                    var e = s[Pos++];
                    switch (e)
                    {
                        case '"': sb.Append('"'); break;
                        case '\\': sb.Append('\\'); break;
                        case '/': sb.Append('/'); break;
                        case 'b': sb.Append('\b'); break;
                        case 'f': sb.Append('\f'); break;
                        case 'n': sb.Append('\n'); break;
                        case 'r': sb.Append('\r'); break;
                        case 't': sb.Append('\t'); break;
                        case 'u':
                            if (Pos + 4 > s.Length || !int.TryParse(s.AsSpan(Pos, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var cp))
                            {
                                throw Error("Invalid \\uXXXX escape", Pos - 1);
                            }

                            sb.Append((char)cp);
                            Pos += 4;
                            break;
                        default:
                            throw Error("Invalid \\escape", Pos - 2);
                    }

                    continue;
                }

                if (c < 0x20)
                {
                    throw Error("Invalid control character at", Pos - 1);
                }

                sb.Append(c);
            }
        }
    }
}
