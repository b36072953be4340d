using System.Globalization;
using System.Text;

namespace Automation.Scripting.Runtime;

/// <summary>str methods, named exactly like the Python methods they stand for.</summary>
internal enum StrMethod
{
    Unknown,
    upper,
    lower,
    strip,
    lstrip,
    rstrip,
    split,
    rsplit,
    join,
    replace,
    startswith,
    endswith,
    find,
    rfind,
    index,
    rindex,
    count,
    format,
    title,
    capitalize,
    isdigit,
    isalpha,
    isalnum,
    isspace,
    isupper,
    islower,
    isnumeric,
    isdecimal,
    istitle,
    isidentifier,
    zfill,
    center,
    ljust,
    rjust,
    partition,
    rpartition,
    splitlines,
    swapcase,
    casefold,
    removeprefix,
    removesuffix,
    expandtabs,
    encode,
    isascii,
    isprintable,
}

/// <summary>The methods of Python's str.</summary>
internal static class StrMethods
{
    private static readonly Dictionary<string, StrMethod> Ids =
        Enum.GetValues<StrMethod>().Where(m => m != StrMethod.Unknown).ToDictionary(m => m.ToString(), m => m, StringComparer.Ordinal);

    public static bool Has(string name) => Ids.ContainsKey(name);

    /// <summary>Resolves a method name once (call sites cache it) so dispatch is a jump table, not a string hash.</summary>
    public static StrMethod Id(string name) => Ids.TryGetValue(name, out var id) ? id : StrMethod.Unknown;

    public static object Repeat(Run run, string s, object? count)
    {
        var n = Ops.ToIndex(count);
        if (n <= 0 || s.Length == 0)
        {
            return "";
        }

        var len = s.Length * (double)n;
        if (len > run.MaxString)
        {
            run.CheckString((long)Math.Min(len, long.MaxValue));
        }

        run.Alloc((long)len * 2);
        var sb = new StringBuilder((int)len);
        for (long i = 0; i < n; i++)
        {
            sb.Append(s);
        }

        return sb.ToString();
    }

    public static object GetItem(Run run, string s, object? key)
    {
        if (key is long or bool)
        {
            return Ops.CharStr(s[Seq.Index(Ops.ToIndex(key), s.Length, "string")]);
        }

        if (key is PySlice sl)
        {
            var (start, _, step, count) = sl.Indices(s.Length);
            if (step == 1)
            {
                return s.Substring((int)start, (int)count);
            }

            var sb = new StringBuilder((int)count);
            for (long k = 0; k < count; k++)
            {
                sb.Append(s[(int)(start + (k * step))]);
            }

            return sb.ToString();
        }

        throw PyException.TypeError($"string indices must be integers, not '{Ops.TypeName(key)}'");
    }

    private static string Arg(object?[] a, int i, string fn)
    {
        if (a[i] is string s)
        {
            return s;
        }

        throw PyException.TypeError($"{fn} arg must be None or str");
    }

    private static string NeedStr(object? o, string what) =>
        o as string ?? throw PyException.TypeError($"{what}, not {Ops.TypeName(o)}");

    private static bool IsPySpace(char c) => char.IsWhiteSpace(c) || c is '\x1c' or '\x1d' or '\x1e' or '\x1f';

    public static object? Call(Run run, string s, string name, object?[] a, KwArgs? kw) => Call(run, s, Id(name), name, a, kw);

