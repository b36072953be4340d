using System.Globalization;
using System.Text;
using Automation.Scripting.Runtime;

namespace Automation.Scripting.Modules;

/// <summary>C strftime/strptime directives in the C locale, as Python uses them.</summary>
internal static class StrFTime
{
    private static readonly string[] Days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
    private static readonly string[] Months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    public static string Format(DateTime d, string fmt, PyTzInfo? tz)
    {
        var sb = new StringBuilder();
        var wd = ((int)d.DayOfWeek + 6) % 7;
        for (var i = 0; i < fmt.Length; i++)
        {
            var c = fmt[i];
            if (c != '%' || i + 1 >= fmt.Length)
            {
                sb.Append(c);
                continue;
            }

            var f = fmt[++i];
            var inv = CultureInfo.InvariantCulture;
            switch (f)
            {
                case 'Y': sb.Append(d.Year.ToString(inv)); break;
                case 'y': sb.Append((d.Year % 100).ToString("00", inv)); break;
                case 'm': sb.Append(d.Month.ToString("00", inv)); break;
                case 'd': sb.Append(d.Day.ToString("00", inv)); break;
                case 'H': sb.Append(d.Hour.ToString("00", inv)); break;
                case 'I': sb.Append((d.Hour % 12 == 0 ? 12 : d.Hour % 12).ToString("00", inv)); break;
                case 'M': sb.Append(d.Minute.ToString("00", inv)); break;
                case 'S': sb.Append(d.Second.ToString("00", inv)); break;
                case 'f': sb.Append((d.Ticks % TimeSpan.TicksPerSecond / 10).ToString("000000", inv)); break;
                case 'p': sb.Append(d.Hour < 12 ? "AM" : "PM"); break;
                case 'A': sb.Append(Days[wd]); break;
                case 'a': sb.Append(Days[wd][..3]); break;
                case 'B': sb.Append(Months[d.Month - 1]); break;
                case 'b' or 'h': sb.Append(Months[d.Month - 1][..3]); break;
                case 'j': sb.Append(d.DayOfYear.ToString("000", inv)); break;
                case 'w': sb.Append(((int)d.DayOfWeek).ToString(inv)); break;
                case 'u': sb.Append((wd + 1).ToString(inv)); break;
                case 'U': sb.Append(((d.DayOfYear + 6 - (int)d.DayOfWeek) / 7).ToString("00", inv)); break;
                case 'W': sb.Append(((d.DayOfYear + 6 - wd) / 7).ToString("00", inv)); break;
                case 'V': sb.Append(ISOWeek.GetWeekOfYear(d).ToString("00", inv)); break;
                case 'G': sb.Append(ISOWeek.GetYear(d).ToString(inv)); break;
                case 'c': sb.Append(Format(d, "%a %b ", null)).Append(d.Day.ToString(inv).PadLeft(2)).Append(Format(d, " %H:%M:%S %Y", null)); break;
                case 'x': sb.Append(Format(d, "%m/%d/%y", null)); break;
                case 'X': sb.Append(Format(d, "%H:%M:%S", null)); break;
                case 'D': sb.Append(Format(d, "%m/%d/%y", null)); break;
                case 'F': sb.Append(Format(d, "%Y-%m-%d", null)); break;
                case 'T': sb.Append(Format(d, "%H:%M:%S", null)); break;
                case 'R': sb.Append(Format(d, "%H:%M", null)); break;
                case 'e': sb.Append(d.Day.ToString(inv).PadLeft(2)); break;
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'z':
                    if (tz != null)
                    {
                        var off = tz.OffsetAt(d);
                        sb.Append(off < TimeSpan.Zero ? '-' : '+').Append(off.Duration().ToString("hhmm", inv));
                    }

                    break;
                case 'Z':
                    if (tz != null)
                    {
                        sb.Append(tz.Name == "UTC" ? "UTC" : tz.Zone.IsDaylightSavingTime(d) ? tz.Zone.DaylightName : tz.Zone.StandardName);
                    }

                    break;
                case '%': sb.Append('%'); break;
                default: sb.Append('%').Append(f); break;
            }
        }

        return sb.ToString();
    }

