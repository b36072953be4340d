using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Automation.Scripting;
using Automation.Scripting.Odoo;

namespace Automation.Core.Domains;

/// <summary>Turns Odoo text, JSON arrays and evaluated term lists into a normalized <see cref="Domain"/> tree.</summary>
internal static class DomainParser
{
    /// <summary>Domain text is bounded: rule domains are a few hundred characters.</summary>
    public const int MaxTextLength = 64 * 1024;

    private const string Prelude = "def context_today():\n    return datetime.date.today()\ndomain_value_ = (\n";

    public static Domain Parse(string? text, DomainParseOptions options)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Domain.All;
        }

        if (text.Length > MaxTextLength)
        {
            throw new DomainException($"The domain is longer than {MaxTextLength:N0} characters.");
        }

        var trimmed = text.Trim();
        if (trimmed.StartsWith('[') && TryParseJson(trimmed, out var terms))
        {
            return FromTerms(terms, 0);
        }

        return FromTerms(Evaluate(trimmed, options), 0);
    }

    private static bool TryParseJson(string text, out IReadOnlyList<object?> terms)
    {
        terms = [];
        try
        {
            if (JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = 64 }) is JsonArray array)
            {
                terms = (IReadOnlyList<object?>)FromJson(array)!;
                return true;
            }
        }
        catch (JsonException)
        {
            // Not JSON: Odoo text such as [('a', '=', 1)] — the interpreter reads it.
        }

        return false;
    }

    internal static object? FromJson(JsonNode? node) => node switch
    {
        null => null,
        JsonArray array => array.Select(FromJson).ToList(),
        JsonObject => throw new DomainException("A domain value cannot be a JSON object."),
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => value.TryGetValue<long>(out var l) ? (object)l : value.GetValue<double>(),
            _ => null,
        },
        _ => null,
    };

    private static IReadOnlyList<object?> Evaluate(string text, DomainParseOptions options)
    {
        var context = new ScriptContext { Environment = options.Environment };
        if (options.Environment is null)
        {
            context.Variables["uid"] = options.Uid;
        }

        foreach (var (name, value) in options.Variables ?? new Dictionary<string, object?>())
        {
            context.Variables[name] = value;
        }

        object? result;
        try
        {
            if (text.Contains("context_today", StringComparison.Ordinal))
            {
                var run = ScriptEngine.Shared.Run(Prelude + text + "\n)", context);
                run.TryGetVariable("domain_value_", out result);
            }
            else
            {
                result = ScriptEngine.Shared.Evaluate(text, context);
            }
        }
        catch (ScriptSyntaxException e)
        {
            // With the context_today prelude the user's text starts on line 3.
            var line = text.Contains("context_today", StringComparison.Ordinal) ? Math.Max(1, e.Line - 2) : e.Line;
            throw new DomainException($"The domain is not valid Python: {e.Detail} (line {line}, column {e.Column}).");
        }
        catch (ScriptRuntimeException e)
        {
            throw new DomainException($"Evaluating the domain failed: {e.Message}");
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            throw new DomainException($"Evaluating the domain failed: {e.Message}");
        }

        return Normalize(result) as IReadOnlyList<object?>
            ?? throw new DomainException($"A domain must be a list of conditions, not {DomainText.Describe(result)}.");
    }

    /// <summary>Interpreter values as domain values: tuples and sets as lists, record sets as their ids.</summary>
    private static object? Normalize(object? value, int depth = 0)
    {
        if (depth > Domain.MaxDepth * 4)
        {
            throw new DomainException("The domain nests too deeply.");
        }

        return value switch
        {
            null or string or long or double or bool or DateOnly or DateTime => value,
            int i => (long)i,
            BigInteger => throw new DomainException($"The number {value} is too large."),
            TimeSpan => throw new DomainException("A timedelta cannot be a domain value; add it to a date."),
            ScriptRecordSet set => set.Ids.Select(id => (object?)id).ToList(),
            IDictionary<string, object?> or IDictionary<object, object?> => throw new DomainException("A domain value cannot be a dict."),
            IEnumerable<object?> items => items.Select(x => Normalize(x, depth + 1)).ToList(),
            _ => Convert.ToString(value, CultureInfo.InvariantCulture),
        };
    }

    /// <summary>Prefix notation to a tree: operators take their operands, what is left is ANDed (spec §7).</summary>
    public static Domain FromTerms(IReadOnlyList<object?> terms, int depth)
    {
        ArgumentNullException.ThrowIfNull(terms);
        if (terms.Count > Domain.MaxTerms)
        {
            throw new DomainException($"The domain has more than {Domain.MaxTerms:N0} terms.");
        }

        if (depth > Domain.MaxDepth)
        {
            throw new DomainException($"Sub-domains nest more than {Domain.MaxDepth} levels deep.");
        }

        var position = 0;
        var roots = new List<DomainNode>();
        while (position < terms.Count)
        {
            roots.Add(ParseNode(terms, ref position, 0));
        }

        return new Domain(Simplify.And(roots), terms.Count);
    }

    private static DomainNode ParseNode(IReadOnlyList<object?> terms, ref int position, int nesting)
    {
        if (nesting > Domain.MaxTerms)
        {
            throw new DomainException("The domain nests too deeply.", position);
        }

        var index = position;
        var term = terms[position++];
        switch (term)
        {
            case "&" or "|":
                var left = Operand(terms, ref position, index, (string)term, nesting);
                var right = Operand(terms, ref position, index, (string)term, nesting);
                return (string)term == "&" ? Simplify.And([left, right]) : Simplify.Or([left, right]);
            case "!":
                return Simplify.Not(Operand(terms, ref position, index, "!", nesting));
            case string other:
                throw new DomainException($"Unknown domain operator {DomainText.Repr(other)}; expected '&', '|', '!' or a (field, operator, value) condition.", index);
            case IReadOnlyList<object?> leaf:
                return Leaf(leaf, index);
            default:
                throw new DomainException($"Expected a (field, operator, value) condition, got {DomainText.Describe(term)}.", index);
        }
    }

    private static DomainNode Operand(IReadOnlyList<object?> terms, ref int position, int index, string op, int nesting)
    {
        if (position >= terms.Count)
        {
            throw new DomainException($"'{op}' needs {(op == "!" ? "one operand" : "two operands")} after it.", index);
        }

        return ParseNode(terms, ref position, nesting + 1);
    }

    private static DomainNode Leaf(IReadOnlyList<object?> leaf, int index)
    {
        if (leaf.Count != 3)
        {
            throw new DomainException($"A condition has 3 items (field, operator, value), this one has {leaf.Count}.", index);
        }

        if (leaf[1] is not string op)
        {
            throw new DomainException($"The operator must be text, got {DomainText.Describe(leaf[1])}.", index);
        }

        // spec §7: (1, '=', 1) is TRUE and (0, '=', 1) is FALSE.
        if (leaf[0] is long or bool && op == "=" && leaf[2] is long or bool)
        {
            return Convert.ToInt64(leaf[0], CultureInfo.InvariantCulture) == Convert.ToInt64(leaf[2], CultureInfo.InvariantCulture)
                ? DomainNode.True
                : DomainNode.False;
        }

        if (leaf[0] is not string { Length: > 0 } path)
        {
            throw new DomainException($"The field must be a name, got {DomainText.Describe(leaf[0])}.", index);
        }

        return new DomainLeaf(path, op.Trim().ToLowerInvariant() is var lower && lower.Length > 0 ? lower : op, leaf[2], index);
    }
}