    public static object? Call(Run run, string s, StrMethod id, string name, object?[] a, KwArgs? kw)
    {
        switch (id)
        {
            case StrMethod.upper:
                Args.Exact("str.upper", a, kw, 0);
                return s.ToUpperInvariant();
            case StrMethod.lower:
                Args.Exact("str.lower", a, kw, 0);
                return s.ToLowerInvariant();
            case StrMethod.casefold:
                return s.ToLowerInvariant();
            case StrMethod.swapcase:
                return new string(s.Select(c => char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)).ToArray());
            case StrMethod.strip:
            case StrMethod.lstrip:
            case StrMethod.rstrip:
                {
                    Args.Range(name, a, kw, 0, 1);
                    var chars = a.Length == 0 || a[0] is null ? null : Arg(a, 0, name);
                    var start = 0;
                    var end = s.Length;
                    if (name != "rstrip")
                    {
                        while (start < end && (chars == null ? IsPySpace(s[start]) : chars.Contains(s[start], StringComparison.Ordinal)))
                        {
                            start++;
                        }
                    }

                    if (name != "lstrip")
                    {
                        while (end > start && (chars == null ? IsPySpace(s[end - 1]) : chars.Contains(s[end - 1], StringComparison.Ordinal)))
                        {
                            end--;
                        }
                    }

                    return start == 0 && end == s.Length ? s : s[start..end];
                }

            case StrMethod.split:
            case StrMethod.rsplit:
                {
                    var p = Args.Bind(name, a, kw, ["sep", "maxsplit"], 0, [null, -1L]);
                    return new PyList(Split(run, s, p[0] is null ? null : NeedStr(p[0], "must be str or None"), Ops.ToLong(p[1]), name == "rsplit"));
                }

            case StrMethod.splitlines:
                {
                    var keep = a.Length > 0 && Ops.IsTrue(a[0]) || Ops.IsTrue(Args.Kw(kw, "keepends"));
                    var r = new List<object?>();
                    var i = 0;
                    while (i < s.Length)
                    {
                        var j = i;
                        while (j < s.Length && s[j] is not ('\n' or '\r' or '\v' or '\f' or '\x1c' or '\x1d' or '\x1e' or '\x85' or '\u2028' or '\u2029'))
                        {
                            j++;
                        }

                        var eol = j;
                        if (j < s.Length)
                        {
                            j += s[j] == '\r' && j + 1 < s.Length && s[j + 1] == '\n' ? 2 : 1;
                        }

                        r.Add(keep ? s[i..j] : s[i..eol]);
                        i = j;
                    }

                    return new PyList(r);
                }

            case StrMethod.join:
                {
                    Args.Exact("str.join", a, kw, 1);
                    var sb = new StringBuilder();
                    var first = true;
                    var idx = 0;
                    foreach (var x in Ops.Iterate(run, a[0]))
                    {
                        run.Tick();
                        if (x is not string xs)
                        {
                            throw PyException.TypeError($"sequence item {idx}: expected str instance, {Ops.TypeName(x)} found");
                        }

                        if (!first)
                        {
                            sb.Append(s);
                        }

                        first = false;
                        sb.Append(xs);
                        if (sb.Length > run.MaxString)
                        {
                            run.CheckString(sb.Length);
                        }

                        idx++;
                    }

                    run.Alloc(sb.Length * 2L);
                    return sb.ToString();
                }

            case StrMethod.replace:
                {
                    Args.Range("replace", a, kw, 2, 3);
                    var old = NeedStr(a[0], "replace() argument 1 must be str");
                    var @new = NeedStr(a[1], "replace() argument 2 must be str");
                    var count = a.Length > 2 ? Ops.ToLong(a[2]) : -1;
                    if (@new.Length > old.Length)
                    {
                        // size the result before building it: 'a' * 10**6 replaced by 'b' * 10**6 must not allocate 10**12
                        long occurrences = old.Length == 0 ? s.Length + 1L : CountOccurrences(s, old);
                        if (count >= 0)
                        {
                            occurrences = Math.Min(occurrences, count);
                        }

                        run.CheckString(s.Length + (occurrences * (@new.Length - old.Length)));
                    }

                    var r = Replace(s, old, @new, count);
                    run.Alloc(r.Length * 2L);
                    return r;
                }

