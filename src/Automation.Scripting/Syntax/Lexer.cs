using System.Globalization;
using System.Numerics;
using System.Text;

namespace Automation.Scripting.Syntax;

/// <summary>Python 3 tokenizer: indentation, implicit line joining, all string forms, numbers.</summary>
internal sealed class Lexer
{
    private static readonly string[] Operators =
    [
        "**=", "//=", ">>=", "<<=", "...", "->", ":=",
        "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=",
        "**", "//", "<<", ">>", "<=", ">=", "==", "!=",
        "+", "-", "*", "/", "%", "@", "&", "|", "^", "~", "<", ">",
        "(", ")", "[", "]", "{", "}", ",", ":", ".", ";", "=",
    ];

    private readonly string _src;
    private readonly int _maxParenDepth;
    private readonly List<Token> _tokens = [];
    private readonly List<int> _indents = [0];
    private readonly Stack<(char Ch, int Line, int Col)> _parens = new();
    private int _pos;
    private int _line = 1;
    private int _lineStart;

    private Lexer(string src, int maxParenDepth)
    {
        _src = src;
        _maxParenDepth = maxParenDepth;
    }

    public static List<Token> Tokenize(string src, int maxParenDepth = 200) => Tokenize(src, maxParenDepth, out _);

    public static List<Token> Tokenize(string src, int maxParenDepth, out ScriptSyntaxException? pendingError)
    {
        var lx = new Lexer(src, maxParenDepth);
        lx.Run();
        pendingError = lx.PendingError;
        return lx._tokens;
    }

    /// <summary>An error that belongs to the end of input (an unclosed bracket).</summary>
    public ScriptSyntaxException? PendingError { get; private set; }

    private int Col => _pos - _lineStart + 1;

    private char Peek(int o = 0) => _pos + o < _src.Length ? _src[_pos + o] : '\0';

    private static ScriptSyntaxException Error(string msg, int line, int col, string kind = "SyntaxError") => new(msg, line, col, kind);

    private void Add(TokenKind kind, string text, int line, int col, object? value = null)
    {
        _tokens.Add(new Token(kind, text, line, col, _line, Col) { Value = value });
    }

    private void Run()
    {
        var atLineStart = true;
        while (true)
        {
            if (atLineStart && _parens.Count == 0)
            {
                atLineStart = false;
                if (HandleIndentation())
                {
                    continue;
                }
            }

            if (_pos >= _src.Length)
            {
                break;
            }

            var c = _src[_pos];
            if (c == ' ' || c == '\t' || c == '\f')
            {
                _pos++;
                continue;
            }

            if (c == '#')
            {
                while (_pos < _src.Length && _src[_pos] != '\n' && _src[_pos] != '\r')
                {
                    _pos++;
                }

                continue;
            }

            if (c == '\\')
            {
                var n = Peek(1);
                if (n == '\n' || n == '\r')
                {
                    _pos++;
                    NewLine();
                    continue;
                }

                if (n == '\0')
                {
                    throw Error("unexpected EOF while parsing", _line, Col);
                }

                throw Error("unexpected character after line continuation character", _line, Col + 1);
            }

            if (c == '\n' || c == '\r')
            {
                var startCol = Col;
                var startLine = _line;
                NewLine();
                if (_parens.Count == 0)
                {
                    if (_tokens.Count > 0 && _tokens[^1].Kind is not (TokenKind.Newline or TokenKind.Indent or TokenKind.Dedent))
                    {
                        _tokens.Add(new Token(TokenKind.Newline, "\n", startLine, startCol, startLine, startCol + 1));
                    }

                    atLineStart = true;
                }

                continue;
            }

            if (char.IsAsciiDigit(c) || (c == '.' && char.IsAsciiDigit(Peek(1))))
            {
                LexNumber();
                continue;
            }

            if (IsIdentStart(c))
            {
                var start = _pos;
                var col = Col;
                while (_pos < _src.Length && IsIdentChar(_src[_pos]))
                {
                    _pos++;
                }

                var word = _src[start.._pos];
                if ((Peek() == '\'' || Peek() == '"') && word.Length <= 2 && IsStringPrefix(word))
                {
                    LexString(word, _line, col);
                    continue;
                }

                Add(TokenKind.Name, word, _line, col);
                continue;
            }

            if (c == '\'' || c == '"')
            {
                LexString("", _line, Col);
                continue;
            }

            LexOperator();
        }

        var endLine = _line;
        var endCol = Col;
        if (_parens.Count > 0)
        {
            // reported when the parser reaches the end of input, so earlier parse errors win (as in CPython)
            var (ch, line, col) = _parens.Peek();
            PendingError = Error($"'{ch}' was never closed", line, col);
        }

        if (_tokens.Count > 0 && _tokens[^1].Kind is not (TokenKind.Newline or TokenKind.Dedent or TokenKind.Indent))
        {
            _tokens.Add(new Token(TokenKind.Newline, "", endLine, endCol, endLine, endCol + 1));
        }

        while (_indents.Count > 1)
        {
            _indents.RemoveAt(_indents.Count - 1);
            _tokens.Add(new Token(TokenKind.Dedent, "", endLine, endCol, endLine, endCol));
        }

        _tokens.Add(new Token(TokenKind.EndOfFile, "", endLine, endCol, endLine, endCol));
    }

