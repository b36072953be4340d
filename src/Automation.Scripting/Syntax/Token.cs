namespace Automation.Scripting.Syntax;

internal enum TokenKind
{
    Name,
    Int,
    Float,
    String,
    Op,
    Newline,
    Indent,
    Dedent,
    EndOfFile,
}

/// <summary>A token; <see cref="Value"/> holds the decoded literal (string, long, BigInteger, double, or <see cref="StringToken"/>).</summary>
internal sealed class Token(TokenKind kind, string text, int line, int column, int endLine, int endColumn)
{
    public TokenKind Kind { get; } = kind;

    public string Text { get; } = text;

    public int Line { get; } = line;

    /// <summary>1-based column of the first character.</summary>
    public int Column { get; } = column;

    public int EndLine { get; } = endLine;

    public int EndColumn { get; } = endColumn;

    public object? Value { get; set; }

    public bool Is(string op) => (Kind == TokenKind.Op || Kind == TokenKind.Name) && Text == op;

    public override string ToString() => $"{Kind} '{Text}' at {Line}:{Column}";
}

/// <summary>A decoded string literal piece. F-strings keep their raw body for the parser.</summary>
internal sealed class StringToken(string value, bool isFString, bool isRaw, int bodyLine, int bodyColumn)
{
    public string Value { get; } = value;

    public bool IsFString { get; } = isFString;

    public bool IsRaw { get; } = isRaw;

    public int BodyLine { get; } = bodyLine;

    public int BodyColumn { get; } = bodyColumn;
}