            case StrMethod.startswith:
            case StrMethod.endswith:
                {
                    Args.Range(name, a, kw, 1, 3);
                    var (start, end) = Bounds(s, a);
                    var sub = s[start..Math.Max(start, end)];
                    if (start > end)
                    {
                        return false;
                    }

                    IEnumerable<object?> prefixes = a[0] is PyTuple t ? t.Items : [a[0]];
                    foreach (var p in prefixes)
                    {
                        var ps = p as string ?? throw PyException.TypeError($"{name} first arg must be str or a tuple of str, not {Ops.TypeName(p)}");
                        if (name == "startswith" ? sub.StartsWith(ps, StringComparison.Ordinal) : sub.EndsWith(ps, StringComparison.Ordinal))
                        {
                            return true;
                        }
                    }

                    return false;
                }

            case StrMethod.find:
            case StrMethod.rfind:
            case StrMethod.index:
            case StrMethod.rindex:
                {
                    Args.Range(name, a, kw, 1, 3);
                    var sub = NeedStr(a[0], "must be str");
                    var (start, end) = Bounds(s, a);
                    long r = -1;
                    if (end - start >= sub.Length)
                    {
                        var seg = s[start..end];
                        var i = name is "find" or "index" ? seg.IndexOf(sub, StringComparison.Ordinal) : seg.LastIndexOf(sub, StringComparison.Ordinal);
                        if (i >= 0)
                        {
                            r = i + start;
                        }
                    }

                    if (r < 0 && name is "index" or "rindex")
                    {
                        throw PyException.ValueError("substring not found");
                    }

                    return r;
                }

            case StrMethod.count:
                {
                    Args.Range("count", a, kw, 1, 3);
                    var sub = NeedStr(a[0], "must be str");
                    var (start, end) = Bounds(s, a);
                    if (end < start)
                    {
                        return 0L;
                    }

                    var seg = s[start..end];
                    if (sub.Length == 0)
                    {
                        return (long)seg.Length + 1;
                    }

                    long n = 0;
                    var i = 0;
                    while ((i = seg.IndexOf(sub, i, StringComparison.Ordinal)) >= 0)
                    {
                        n++;
                        i += sub.Length;
                    }

                    return n;
                }

            case StrMethod.format:
                return Formatting.StrFormat(run, s, a, kw);
            case StrMethod.title:
                {
                    var sb = new StringBuilder(s.Length);
                    var prevCased = false;
                    foreach (var c in s)
                    {
                        sb.Append(prevCased ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c));
                        prevCased = char.IsLetter(c);
                    }

                    return sb.ToString();
                }

            case StrMethod.capitalize:
                return s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant();
            case StrMethod.isdigit:
            case StrMethod.isdecimal:
            case StrMethod.isnumeric:
                return s.Length > 0 && s.All(char.IsDigit);
            case StrMethod.isalpha:
                return s.Length > 0 && s.All(char.IsLetter);
            case StrMethod.isalnum:
                return s.Length > 0 && s.All(char.IsLetterOrDigit);
            case StrMethod.isspace:
                return s.Length > 0 && s.All(IsPySpace);
            case StrMethod.isascii:
                return s.All(c => c < 128);
            case StrMethod.isprintable:
                return s.All(c => Ops.IsPrintable(c));
            case StrMethod.isupper:
                return s.Any(char.IsLetter) && !s.Any(char.IsLower);
            case StrMethod.islower:
                return s.Any(char.IsLetter) && !s.Any(char.IsUpper);
            case StrMethod.istitle:
                return s.Length > 0 && s == (string)Call(run, s, "title", [], null)! && s.Any(char.IsLetter);
            case StrMethod.isidentifier:
                return s.Length > 0 && (char.IsLetter(s[0]) || s[0] == '_') && s.All(c => char.IsLetterOrDigit(c) || c == '_');
            case StrMethod.zfill:
                {
                    Args.Exact("str.zfill", a, kw, 1);
                    var width = (int)Math.Min(Ops.ToLong(a[0]), int.MaxValue);
                    run.CheckString(width);
                    if (s.Length >= width)
                    {
                        return s;
                    }

                    var pad = new string('0', width - s.Length);
                    return s.Length > 0 && s[0] is '+' or '-' ? s[0] + pad + s[1..] : pad + s;
                }