    private void NewLine()
    {
        if (_src[_pos] == '\r' && Peek(1) == '\n')
        {
            _pos++;
        }

        _pos++;
        _line++;
        _lineStart = _pos;
    }

    /// <summary>Measures the indentation of a new logical line; returns true when the line was blank/comment and consumed.</summary>
    private bool HandleIndentation()
    {
        var width = 0;
        while (_pos < _src.Length)
        {
            var c = _src[_pos];
            if (c == ' ')
            {
                width++;
            }
            else if (c == '\t')
            {
                width = ((width / 8) + 1) * 8;
            }
            else if (c == '\f')
            {
                width = 0;
            }
            else
            {
                break;
            }

            _pos++;
        }

        if (_pos >= _src.Length)
        {
            return false;
        }

        var ch = _src[_pos];
        if (ch == '#' || ch == '\n' || ch == '\r')
        {
            while (_pos < _src.Length && _src[_pos] != '\n' && _src[_pos] != '\r')
            {
                _pos++;
            }

            if (_pos < _src.Length)
            {
                NewLine();
            }

            return HandleIndentation() || true;
        }

        if (ch == '\\' && (Peek(1) == '\n' || Peek(1) == '\r'))
        {
            return false;
        }

        var current = _indents[^1];
        if (width > current)
        {
            // whether an indent is legal is the parser's call (CPython reports earlier parse errors first)
            _indents.Add(width);
            Add(TokenKind.Indent, "", _line, width);
        }
        else if (width < current)
        {
            while (_indents.Count > 1 && _indents[^1] > width)
            {
                _indents.RemoveAt(_indents.Count - 1);
                Add(TokenKind.Dedent, "", _line, Col);
            }

            if (_indents[^1] != width)
            {
                var end = _pos;
                while (end < _src.Length && _src[end] is not ('\n' or '\r'))
                {
                    end++;
                }

                throw Error("unindent does not match any outer indentation level", _line, end - _lineStart + 1, "IndentationError");
            }
        }

        return false;
    }

    private static bool IsIdentStart(char c) => char.IsLetter(c) || c == '_' || (c > 127 && char.IsLetterOrDigit(c));

    private static bool IsIdentChar(char c) => char.IsLetterOrDigit(c) || c == '_';

    private static bool IsStringPrefix(string w)
    {
        var lower = w.ToLowerInvariant();
        return lower is "r" or "u" or "f" or "b" or "rf" or "fr" or "br" or "rb";
    }

