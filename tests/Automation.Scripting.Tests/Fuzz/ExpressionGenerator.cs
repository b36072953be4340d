using System.Globalization;

namespace Automation.Scripting.Tests.Fuzz;

/// <summary>Random pure expressions (numbers, strings, containers, operators, builtins) for differential fuzzing.</summary>
internal sealed class ExpressionGenerator(int seed)
{
    private static readonly string[] Ops = ["+", "-", "*", "/", "//", "%", "**", "&", "|", "^", "<<", ">>", "==", "!=", "<", "<=", ">", ">=", "and", "or", "in", "not in"];
    private static readonly string[] Unary = ["-", "+", "~", "not "];
    private static readonly string[] Calls = ["abs", "len", "str", "repr", "bool", "int", "float", "round", "sorted", "list", "tuple", "min", "max", "sum", "divmod", "hex", "chr", "ord", "any"];
    private static readonly string[] Methods = ["upper()", "lower()", "strip()", "split()", "split(',')", "count('a')", "find('b')", "replace('a', 'xy')", "zfill(6)", "title()", "center(7, '*')", "startswith('a')", "join(['p', 'q'])", "index(1)", "count(1)", "format(1, 2)", "partition(',')", "rsplit(None, 1)", "isdigit()", "lstrip('a')"];
    private static readonly string[] Formats = ["'%s'", "'%r'", "'%d'", "'%5.2f'", "'%x'", "'%-4s|'", "'%e'", "'%g'", "'%+d'", "'{}'", "'{:>6}'", "'{:.3f}'", "'{!r}'", "'{:,}'", "'{:08.3f}'", "'{:x}'", "'{:e}'", "'{:%}'", "'{:g}'", "'{:^5}'", "'{:.2e}'", "'%.3g'", "'{:+.1%}'", "'{:_x}'", "'%#o'", "'{:>+10.4g}'", "'%.0f'", "'{:.1f}'", "'%10.4e'", "'{:#b}'"];

    private readonly Random _rng = new(seed);

    private int R(int n) => _rng.Next(n);

    private T Pick<T>(T[] items) => items[R(items.Length)];

    private static string I(long v) => v.ToString(CultureInfo.InvariantCulture);

    public string Expression() => Expr(0);

    private string Comprehension()
    {
        var op = Pick(Ops);
        var right = op is "**" or "<<" or "*" ? I(R(6)) : Atom();
        return $"[x {op} {right} for x in {Pick(["range(3)", "[1, 2.5, -3]", "'ab'", "(0, 1)"])}]";
    }

    private string Binary(int depth)
    {
        var op = Pick(Ops);

        // keep CPython fast: powers and shifts get small right operands (2 ** 93 ** 2 ** 50 never finishes)
        var right = op is "**" or "<<" or "*" ? I(R(6)) : Expr(depth + 1);
        return $"({Expr(depth + 1)} {op} {right})";
    }

    private string Atom() => R(14) switch
    {
        0 => I(R(20) - 5),
        1 => I(R(2_000_000) - 1_000_000),
        2 => "(2 ** " + I(R(100)) + ")",
        3 => I(R(1000) - 500) + "." + I(R(1000)),
        4 => Pick(["0.1", "1e16", "1.5e-7", "2.5", "-0.0", "3.0", "1e300", "0.3333"]),
        5 => "'" + Pick(["", "a", "abc", "a,b", "Hello World", " pad ", "123", "b a c"]) + "'",
        6 => Pick(["True", "False", "None"]),
        7 => "[" + string.Join(", ", Enumerable.Range(0, R(4)).Select(_ => I(R(10)))) + "]",
        8 => "(" + string.Join(", ", Enumerable.Range(0, 1 + R(3)).Select(_ => I(R(10)))) + ",)",
        9 => "{" + string.Join(", ", Enumerable.Range(0, R(3)).Select(k => $"'{(char)('a' + k)}': {R(9)}")) + "}",
        10 => "range(" + I(R(6)) + ")",
        11 => "'xyz'[" + I(R(5) - 2) + "]",
        12 => "[1, 2, 3, 4][" + Pick(["1:", ":2", "::-1", "1:3", "-2:", "::2"]) + "]",
        _ => I(R(3)),
    };

    private string Expr(int depth)
    {
        if (depth > 2)
        {
            return Atom();
        }

        return R(12) switch
        {
            0 or 1 or 2 => Atom(),
            3 or 4 or 5 => Binary(depth),
            6 => $"({Pick(Unary)}{Expr(depth + 1)})",
            7 => $"{Pick(Calls)}({Expr(depth + 1)})",
            8 => $"({Expr(depth + 1)}).{Pick(Methods)}",
            9 => R(2) == 0 ? $"({Pick(Formats)} % ({Expr(depth + 1)},))" : $"{Pick(Formats)}.format({Expr(depth + 1)})",
            10 => $"({Expr(depth + 1)} if {Expr(depth + 1)} else {Expr(depth + 1)})",
            _ => Comprehension(),
        };
    }
}
