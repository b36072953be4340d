using System.Globalization;
using System.Text;

namespace Automation.Scripting.Tests.Fuzz;

/// <summary>Generates random programs from the supported grammar (seeded, so failures reproduce).</summary>
internal sealed class ProgramGenerator(int seed)
{
    private static readonly string[] Names = ["a", "b", "c", "x", "y", "s", "l", "d", "f", "g", "n", "i", "record", "env", "payload"];
    private static readonly string[] BinOps = ["+", "-", "*", "/", "//", "%", "**", "<<", ">>", "&", "|", "^"];
    private static readonly string[] CmpOps = ["==", "!=", "<", "<=", ">", ">=", "in", "not in", "is", "is not"];
    private static readonly string[] Builtins =
    [
        "len", "int", "float", "str", "bool", "list", "dict", "tuple", "set", "frozenset", "range", "enumerate", "zip",
        "min", "max", "sum", "abs", "round", "sorted", "reversed", "any", "all", "map", "filter", "repr", "divmod",
        "isinstance", "hasattr", "getattr", "chr", "ord", "hex", "format", "type", "iter", "next",
    ];

    private static readonly string[] Methods =
    [
        "append", "pop", "get", "keys", "items", "values", "upper", "split", "join", "replace", "strip", "format",
        "startswith", "find", "count", "index", "sort", "update", "setdefault", "copy", "add", "extend", "insert",
        "search", "browse", "mapped", "filtered", "create", "write", "ids", "name", "strftime", "isoformat",
    ];

    private readonly Random _rng = new(seed);
    private int _indent;

    private int R(int n) => _rng.Next(n);

    private T Pick<T>(T[] items) => items[R(items.Length)];

    public string Program()
    {
        var sb = new StringBuilder();
        var count = 1 + R(5);
        for (var i = 0; i < count; i++)
        {
            Statement(sb, 0);
        }

        return sb.ToString();
    }

    /// <summary>Mutates a program at the character level to reach the tokenizer and parser error paths.</summary>
    public string Mutate(string program)
    {
        var chars = new StringBuilder(program);
        var edits = 1 + R(4);
        const string alphabet = "()[]{}:;,.'\"\\#\n \t=+-*/%<>!@$?`fr0123456789_abcxyz";
        for (var k = 0; k < edits && chars.Length > 0; k++)
        {
            var pos = R(chars.Length);
            switch (R(3))
            {
                case 0:
                    chars.Remove(pos, 1);
                    break;
                case 1:
                    chars.Insert(pos, alphabet[R(alphabet.Length)]);
                    break;
                default:
                    chars[pos] = alphabet[R(alphabet.Length)];
                    break;
            }
        }

        return chars.ToString();
    }

    private void Line(StringBuilder sb, string text) => sb.Append(' ', _indent * 4).Append(text).Append('\n');

    private void Body(StringBuilder sb, int depth)
    {
        _indent++;
        var n = 1 + R(3);
        for (var i = 0; i < n; i++)
        {
            Statement(sb, depth + 1);
        }

        _indent--;
    }

    private void Statement(StringBuilder sb, int depth)
    {
        var choice = depth > 3 ? R(6) : R(16);
        switch (choice)
        {
            case 0:
            case 1:
                Line(sb, $"{Target()} = {Expr(0)}");
                break;
            case 2:
                Line(sb, $"{Pick(Names)} {Pick(BinOps)}= {Expr(0)}");
                break;
            case 3:
                Line(sb, Expr(0));
                break;
            case 4:
                Line(sb, R(2) == 0 ? "pass" : $"del {Pick(Names)}");
                break;
            case 5:
                Line(sb, $"assert {Expr(0)}, {Expr(1)}");
                break;
            case 6:
                Line(sb, $"if {Expr(0)}:");
                Body(sb, depth);
                if (R(2) == 0)
                {
                    Line(sb, $"elif {Expr(0)}:");
                    Body(sb, depth);
                }

                if (R(2) == 0)
                {
                    Line(sb, "else:");
                    Body(sb, depth);
                }

                break;
            case 7:
                Line(sb, $"for {Pick(Names)} in {Expr(0)}:");
                Body(sb, depth);
                if (R(3) == 0)
                {
                    Line(sb, R(2) == 0 ? "    break" : "    continue");
                }

                break;
            case 8:
                Line(sb, $"while {Expr(0)}:");
                Body(sb, depth);
                break;
            case 9:
                Line(sb, $"def {Pick(["f", "g", "h"])}({Params()}):");
                _indent++;
                Statement(sb, depth + 1);
                Line(sb, $"return {Expr(0)}");
                _indent--;
                break;
            case 10:
                Line(sb, "try:");
                Body(sb, depth);
                Line(sb, $"except {Pick(["Exception", "ValueError", "(TypeError, KeyError)", "ZeroDivisionError", "UserError"])} as e:");
                Body(sb, depth);
                if (R(2) == 0)
                {
                    Line(sb, "finally:");
                    Body(sb, depth);
                }

                break;
            case 11:
                Line(sb, $"raise {Pick(["ValueError", "UserError", "KeyError", "Exception"])}({Expr(1)})");
                break;
            case 12:
                Line(sb, $"{Pick(Names)}, {Pick(Names)} = {Expr(0)}, {Expr(0)}");
                break;
            case 13:
                Line(sb, $"{Pick(Names)}[{Expr(1)}] = {Expr(0)}");
                break;
            case 14:
                Line(sb, $"{Pick(Names)}.{Pick(Methods)} = {Expr(1)}");
                break;
            default:
                Line(sb, $"action = {{'value': {Expr(1)}}}");
                break;
        }
    }

