using System.Globalization;
using System.Text.RegularExpressions;

namespace Automation.Core.Domains;

/// <summary>Value rules of spec §7: empty values, dates (ISO and 19.0 relative forms).</summary>
internal static partial class DomainValues
{
    /// <summary>False/None/''/0/[]: what <c>=?</c> ignores.</summary>
    public static bool IsEmpty(object? value) => value switch
    {
        null => true,
        bool b => !b,
        string s => s.Length == 0,
        long l => l == 0,
        double d => d == 0,
        IReadOnlyCollection<object?> list => list.Count == 0,
        _ => false,
    };

    public static bool IsFalse(object? value) => value is null or false;

    public static DateOnly? ParseDate(object? value, TimeProvider clock) => value switch
    {
        DateOnly d => d,
        DateTime dt => DateOnly.FromDateTime(dt),
        string s when DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) => d,
        string s when ParseDateTimeText(s) is { } dt => DateOnly.FromDateTime(dt),
        string s when Relative(s, clock, dateOnly: true) is { } dt => DateOnly.FromDateTime(dt),
        _ => null,
    };

    public static DateTime? ParseDateTime(object? value, TimeProvider clock) => value switch
    {
        DateTime dt => Truncate(dt.Kind == DateTimeKind.Local ? dt.ToUniversalTime() : dt),
        DateOnly d => d.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
        string s when ParseDateTimeText(s) is { } dt => dt,
        string s when DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) =>
            d.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
        string s when Relative(s, clock, dateOnly: false) is { } dt => dt,
        _ => null,
    };

    private static readonly string[] DateTimeFormats =
    [
        "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm",
        "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'",
    ];

    private static DateTime? ParseDateTimeText(string s)
    {
        if (DateTime.TryParseExact(s.Trim(), DateTimeFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var dt))
        {
            return Truncate(dt);
        }

        return DateTimeOffset.TryParseExact(s.Trim(), "yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture, DateTimeStyles.None, out var dto)
            ? Truncate(dto.UtcDateTime)
            : null;
    }

    private static DateTime Truncate(DateTime value) =>
        new(value.Ticks - (value.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);

    [GeneratedRegex(@"^(?<sign>[+\-=])(?<n>\d{1,6})(?<unit>[HMSdwmy])$", RegexOptions.CultureInvariant)]
    private static partial Regex OffsetTerm();

    private static readonly string[] WeekDays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

    /// <summary>
    /// 19.0 relative dates (spec §7.2): <c>today</c>, <c>now</c>, then terms <c>+3d</c>/<c>-1m</c> (add),
    /// <c>=1d</c> (set the day/month/…), <c>+monday</c>/<c>-friday</c> (next/previous weekday, today counts),
    /// <c>=week_start</c>; units H M S (time) and d w m y. Evaluated in UTC.
    /// </summary>
    public static DateTime? Relative(string text, TimeProvider clock, bool dateOnly)
    {
        var terms = text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (terms.Length is 0 or > 16)
        {
            return null;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var value = Truncate(dateOnly ? now.Date : now);
        var start = 0;
        if (terms[0] is "today")
        {
            value = DateTime.SpecifyKind(now.Date, DateTimeKind.Utc);
            start = 1;
        }
        else if (terms[0] is "now")
        {
            start = 1;
        }

        try
        {
            for (var i = start; i < terms.Length; i++)
            {
                var term = terms[i];
                if (term == "=week_start")
                {
                    value = value.AddDays(-(((int)value.DayOfWeek + 6) % 7));
                    continue;
                }

                if (term.Length > 1 && term[0] is '+' or '-' && Array.IndexOf(WeekDays, term[1..]) is var day and >= 0)
                {
                    var target = (DayOfWeek)((day + 1) % 7);
                    var delta = ((int)target - (int)value.DayOfWeek + 7) % 7;
                    value = value.AddDays(term[0] == '+' ? delta : -((7 - delta) % 7));
                    continue;
                }

                var match = OffsetTerm().Match(term);
                if (!match.Success)
                {
                    return null;
                }

                var n = int.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture);
                var sign = match.Groups["sign"].Value[0];
                var unit = match.Groups["unit"].Value[0];
                value = sign == '=' ? Set(value, unit, n) : Add(value, unit, sign == '-' ? -n : n);
            }
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }

        return DateTime.SpecifyKind(value, DateTimeKind.Utc);
    }

    private static DateTime Add(DateTime value, char unit, int n) => unit switch
    {
        'H' => value.AddHours(n),
        'M' => value.AddMinutes(n),
        'S' => value.AddSeconds(n),
        'd' => value.AddDays(n),
        'w' => value.AddDays(7 * n),
        'm' => value.AddMonths(n),
        _ => value.AddYears(n),
    };

    private static DateTime Set(DateTime value, char unit, int n) => unit switch
    {
        'H' => value.Date.AddHours(n).AddMinutes(value.Minute).AddSeconds(value.Second),
        'M' => new DateTime(value.Year, value.Month, value.Day, value.Hour, n, value.Second, DateTimeKind.Utc),
        'S' => new DateTime(value.Year, value.Month, value.Day, value.Hour, value.Minute, n, DateTimeKind.Utc),
        'd' => new DateTime(value.Year, value.Month, Math.Min(n, DateTime.DaysInMonth(value.Year, value.Month)), value.Hour, value.Minute,
            value.Second, DateTimeKind.Utc),
        'm' => new DateTime(value.Year, n, Math.Min(value.Day, DateTime.DaysInMonth(value.Year, n)), value.Hour, value.Minute, value.Second,
            DateTimeKind.Utc),
        'y' => new DateTime(n, value.Month, Math.Min(value.Day, DateTime.DaysInMonth(n, value.Month)), value.Hour, value.Minute, value.Second,
            DateTimeKind.Utc),
        _ => throw new ArgumentOutOfRangeException(nameof(unit)),
    };
}

/// <summary>
/// SQL LIKE patterns without allocation per match: <c>%</c> any run, <c>_</c> one character, <c>\</c> escapes.
/// </summary>
internal sealed class LikePattern
{
    private readonly char[] _chars;
    private readonly byte[] _kinds; // 0 literal, 1 one character, 2 any run
    private readonly bool _ignoreCase;

    public LikePattern(string pattern, bool ignoreCase, bool wrap)
    {
        _ignoreCase = ignoreCase;
        var chars = new List<char>();
        var kinds = new List<byte>();
        if (wrap)
        {
            chars.Add('%');
            kinds.Add(2);
        }

        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                chars.Add(Fold(pattern[++i]));
                kinds.Add(0);
            }
            else if (c == '%')
            {
                if (kinds.Count == 0 || kinds[^1] != 2)
                {
                    chars.Add(c);
                    kinds.Add(2);
                }
            }
            else
            {
                chars.Add(c == '_' ? c : Fold(c));
                kinds.Add(c == '_' ? (byte)1 : (byte)0);
            }
        }

        if (wrap && kinds[^1] != 2)
        {
            chars.Add('%');
            kinds.Add(2);
        }

        _chars = [.. chars];
        _kinds = [.. kinds];
    }

    private char Fold(char c) => _ignoreCase ? char.ToLowerInvariant(c) : c;

    public bool IsMatch(string text)
    {
        int t = 0, p = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < _kinds.Length && (_kinds[p] == 1 || (_kinds[p] == 0 && _chars[p] == Fold(text[t]))))
            {
                t++;
                p++;
            }
            else if (p < _kinds.Length && _kinds[p] == 2)
            {
                star = p++;
                mark = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < _kinds.Length && _kinds[p] == 2)
        {
            p++;
        }

        return p == _kinds.Length;
    }
}
