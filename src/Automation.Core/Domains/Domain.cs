using System.Globalization;
using System.Text;

namespace Automation.Core.Domains;

/// <summary>
/// A parsed Odoo domain (spec §7), normalized from prefix notation with implicit <c>&amp;</c> into a tree. Not yet
/// bound to a model: <see cref="DomainCompiler"/> checks fields, operators and values and compiles it.
/// </summary>
public sealed class Domain
{
    /// <summary>Terms a domain may have (sub-domains of <c>any</c> included); more is a mistake or an attack.</summary>
    public const int MaxTerms = 10_000;

    /// <summary>How deep <c>any</c> sub-domains and dotted paths may nest.</summary>
    public const int MaxDepth = 16;

    public static readonly Domain All = new(DomainNode.True, 0);

    internal Domain(DomainNode root, int termCount)
    {
        Root = root;
        TermCount = termCount;
    }

    public DomainNode Root { get; }

    /// <summary>Terms of the top-level list (operators and leaves).</summary>
    public int TermCount { get; }

    /// <summary>Whether the domain matches every record (<c>[]</c> or only TRUE leaves).</summary>
    public bool IsAll => Root is DomainConstant { Value: true };

    /// <summary>Parses Odoo text (<c>[('state','=','draft')]</c>, evaluated with the interpreter) or a JSON array.</summary>
    public static Domain Parse(string? text, DomainParseOptions? options = null) => DomainParser.Parse(text, options ?? new DomainParseOptions());

    /// <summary>A domain given as JSON (an array of terms), e.g. in a request body.</summary>
    public static Domain FromJson(System.Text.Json.Nodes.JsonNode? node) => node switch
    {
        null => All,
        System.Text.Json.Nodes.JsonArray array => DomainParser.FromTerms((IReadOnlyList<object?>)DomainParser.FromJson(array)!, 0),
        System.Text.Json.Nodes.JsonValue value when value.GetValueKind() == System.Text.Json.JsonValueKind.String =>
            Parse(value.GetValue<string>()),
        _ => throw new DomainException("A domain must be a JSON array of conditions or Odoo text."),
    };

    /// <summary>Builds a domain from evaluated terms: strings <c>&amp;</c>/<c>|</c>/<c>!</c> and 3-item lists or arrays.</summary>
    public static Domain FromTerms(IReadOnlyList<object?> terms) => DomainParser.FromTerms(terms, 0);

    /// <summary>The first path segment of every leaf of the top-level domain (what Odoo's trigger-field regex extracts).</summary>
    public IReadOnlyList<string> FieldNames()
    {
        var names = new List<string>();
        Collect(Root);
        return names;

        void Collect(DomainNode node)
        {
            switch (node)
            {
                case DomainLeaf leaf:
                    var first = leaf.Path.Split('.')[0];
                    if (!names.Contains(first))
                    {
                        names.Add(first);
                    }

                    break;
                case DomainAnd and:
                    and.Children.ToList().ForEach(Collect);
                    break;
                case DomainOr or:
                    or.Children.ToList().ForEach(Collect);
                    break;
                case DomainNot not:
                    Collect(not.Child);
                    break;
            }
        }
    }

    /// <summary>The domain as Odoo text (a Python list of tuples in prefix notation).</summary>
    public override string ToString()
    {
        var terms = new List<string>();
        DomainText.Write(Root, terms);
        return "[" + string.Join(", ", terms) + "]";
    }
}

/// <summary>A node of a normalized domain.</summary>
public abstract record DomainNode
{
    public static readonly DomainConstant True = new(true);
    public static readonly DomainConstant False = new(false);
}

public sealed record DomainConstant(bool Value) : DomainNode;

public sealed record DomainAnd(IReadOnlyList<DomainNode> Children) : DomainNode;

public sealed record DomainOr(IReadOnlyList<DomainNode> Children) : DomainNode;

public sealed record DomainNot(DomainNode Child) : DomainNode;

/// <summary>A condition <c>(path, operator, value)</c>; <paramref name="Index"/> is its position in the top-level list.</summary>
public sealed record DomainLeaf(string Path, string Operator, object? Value, int Index) : DomainNode;

/// <summary>How Odoo text is evaluated: the user (<c>uid</c>, <c>user</c> with an environment) and the clock.</summary>
public sealed record DomainParseOptions
{
    public long Uid { get; init; } = 1;

    /// <summary>Gives <c>env</c> and <c>user</c> to the expression; without it only <c>uid</c> is known.</summary>
    public Scripting.Odoo.IScriptEnvironment? Environment { get; init; }

    /// <summary>Extra names the expression may use (e.g. <c>record</c> ids the caller resolved).</summary>
    public IReadOnlyDictionary<string, object?>? Variables { get; init; }
}

/// <summary>A domain that cannot be parsed or does not fit its model; <see cref="Index"/> is the top-level term.</summary>
public sealed class DomainException : Exception
{
    public DomainException(string message, int? index = null)
        : base(index is null ? message : $"Term {index.Value.ToString(CultureInfo.InvariantCulture)}: {message}")
    {
        Index = index;
        Detail = message;
    }

    public DomainException()
        : this("Invalid domain.")
    {
    }

    public DomainException(string message, Exception innerException)
        : base(message, innerException)
    {
        Detail = message;
    }

    public int? Index { get; }

    public string Detail { get; } = "";
}

internal static class DomainText
{
    public static void Write(DomainNode node, List<string> terms)
    {
        switch (node)
        {
            case DomainConstant c:
                terms.Add(c.Value ? "(1, '=', 1)" : "(0, '=', 1)");
                break;
            case DomainLeaf leaf:
                terms.Add($"({Repr(leaf.Path)}, {Repr(leaf.Operator)}, {Repr(leaf.Value)})");
                break;
            case DomainNot not:
                terms.Add("'!'");
                Write(not.Child, terms);
                break;
            case DomainAnd and:
                WriteNary("'&'", and.Children, terms);
                break;
            case DomainOr or:
                WriteNary("'|'", or.Children, terms);
                break;
        }
    }

    private static void WriteNary(string op, IReadOnlyList<DomainNode> children, List<string> terms)
    {
        for (var i = 1; i < children.Count; i++)
        {
            terms.Add(op);
        }

        foreach (var child in children)
        {
            Write(child, terms);
        }
    }

    public static string Repr(object? value) => value switch
    {
        null => "False",
        bool b => b ? "True" : "False",
        string s => "'" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'",
        long or int => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        double d => double.IsFinite(d) && d == Math.Floor(d) && Math.Abs(d) < 1e15
            ? d.ToString("0.0", CultureInfo.InvariantCulture)
            : d.ToString("R", CultureInfo.InvariantCulture),
        DateOnly date => Repr(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        DateTime dt => Repr(dt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)),
        Domain domain => domain.ToString(),
        IEnumerable<object?> list => "[" + string.Join(", ", list.Select(Repr)) + "]",
        IEnumerable<long> ids => "[" + string.Join(", ", ids.Select(i => i.ToString(CultureInfo.InvariantCulture))) + "]",
        _ => Repr(Convert.ToString(value, CultureInfo.InvariantCulture)),
    };

    public static string Describe(object? value)
    {
        var text = Repr(value);
        return text.Length <= 80 ? text : new StringBuilder(text, 0, 77, 80).Append("...").ToString();
    }
}