            case StrMethod.center:
            case StrMethod.ljust:
            case StrMethod.rjust:
                {
                    Args.Range(name, a, kw, 1, 2);
                    var width = Ops.ToLong(a[0]);
                    run.CheckString(width);
                    var fill = a.Length > 1 ? NeedStr(a[1], "The fill character must be a unicode character") : " ";
                    if (fill.Length != 1)
                    {
                        throw PyException.TypeError("The fill character must be exactly one character long");
                    }

                    if (s.Length >= width)
                    {
                        return s;
                    }

                    var total = (int)width - s.Length;
                    if (name == "ljust")
                    {
                        return s + new string(fill[0], total);
                    }

                    if (name == "rjust")
                    {
                        return new string(fill[0], total) + s;
                    }

                    var left = (total / 2) + (total & (int)width & 1);
                    return new string(fill[0], left) + s + new string(fill[0], total - left);
                }

            case StrMethod.partition:
            case StrMethod.rpartition:
                {
                    Args.Exact(name, a, kw, 1);
                    var sep = NeedStr(a[0], "must be str");
                    if (sep.Length == 0)
                    {
                        throw PyException.ValueError("empty separator");
                    }

                    var i = name == "partition" ? s.IndexOf(sep, StringComparison.Ordinal) : s.LastIndexOf(sep, StringComparison.Ordinal);
                    if (i < 0)
                    {
                        return name == "partition" ? new PyTuple([s, "", ""]) : new PyTuple(["", "", s]);
                    }

                    return new PyTuple([s[..i], sep, s[(i + sep.Length)..]]);
                }

            case StrMethod.removeprefix:
                Args.Exact("str.removeprefix", a, kw, 1);
                return s.StartsWith(NeedStr(a[0], "removeprefix() argument must be str"), StringComparison.Ordinal) ? s[((string)a[0]!).Length..] : s;
            case StrMethod.removesuffix:
                Args.Exact("str.removesuffix", a, kw, 1);
                return s.EndsWith(NeedStr(a[0], "removesuffix() argument must be str"), StringComparison.Ordinal) && ((string)a[0]!).Length > 0 ? s[..^((string)a[0]!).Length] : s;
            case StrMethod.expandtabs:
                {
                    var size = a.Length > 0 ? (int)Math.Clamp(Ops.ToLong(a[0]), int.MinValue, int.MaxValue) : 8;
                    var sb = new StringBuilder();
                    var col = 0;
                    foreach (var c in s)
                    {
                        if (c == '\t')
                        {
                            var n = size > 0 ? size - (col % size) : 0;
                            if (sb.Length + (long)n > run.MaxString)
                            {
                                run.CheckString(sb.Length + (long)n);
                            }

                            sb.Append(' ', n);
                            col += n;
                        }
                        else
                        {
                            sb.Append(c);
                            col = c is '\n' or '\r' ? 0 : col + 1;
                        }
                    }

                    return sb.ToString();
                }

