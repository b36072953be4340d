using Automation.Scripting.Syntax;

namespace Automation.Scripting;

/// <summary>How source is parsed: a module of statements, or a single expression (record getters, domains).</summary>
public enum ScriptMode
{
    Exec,
    Eval,
}

/// <summary>A parsed, checked and resolved program. Immutable; safe to execute concurrently.</summary>
public sealed class CompiledScript
{
    internal CompiledScript(string source, ScriptMode mode, Block? body, Expr? expression, string[] globalNames)
    {
        Source = source;
        Mode = mode;
        Body = body;
        Expression = expression;
        GlobalNames = globalNames;
        GlobalIndex = globalNames.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i, StringComparer.Ordinal);
    }

    public string Source { get; }

    public ScriptMode Mode { get; }

    /// <summary>Names the program reads or assigns at module level (inputs it may use, outputs it may set).</summary>
    public IReadOnlyList<string> GlobalNames { get; }

    internal Block? Body { get; }

    internal Expr? Expression { get; }

    internal IReadOnlyDictionary<string, int> GlobalIndex { get; }
}