/// <summary>Flattens nested AND/OR and folds constants, so evaluation and pushdown see the simplest tree.</summary>
internal static class Simplify
{
    public static DomainNode And(IEnumerable<DomainNode> nodes)
    {
        var children = new List<DomainNode>();
        foreach (var node in nodes)
        {
            switch (node)
            {
                case DomainConstant { Value: true }:
                    continue;
                case DomainConstant { Value: false }:
                    return DomainNode.False;
                case DomainAnd and:
                    children.AddRange(and.Children);
                    break;
                default:
                    children.Add(node);
                    break;
            }
        }

        return children.Count switch
        {
            0 => DomainNode.True,
            1 => children[0],
            _ => new DomainAnd(children),
        };
    }

    public static DomainNode Or(IEnumerable<DomainNode> nodes)
    {
        var children = new List<DomainNode>();
        foreach (var node in nodes)
        {
            switch (node)
            {
                case DomainConstant { Value: false }:
                    continue;
                case DomainConstant { Value: true }:
                    return DomainNode.True;
                case DomainOr or:
                    children.AddRange(or.Children);
                    break;
                default:
                    children.Add(node);
                    break;
            }
        }

        return children.Count switch
        {
            0 => DomainNode.False,
            1 => children[0],
            _ => new DomainOr(children),
        };
    }

    public static DomainNode Not(DomainNode node) => node switch
    {
        DomainConstant c => c.Value ? DomainNode.False : DomainNode.True,
        DomainNot not => not.Child,
        _ => new DomainNot(node),
    };
}