            case StrMethod.encode:
                throw PyException.Make(PyExceptionType.NotImplementedError, "bytes are not supported");
            default:
                throw PyException.AttributeError($"'str' object has no attribute '{name}'");
        }
    }

    private static (int Start, int End) Bounds(string s, object?[] a)
    {
        long start = a.Length > 1 && a[1] != null ? Ops.ToIndex(a[1]) : 0;
        long end = a.Length > 2 && a[2] != null ? Ops.ToIndex(a[2]) : s.Length;
        if (start < 0)
        {
            start = Math.Max(0, start + s.Length);
        }

        if (end < 0)
        {
            end = Math.Max(0, end + s.Length);
        }

        return ((int)Math.Min(start, s.Length), (int)Math.Min(end, s.Length));
    }

    private static long CountOccurrences(string s, string sub)
    {
        long n = 0;
        var i = 0;
        while ((i = s.IndexOf(sub, i, StringComparison.Ordinal)) >= 0)
        {
            n++;
            i += sub.Length;
        }

        return n;
    }

    public static string Replace(string s, string old, string @new, long count)
    {
        if (count < 0)
        {
            if (old.Length == 0)
            {
                var sb0 = new StringBuilder(@new);
                foreach (var c in s)
                {
                    sb0.Append(c).Append(@new);
                }

                return sb0.ToString();
            }

            return s.Replace(old, @new, StringComparison.Ordinal);
        }

        var sb = new StringBuilder();
        var i = 0;
        long n = 0;
        if (old.Length == 0)
        {
            while (n < count && i <= s.Length)
            {
                sb.Append(@new);
                if (i < s.Length)
                {
                    sb.Append(s[i]);
                }

                i++;
                n++;
            }

            if (i <= s.Length)
            {
                sb.Append(s, Math.Min(i, s.Length), s.Length - Math.Min(i, s.Length));
            }

            return sb.ToString();
        }

        while (n < count)
        {
            var j = s.IndexOf(old, i, StringComparison.Ordinal);
            if (j < 0)
            {
                break;
            }

            sb.Append(s, i, j - i).Append(@new);
            i = j + old.Length;
            n++;
        }

        sb.Append(s, i, s.Length - i);
        return sb.ToString();
    }

    private static List<object?> Split(Run run, string s, string? sep, long maxsplit, bool fromRight)
    {
        var r = new List<object?>();
        if (maxsplit < 0)
        {
            maxsplit = long.MaxValue;
        }

        if (sep == null)
        {
            var parts = new List<string>();
            if (!fromRight)
            {
                var i = 0;
                while (true)
                {
                    while (i < s.Length && IsPySpace(s[i]))
                    {
                        i++;
                    }

                    if (i >= s.Length)
                    {
                        break;
                    }

                    if (parts.Count == maxsplit)
                    {
                        parts.Add(s[i..]);
                        break;
                    }

                    var j = i;
                    while (j < s.Length && !IsPySpace(s[j]))
                    {
                        j++;
                    }

                    parts.Add(s[i..j]);
                    i = j;
                }
            }
            else
            {
                var i = s.Length - 1;
                while (true)
                {
                    while (i >= 0 && IsPySpace(s[i]))
                    {
                        i--;
                    }

                    if (i < 0)
                    {
                        break;
                    }

                    if (parts.Count == maxsplit)
                    {
                        var j0 = 0;
                        while (j0 <= i && IsPySpace(s[j0]))
                        {
                            j0++;
                        }

                        parts.Add(s[..(i + 1)]);
                        break;
                    }

                    var j = i;
                    while (j >= 0 && !IsPySpace(s[j]))
                    {
                        j--;
                    }

                    parts.Add(s[(j + 1)..(i + 1)]);
                    i = j;
                }

                parts.Reverse();
            }

            r.AddRange(parts);
        }
        else
        {
            if (sep.Length == 0)
            {
                throw PyException.ValueError("empty separator");
            }

            if (!fromRight)
            {
                var i = 0;
                long n = 0;
                while (n < maxsplit)
                {
                    var j = s.IndexOf(sep, i, StringComparison.Ordinal);
                    if (j < 0)
                    {
                        break;
                    }

                    r.Add(s[i..j]);
                    i = j + sep.Length;
                    n++;
                }

                r.Add(s[i..]);
            }
            else
            {
                var end = s.Length;
                long n = 0;
                var parts = new List<object?>();
                while (n < maxsplit && end > 0)
                {
                    var j = s.LastIndexOf(sep, end - 1, end, StringComparison.Ordinal);
                    if (j < 0)
                    {
                        break;
                    }

                    parts.Add(s[(j + sep.Length)..end]);
                    end = j;
                    n++;
                }

                parts.Add(s[..end]);
                parts.Reverse();
                r.AddRange(parts);
            }
        }

        run.CheckCollection(r.Count);
        return r;
    }

    public static string ToTitle(string s) => CultureInfo.InvariantCulture.TextInfo.ToTitleCase(s);
}
