using System.Globalization;
using System.Text;

namespace Automation.Core.Sequences;

/// <summary>
/// spec §6: a sequence's prefix and suffix are Python %-format strings over the placeholders <c>year month day y doy
/// woy weekday h24 h12 min sec isoyear isoy isoweek</c>, each in three flavours: plain (the effective date),
/// <c>range_</c> (the start of the date range in use, else the effective date) and <c>current_</c> (now).
/// </summary>
public static class SequenceFormat
{
    public static readonly IReadOnlyList<string> Keys =
        ["year", "month", "day", "y", "doy", "woy", "weekday", "h24", "h12", "min", "sec", "isoyear", "isoy", "isoweek"];

    /// <summary>The placeholder values (all three flavours) for the given moments.</summary>
    public static IReadOnlyDictionary<string, string> Placeholders(DateTime effective, DateTime? rangeStart, DateTime now)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (prefix, moment) in new[] { ("", effective), ("range_", rangeStart ?? effective), ("current_", now) })
        {
            foreach (var key in Keys)
            {
                values[prefix + key] = Value(key, moment);
            }
        }

        return values;
    }

    /// <summary>One placeholder of <paramref name="moment"/>, as Python's strftime writes it.</summary>
    public static string Value(string key, DateTime moment)
    {
        var c = CultureInfo.InvariantCulture;
        var mondayBased = ((int)moment.DayOfWeek + 6) % 7;
        return key switch
        {
            "year" => moment.Year.ToString("D4", c),
            "month" => moment.Month.ToString("D2", c),
            "day" => moment.Day.ToString("D2", c),
            "y" => (moment.Year % 100).ToString("D2", c),
            "doy" => moment.DayOfYear.ToString("D3", c),
            "woy" => ((moment.DayOfYear - 1 + 7 - mondayBased) / 7).ToString("D2", c), // %W: weeks start on Monday
            "weekday" => ((int)moment.DayOfWeek).ToString(c), // %w: 0 = Sunday
            "h24" => moment.Hour.ToString("D2", c),
            "h12" => (moment.Hour % 12 == 0 ? 12 : moment.Hour % 12).ToString("D2", c),
            "min" => moment.Minute.ToString("D2", c),
            "sec" => moment.Second.ToString("D2", c),
            "isoyear" => ISOWeek.GetYear(moment).ToString("D4", c),
            "isoy" => (ISOWeek.GetYear(moment) % 100).ToString("D2", c),
            "isoweek" => ISOWeek.GetWeekOfYear(moment).ToString("D2", c),
            _ => throw new ArgumentOutOfRangeException(nameof(key), key, "Unknown placeholder."),
        };
    }

    /// <summary>Python's <c>text % values</c> for <c>%(name)s</c> and <c>%%</c>; null when the text is not valid.</summary>
    public static string? Interpolate(string? text, IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var result = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '%')
            {
                result.Append(text[i]);
                continue;
            }

            if (i + 1 < text.Length && text[i + 1] == '%')
            {
                result.Append('%');
                i++;
                continue;
            }

            // %(name)[-][width]s
            if (i + 1 >= text.Length || text[i + 1] != '(')
            {
                return null; // a positional conversion (%s, %u, …) needs a tuple Odoo never passes
            }

            var close = text.IndexOf(')', i + 2);
            if (close < 0 || !values.TryGetValue(text[(i + 2)..close], out var value))
            {
                return null;
            }

            var j = close + 1;
            var left = j < text.Length && text[j] == '-';
            if (left)
            {
                j++;
            }

            var widthStart = j;
            while (j < text.Length && char.IsAsciiDigit(text[j]))
            {
                j++;
            }

            if (j >= text.Length || text[j] is not ('s' or 'r') || j - widthStart > 3)
            {
                return null;
            }

            var width = j > widthStart ? int.Parse(text[widthStart..j], CultureInfo.InvariantCulture) : 0;
            var shown = text[j] == 'r' ? "'" + value + "'" : value;
            result.Append(left ? shown.PadRight(width) : shown.PadLeft(width));
            i = j;
        }

        return result.ToString();
    }

    /// <summary>prefix + number zero-padded to <paramref name="padding"/> + suffix (spec §6).</summary>
    public static string Format(string sequenceName, string? prefix, string? suffix, int padding, long number, IReadOnlyDictionary<string, string> values)
    {
        var before = Interpolate(prefix, values);
        var after = Interpolate(suffix, values);
        if (before is null || after is null)
        {
            throw new SequenceException($"Invalid prefix or suffix for sequence “{sequenceName}”");
        }

        var digits = Math.Abs(number).ToString(CultureInfo.InvariantCulture).PadLeft(Math.Clamp(padding, 0, 64), '0');
        return before + (number < 0 ? "-" : "") + digits + after;
    }

    /// <summary>
    /// spec §6 "Date ranges": the range a draw on <paramref name="date"/> creates when none contains it: the calendar year,
    /// begun the day after the latest range ending before the date and ended the day before the earliest one starting after it.
    /// </summary>
    public static (DateOnly From, DateOnly To) NewRange(DateOnly date, IEnumerable<(DateOnly From, DateOnly To)> existing)
    {
        ArgumentNullException.ThrowIfNull(existing);
        var from = new DateOnly(date.Year, 1, 1);
        var to = new DateOnly(date.Year, 12, 31);
        foreach (var (f, t) in existing)
        {
            if (t < date && t >= from)
            {
                from = t.AddDays(1);
            }

            if (f > date && f <= to)
            {
                to = f.AddDays(-1);
            }
        }

        return (from, to);
    }
}