    private string Target() => R(4) == 0 ? $"{Pick(Names)}, *{Pick(Names)}" : Pick(Names);

    private string Params()
    {
        var parts = new List<string>();
        var n = R(4);
        for (var i = 0; i < n; i++)
        {
            parts.Add($"p{i}" + (i == n - 1 && R(2) == 0 ? $"={Literal()}" : ""));
        }

        if (R(3) == 0)
        {
            parts.Add("*args");
        }

        if (R(3) == 0)
        {
            parts.Add("**kw");
        }

        return string.Join(", ", parts);
    }

    private string Literal() => R(12) switch
    {
        0 => R(100).ToString(CultureInfo.InvariantCulture),
        1 => (R(2) == 0 ? "-" : "") + R(1000000).ToString(CultureInfo.InvariantCulture) + "." + R(100).ToString(CultureInfo.InvariantCulture),
        2 => "'" + Pick(["", "abc", "x y z", "Hello", "%s-%d", "{}{}", "a,b,c", "\\n\\t"]) + "'",
        3 => Pick(["None", "True", "False"]),
        4 => "10 ** " + R(40).ToString(CultureInfo.InvariantCulture),
        5 => "[" + string.Join(", ", Enumerable.Range(0, R(4)).Select(_ => R(10).ToString(CultureInfo.InvariantCulture))) + "]",
        6 => "{'k': " + R(10).ToString(CultureInfo.InvariantCulture) + ", 'v': 'w'}",
        7 => "(1, 'two', 3.0)",
        8 => "{1, 2, 3}",
        9 => "float('" + Pick(["inf", "nan", "-0.0", "1e308"]) + "')",
        10 => "datetime.datetime(2024, " + (1 + R(12)).ToString(CultureInfo.InvariantCulture) + ", 1)",
        _ => R(2) == 0 ? "-1" : "0",
    };

    private string Expr(int depth)
    {
        if (depth > 2)
        {
            return R(2) == 0 ? Literal() : Pick(Names);
        }

        return R(20) switch
        {
            0 or 1 => Literal(),
            2 or 3 => Pick(Names),
            4 => $"({Expr(depth + 1)} {Pick(BinOps)} {Expr(depth + 1)})",
            5 => $"({Expr(depth + 1)} {Pick(CmpOps)} {Expr(depth + 1)})",
            6 => $"({Pick(["not ", "-", "+", "~"])}{Expr(depth + 1)})",
            7 => $"({Expr(depth + 1)} {Pick(["and", "or"])} {Expr(depth + 1)})",
            8 => $"{Pick(Builtins)}({string.Join(", ", Enumerable.Range(0, R(3)).Select(_ => Expr(depth + 1)))})",
            9 => $"({Expr(depth + 1)}).{Pick(Methods)}({string.Join(", ", Enumerable.Range(0, R(3)).Select(_ => Expr(depth + 1)))})",
            10 => $"{Expr(depth + 1)}[{Expr(depth + 1)}]",
            11 => $"{Expr(depth + 1)}[{Pick(["", "1", "-1"])}:{Pick(["", "2", "-2"])}{Pick(["", ":2", ":-1"])}]",
            12 => $"[{Expr(depth + 1)} for {Pick(Names)} in {Expr(depth + 1)} if {Expr(depth + 1)}]",
            13 => $"{{{Expr(depth + 1)}: {Expr(depth + 1)} for {Pick(Names)} in {Expr(depth + 1)}}}",
            14 => $"(lambda {Pick(Names)}: {Expr(depth + 1)})({Expr(depth + 1)})",
            15 => $"f\"{{{Pick(Names)}}}-{{{Pick(Names)}!r:>{R(10)}}}-{{{Pick(Names)} * 2:.{R(4)}}}\"",
            16 => $"'%s %r' % ({Expr(depth + 1)}, {Expr(depth + 1)})",
            17 => $"({Expr(depth + 1)} if {Expr(depth + 1)} else {Expr(depth + 1)})",
            18 => $"{Pick(["f", "g", "h"])}({Expr(depth + 1)}, {Pick(Names)}={Expr(depth + 1)})",
            _ => $"env[{Pick(["'res.partner'", "'x'", "payload"])}].{Pick(Methods)}({Expr(depth + 1)})",
        };
    }
}
