using System.Globalization;
using System.Net;
using System.Numerics;
using System.Text;
using Automation.Scripting.Odoo;

namespace Automation.Core.Templates;

/// <summary>One piece of a template field: literal text, or a <c>{{ expression }}</c> to evaluate.</summary>
public sealed record TemplatePart(string Text, bool IsExpression);

/// <summary>
/// Template fields (<c>mail.template</c>, <c>sms.template</c>, <c>whatsapp.template</c>) hold text with
/// <c>{{ expression }}</c> placeholders, Odoo's inline-template syntax: each expression is Python evaluated by the
/// interpreter with <c>object</c> (the record), <c>user</c>, <c>env</c> and the usual modules.
/// </summary>
public static class TemplateText
{
    /// <summary>Longest template field accepted (characters), and most placeholders in one.</summary>
    public const int MaxLength = 100_000;

    public const int MaxPlaceholders = 200;

    /// <summary>Splits <paramref name="text"/>; throws <see cref="FormatException"/> for an unclosed or empty placeholder.</summary>
    public static IReadOnlyList<TemplatePart> Parse(string? text)
    {
        var parts = new List<TemplatePart>();
        if (string.IsNullOrEmpty(text))
        {
            return parts;
        }

        if (text.Length > MaxLength)
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"The template text is {text.Length} characters long; at most {MaxLength} are accepted."));
        }

        var position = 0;
        while (position < text.Length)
        {
            var open = text.IndexOf("{{", position, StringComparison.Ordinal);
            if (open < 0)
            {
                parts.Add(new TemplatePart(text[position..], false));
                break;
            }

            if (open > position)
            {
                parts.Add(new TemplatePart(text[position..open], false));
            }

            var close = text.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                throw new FormatException($"A placeholder opened with '{{{{' at character {open + 1} is never closed with '}}}}'.");
            }

            var expression = text[(open + 2)..close].Trim();
            if (expression.Length == 0)
            {
                throw new FormatException($"The placeholder at character {open + 1} is empty.");
            }

            parts.Add(new TemplatePart(expression, true));
            if (parts.Count(p => p.IsExpression) > MaxPlaceholders)
            {
                throw new FormatException($"A template field holds at most {MaxPlaceholders} placeholders.");
            }

            position = close + 2;
        }

        return parts;
    }

    /// <summary>
    /// A placeholder's value as text: nothing for None/False (Odoo renders them empty), Python's <c>str()</c> for numbers,
    /// the display names of records, joined by ", ". <paramref name="displayNames"/> reads those.
    /// </summary>
    public static string ToText(object? value, Func<ScriptRecordSet, IReadOnlyList<string>> displayNames)
    {
        ArgumentNullException.ThrowIfNull(displayNames);
        return value switch
        {
            null or false => "",
            true => "True",
            string s => s,
            long or int or BigInteger => Convert.ToString(value, CultureInfo.InvariantCulture)!,
            double d => PythonFloat(d),
            DateTime dt => dt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ScriptRecordSet set => string.Join(", ", displayNames(set)),
            System.Collections.IEnumerable list => "[" + string.Join(", ", list.Cast<object?>().Select(v => v is string s ? "'" + s + "'" : ToText(v, displayNames))) + "]",
            _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
        };
    }

    /// <summary>The variable a placeholder's <c>object</c> is bound to: the interpreter keeps Python's builtin name <c>object</c> off limits.</summary>
    public const string ObjectVariable = "template_object";

    /// <summary>
    /// <paramref name="expression"/> with the name <c>object</c> (Odoo's record in templates) renamed to
    /// <see cref="ObjectVariable"/>; string literals and attributes named <c>object</c> are left alone.
    /// </summary>
    public static string BindObject(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var result = new StringBuilder(expression.Length + 16);
        for (var i = 0; i < expression.Length; i++)
        {
            var c = expression[i];
            if (c is '\'' or '"')
            {
                var end = i + 1;
                while (end < expression.Length && expression[end] != c)
                {
                    end += expression[end] == '\\' ? 2 : 1;
                }

                end = Math.Min(end, expression.Length - 1);
                result.Append(expression, i, end - i + 1);
                i = end;
                continue;
            }

            if ((char.IsLetter(c) || c == '_') && (i == 0 || !(char.IsLetterOrDigit(expression[i - 1]) || expression[i - 1] == '_')))
            {
                var end = i;
                while (end < expression.Length && (char.IsLetterOrDigit(expression[end]) || expression[end] == '_'))
                {
                    end++;
                }

                var word = expression[i..end];
                var previous = expression[..i].TrimEnd();
                result.Append(word == "object" && !previous.EndsWith('.') ? ObjectVariable : word);
                i = end - 1;
                continue;
            }

            result.Append(c);
        }

        return result.ToString();
    }

    /// <summary>Joins rendered parts; in HTML fields the values are escaped (the literal HTML of the template is not).</summary>
    public static string Join(IReadOnlyList<TemplatePart> parts, IReadOnlyList<string> values, bool html)
    {
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentNullException.ThrowIfNull(values);
        var result = new StringBuilder();
        var next = 0;
        foreach (var part in parts)
        {
            result.Append(!part.IsExpression ? part.Text : html ? Escape(values[next++]) : values[next++]);
        }

        return result.ToString();
    }

    /// <summary>Escapes the five HTML-significant characters and nothing else (accented letters stay as they are).</summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal)
            .Replace("\"", "&quot;", StringComparison.Ordinal).Replace("'", "&#39;", StringComparison.Ordinal);
    }

    private static string PythonFloat(double d) =>
        double.IsFinite(d) && d == Math.Floor(d) && Math.Abs(d) < 1e16
            ? d.ToString("F1", CultureInfo.InvariantCulture)
            : d.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Plain text of an HTML body, for the text part of an email and for SMS.</summary>
    public static string HtmlToText(string? html)
    {
        if (string.IsNullOrEmpty(html))
        {
            return "";
        }

        var text = System.Text.RegularExpressions.Regex.Replace(html, @"<\s*(br|/p|/div|/li|/h[1-6])\s*/?>", "\n",
            System.Text.RegularExpressions.RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1));
        text = System.Text.RegularExpressions.Regex.Replace(text, "<[^>]*>", "", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
        return WebUtility.HtmlDecode(text).Trim();
    }
}
