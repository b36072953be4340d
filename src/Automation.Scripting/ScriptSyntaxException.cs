namespace Automation.Scripting;

/// <summary>
/// Raised at compile (save) time: a syntax error or a construct the sandbox refuses.
/// Line and Column are 1-based, as CPython reports them in <c>SyntaxError.lineno</c>/<c>offset</c>.
/// </summary>
public sealed class ScriptSyntaxException : Exception
{
    public ScriptSyntaxException(string message, int line, int column, string kind = "SyntaxError")
        : base($"{kind}: {message} (line {line}, column {column})")
    {
        Detail = message;
        Line = line;
        Column = column;
        Kind = kind;
    }

    public ScriptSyntaxException()
        : this("invalid syntax", 0, 0)
    {
    }

    public ScriptSyntaxException(string message)
        : this(message, 0, 0)
    {
    }

    public ScriptSyntaxException(string message, Exception innerException)
        : base(message, innerException)
    {
        Detail = message;
        Kind = "SyntaxError";
    }

    /// <summary>The message without position, e.g. "invalid syntax" or "import is not allowed".</summary>
    public string Detail { get; }

    public int Line { get; }

    public int Column { get; }

    /// <summary>"SyntaxError", "IndentationError", or "NotAllowed" for sandbox refusals.</summary>
    public string Kind { get; }
}