    public static PyDateTime Parse(string s, string fmt)
    {
        int year = 1900, month = 1, day = 1, hour = 0, minute = 0, second = 0, micro = 0;
        var pm = -1;
        PyTzInfo? tz = null;
        var pos = 0;
        PyException Mismatch() => PyException.ValueError($"time data {Ops.Repr(s)} does not match format {Ops.Repr(fmt)}");
        int Num(int maxDigits)
        {
            var start = pos;
            while (pos < s.Length && pos - start < maxDigits && char.IsAsciiDigit(s[pos]))
            {
                pos++;
            }

            if (pos == start)
            {
                throw Mismatch();
            }

            return int.Parse(s.AsSpan(start, pos - start), CultureInfo.InvariantCulture);
        }

        int Name(string[] names, bool abbrev)
        {
            for (var k = 0; k < names.Length; k++)
            {
                var n = abbrev ? names[k][..3] : names[k];
                if (string.Compare(s, pos, n, 0, n.Length, StringComparison.OrdinalIgnoreCase) == 0)
                {
                    pos += n.Length;
                    return k;
                }
            }

            throw Mismatch();
        }

        for (var i = 0; i < fmt.Length; i++)
        {
            var c = fmt[i];
            if (c == '%' && i + 1 < fmt.Length)
            {
                var f = fmt[++i];
                switch (f)
                {
                    case 'Y': year = Num(4); break;
                    case 'y': year = Num(2) is var yy && yy < 69 ? 2000 + yy : 1900 + yy; break;
                    case 'm': month = Num(2); break;
                    case 'd': day = Num(2); break;
                    case 'H': hour = Num(2); break;
                    case 'I': hour = Num(2); break;
                    case 'M': minute = Num(2); break;
                    case 'S': second = Num(2); break;
                    case 'f':
                        {
                            var start = pos;
                            micro = Num(6);
                            for (var k = pos - start; k < 6; k++)
                            {
                                micro *= 10;
                            }

                            break;
                        }

                    case 'p':
                        if (pos + 2 <= s.Length && s.Substring(pos, 2).Equals("AM", StringComparison.OrdinalIgnoreCase))
                        {
                            pm = 0;
                        }
                        else if (pos + 2 <= s.Length && s.Substring(pos, 2).Equals("PM", StringComparison.OrdinalIgnoreCase))
                        {
                            pm = 1;
                        }
                        else
                        {
                            throw Mismatch();
                        }

                        pos += 2;
                        break;
                    case 'B': month = Name(Months, false) + 1; break;
                    case 'b' or 'h': month = Name(Months, true) + 1; break;
                    case 'A': Name(Days, false); break;
                    case 'a': Name(Days, true); break;
                    case 'j': Num(3); break;
                    case 'z':
                        {
                            if (pos < s.Length && s[pos] == 'Z')
                            {
                                pos++;
                                tz = PyTzInfo.Utc;
                                break;
                            }

                            if (pos >= s.Length || s[pos] is not ('+' or '-'))
                            {
                                throw Mismatch();
                            }

                            pos++;
                            Num(2);
                            if (pos < s.Length && s[pos] == ':')
                            {
                                pos++;
                            }

                            Num(2);
                            tz = PyTzInfo.Utc;
                            break;
                        }

                    case '%':
                        if (pos >= s.Length || s[pos] != '%')
                        {
                            throw Mismatch();
                        }

                        pos++;
                        break;
                    default:
                        throw PyException.ValueError($"'{f}' is a bad directive in format '{fmt}'");
                }
            }
            else if (char.IsWhiteSpace(c))
            {
                while (pos < s.Length && char.IsWhiteSpace(s[pos]))
                {
                    pos++;
                }
            }
            else
            {
                if (pos >= s.Length || s[pos] != c)
                {
                    throw Mismatch();
                }

                pos++;
            }
        }

        if (pos != s.Length)
        {
            throw PyException.ValueError($"unconverted data remains: {s[pos..]}");
        }

        if (pm >= 0)
        {
            hour = (hour % 12) + (pm == 1 ? 12 : 0);
        }

        if (month is < 1 or > 12 || day is < 1 or > 31 || hour > 23 || minute > 59 || second > 61)
        {
            throw Mismatch();
        }

        var date = DateTimeClass.MakeDate((long)year, (long)month, (long)day);
        return new PyDateTime(DateTimeClass.MakeDateTime(date, (long)hour, (long)minute, (long)second, (long)micro), tz);
    }
}

/// <summary><c>dateutil.parser.parse</c> for the formats webhook payloads carry.</summary>
internal static class DateParser
{
    public static PyDateTime? ParseIso(string s)
    {
        string[] formats =
        [
            "yyyy-MM-dd", "yyyy-MM-ddTHH:mm", "yyyy-MM-dd HH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-dd HH:mm:ss",
            "yyyy-MM-ddTHH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm:ss.FFFFFFF",
        ];
        var t = s.Trim();
        PyTzInfo? tz = null;
        var offset = TimeSpan.Zero;
        if (t.EndsWith('Z'))
        {
            t = t[..^1];
            tz = PyTzInfo.Utc;
        }
        else if (t.Length > 6 && t[^6] is '+' or '-' && t[^3] == ':' && t.Length > 10)
        {
            var sign = t[^6] == '-' ? -1 : 1;
            offset = sign * new TimeSpan(int.Parse(t.AsSpan(t.Length - 5, 2), CultureInfo.InvariantCulture), int.Parse(t.AsSpan(t.Length - 2, 2), CultureInfo.InvariantCulture), 0);
            t = t[..^6];
            tz = PyTzInfo.Utc;
        }

        if (!DateTime.TryParseExact(t, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
        {
            return null;
        }

        return new PyDateTime(d - offset, tz);
    }

    public static object Parse(Run run, object?[] a, KwArgs? kw)
    {
        if (a.Length < 1 || a[0] is not string s)
        {
            throw PyException.TypeError("Parser must be a string or character stream, not " + (a.Length < 1 ? "nothing" : Ops.TypeName(a[0])));
        }

        var dayfirst = Ops.IsTrue(Args.Kw(kw, "dayfirst"));
        var iso = ParseIso(s);
        if (iso != null)
        {
            return iso;
        }

        var culture = dayfirst ? CultureInfo.GetCultureInfo("en-GB") : CultureInfo.GetCultureInfo("en-US");
        if (DateTime.TryParse(s, culture, DateTimeStyles.AllowWhiteSpaces | DateTimeStyles.NoCurrentDateDefault, out var d))
        {
            return new PyDateTime(d.Kind == DateTimeKind.Local ? d.ToUniversalTime() : d, d.Kind is DateTimeKind.Utc or DateTimeKind.Local ? PyTzInfo.Utc : null);
        }

        throw PyException.ValueError($"Unknown string format: {s}");
    }
}