    private void LexOperator()
    {
        var col = Col;
        var line = _line;
        foreach (var op in Operators)
        {
            if (op[0] == _src[_pos] && string.CompareOrdinal(_src, _pos, op, 0, op.Length) == 0)
            {
                _pos += op.Length;
                if (op is "(" or "[" or "{")
                {
                    if (_parens.Count >= _maxParenDepth)
                    {
                        throw Error("too many nested parentheses", line, col);
                    }

                    _parens.Push((op[0], line, col));
                }
                else if (op is ")" or "]" or "}")
                {
                    if (_parens.Count == 0)
                    {
                        throw Error($"unmatched '{op}'", line, col);
                    }

                    var (open, oline, ocol) = _parens.Pop();
                    var expected = open switch { '(' => ')', '[' => ']', _ => '}' };
                    if (op[0] != expected)
                    {
                        var msg = oline == line
                            ? $"closing parenthesis '{op}' does not match opening parenthesis '{open}'"
                            : $"closing parenthesis '{op}' does not match opening parenthesis '{open}' on line {oline}";
                        throw Error(msg, line, col);
                    }
                }

                Add(TokenKind.Op, op, line, col);
                return;
            }
        }

        var c = _src[_pos];
        if (c == '!')
        {
            throw Error("invalid syntax", line, col);
        }

        if (c == '$' || c == '?' || c == '`')
        {
            throw Error("invalid syntax", line, col);
        }

        throw Error($"invalid character '{c}' (U+{(int)c:X4})", line, col);
    }

    private void LexNumber()
    {
        var line = _line;
        var col = Col;
        var start = _pos;
        if (Peek() == '0' && (Peek(1) is 'x' or 'X' or 'o' or 'O' or 'b' or 'B'))
        {
            var radix = char.ToLowerInvariant(Peek(1)) switch { 'x' => 16, 'o' => 8, _ => 2 };
            _pos += 2;
            var digits = new StringBuilder();
            while (_pos < _src.Length && (IsIdentChar(_src[_pos])))
            {
                var d = _src[_pos];
                if (d != '_')
                {
                    var v = HexVal(d);
                    if (v < 0 || v >= radix)
                    {
                        throw Error($"invalid digit '{d}' in {(radix == 16 ? "hexadecimal" : radix == 8 ? "octal" : "binary")} literal", line, Col);
                    }

                    digits.Append(d);
                }

                _pos++;
            }

            if (digits.Length == 0)
            {
                throw Error($"invalid {(radix == 16 ? "hexadecimal" : radix == 8 ? "octal" : "binary")} literal", line, col);
            }

            BigInteger big = 0;
            foreach (var d in digits.ToString())
            {
                big = (big * radix) + HexVal(d);
            }

            Add(TokenKind.Int, _src[start.._pos], line, col, Normalize(big));
            return;
        }

        var isFloat = false;
        while (_pos < _src.Length && (char.IsAsciiDigit(_src[_pos]) || _src[_pos] == '_'))
        {
            _pos++;
        }

        if (Peek() == '.')
        {
            isFloat = true;
            _pos++;
            while (_pos < _src.Length && (char.IsAsciiDigit(_src[_pos]) || _src[_pos] == '_'))
            {
                _pos++;
            }
        }

        if (Peek() is 'e' or 'E' && (char.IsAsciiDigit(Peek(1)) || (Peek(1) is '+' or '-' && char.IsAsciiDigit(Peek(2)))))
        {
            isFloat = true;
            _pos += 2;
            while (_pos < _src.Length && (char.IsAsciiDigit(_src[_pos]) || _src[_pos] == '_'))
            {
                _pos++;
            }
        }

        if (Peek() is 'j' or 'J')
        {
            throw Error("complex numbers are not supported", line, col);
        }

        var text = _src[start.._pos];
        if (IsIdentStart(Peek()))
        {
            throw Error(isFloat ? "invalid decimal literal" : "invalid decimal literal", line, col);
        }

        var clean = text.Replace("_", "", StringComparison.Ordinal);
        if (text.EndsWith('_') || text.Contains("__", StringComparison.Ordinal))
        {
            throw Error("invalid decimal literal", line, col);
        }

        if (isFloat)
        {
            Add(TokenKind.Float, text, line, col, double.Parse(clean, NumberStyles.Float, CultureInfo.InvariantCulture));
            return;
        }

        if (clean.Length > 1 && clean[0] == '0' && clean.Any(ch => ch != '0'))
        {
            throw Error("leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers", line, col);
        }

        if (clean.Length > 4300)
        {
            throw Error("Exceeds the limit (4300 digits) for integer string conversion: value has " + clean.Length + " digits", line, col);
        }

        Add(TokenKind.Int, text, line, col, Normalize(BigInteger.Parse(clean, CultureInfo.InvariantCulture)));
    }

    private static object Normalize(BigInteger b) => b >= long.MinValue && b <= long.MaxValue ? (object)(long)b : b;

    private static int HexVal(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => 99,
    };

    private void LexString(string prefix, int line, int col)
    {
        var p = prefix.ToLowerInvariant();
        if (p.Contains('b', StringComparison.Ordinal))
        {
            throw Error("bytes literals are not supported", line, col);
        }

        var raw = p.Contains('r', StringComparison.Ordinal);
        var isF = p.Contains('f', StringComparison.Ordinal);
        var q = _src[_pos];
        var triple = Peek(1) == q && Peek(2) == q;
        _pos += triple ? 3 : 1;
        var bodyLine = _line;
        var bodyCol = Col;
        var sb = new StringBuilder();
        while (true)
        {
            if (_pos >= _src.Length)
            {
                throw triple
                    ? Error($"unterminated triple-quoted string literal (detected at line {_line})", line, col)
                    : Error($"unterminated string literal (detected at line {_line})", line, col);
            }

            var c = _src[_pos];
            if (c == q)
            {
                if (!triple)
                {
                    _pos++;
                    break;
                }

                if (Peek(1) == q && Peek(2) == q)
                {
                    _pos += 3;
                    break;
                }
            }

            if (c == '\n' || c == '\r')
            {
                if (!triple)
                {
                    throw Error($"unterminated string literal (detected at line {_line})", line, col);
                }

                sb.Append('\n');
                NewLine();
                continue;
            }

            if (c == '\\')
            {
                var n = Peek(1);
                if (n == '\0')
                {
                    _pos++;
                    continue;
                }

                if (raw || isF)
                {
                    // raw strings keep the backslash; f-string bodies are decoded by the parser
                    sb.Append('\\');
                    _pos++;
                    if (n == '\n' || n == '\r')
                    {
                        sb.Append('\n');
                        NewLine();
                    }
                    else
                    {
                        sb.Append(n);
                        _pos++;
                    }

                    continue;
                }

                _pos += 2;
                switch (n)
                {
                    case '\n':
                    case '\r':
                        _pos--;
                        NewLine();
                        break;
                    case '\\': sb.Append('\\'); break;
                    case '\'': sb.Append('\''); break;
                    case '"': sb.Append('"'); break;
                    case 'n': sb.Append('\n'); break;
                    case 't': sb.Append('\t'); break;
                    case 'r': sb.Append('\r'); break;
                    case 'a': sb.Append('\a'); break;
                    case 'b': sb.Append('\b'); break;
                    case 'f': sb.Append('\f'); break;
                    case 'v': sb.Append('\v'); break;
                    case 'x':
                        sb.Append(ReadHexEscape(2, line, col));
                        break;
                    case 'u':
                        sb.Append(ReadHexEscape(4, line, col));
                        break;
                    case 'U':
                        sb.Append(ReadHexEscape(8, line, col));
                        break;
                    case >= '0' and <= '7':
                        {
                            var v = n - '0';
                            for (var k = 0; k < 2 && Peek() is >= '0' and <= '7'; k++)
                            {
                                v = (v * 8) + (_src[_pos] - '0');
                                _pos++;
                            }

                            sb.Append((char)v);
                            break;
                        }

                    default:
                        sb.Append('\\').Append(n);
                        break;
                }

                continue;
            }

            sb.Append(c);
            _pos++;
        }

        var text = _src.Substring(0, 0);
        Add(TokenKind.String, text, line, col, new StringToken(sb.ToString(), isF, raw, bodyLine, bodyCol));
    }

    private string ReadHexEscape(int n, int line, int col)
    {
        var v = 0;
        for (var i = 0; i < n; i++)
        {
            var d = HexVal(Peek());
            if (d >= 16)
            {
                var kind = n == 2 ? "\\xXX" : n == 4 ? "\\uXXXX" : "\\UXXXXXXXX";
                throw Error($"(unicode error) 'unicodeescape' codec can't decode bytes in position 0-{i + 1}: truncated {kind} escape", line, col);
            }

            v = (v * 16) + d;
            _pos++;
        }

        if (v > 0x10FFFF)
        {
            throw Error("(unicode error) 'unicodeescape' codec can't decode bytes: illegal Unicode character", line, col);
        }

        return char.ConvertFromUtf32(v >= 0xD800 && v <= 0xDFFF ? 0xFFFD : v);
    }
}
