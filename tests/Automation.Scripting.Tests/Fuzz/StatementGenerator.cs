using System.Globalization;
using System.Text;

namespace Automation.Scripting.Tests.Fuzz;

/// <summary>Random terminating pure programs (loops over small ranges, functions, try/except) for differential fuzzing.</summary>
internal sealed class StatementGenerator(int seed)
{
    private static readonly string[] Vars = ["a", "b", "c", "d"];
    private static readonly string[] AugOps = ["+=", "-=", "*=", "//=", "%="];
    private static readonly string[] Handlers = ["TypeError", "ValueError", "(ZeroDivisionError, KeyError)", "Exception", "IndexError"];
    private readonly Random _rng = new(seed);
    private readonly ExpressionGenerator _expressions = new(seed + 1);

    private int R(int n) => _rng.Next(n);

    private string V() => Vars[R(Vars.Length)];

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);

    private string Value() => R(3) switch
    {
        0 => _expressions.Expression(),
        1 => V(),
        _ => I(R(10)),
    };

    public string Program()
    {
        var sb = new StringBuilder();
        sb.Append("a = 1\nb = 'ab'\nc = [1, 2]\nd = {'k': 1}\n");
        sb.Append("def f(x, y=2):\n    if x:\n        return x\n    return y\n");
        var n = 2 + R(5);
        for (var i = 0; i < n; i++)
        {
            Statement(sb, 0);
        }

        sb.Append("r = (a, b, c, d)\n");
        return sb.ToString();
    }

    private static void Line(StringBuilder sb, int indent, string text) => sb.Append(' ', indent * 4).Append(text).Append('\n');

    private void Statement(StringBuilder sb, int indent)
    {
        switch (indent > 1 ? R(5) : R(10))
        {
            case 0:
            case 1:
                Line(sb, indent, $"{V()} = {Value()}");
                break;
            case 2:
                Line(sb, indent, $"{V()} {AugOps[R(AugOps.Length)]} {I(1 + R(3))}");
                break;
            case 3:
                Line(sb, indent, $"{V()} = f({Value()}{(R(2) == 0 ? ", " + Value() : "")})");
                break;
            case 4:
                Line(sb, indent, R(2) == 0 ? $"c.append({Value()})" : $"d[{Value()}] = {Value()}");
                break;
            case 5:
            case 6:
                Line(sb, indent, $"for i in range({R(4)}):");
                Statement(sb, indent + 1);
                if (R(2) == 0)
                {
                    Line(sb, indent + 1, $"if i == {R(3)}:");
                    Line(sb, indent + 2, R(2) == 0 ? "break" : "continue");
                }

                Statement(sb, indent + 1);
                if (R(3) == 0)
                {
                    Line(sb, indent, "else:");
                    Line(sb, indent + 1, $"{V()} = 'else'");
                }

                break;
            case 7:
                Line(sb, indent, $"if {Value()}:");
                Statement(sb, indent + 1);
                Line(sb, indent, "else:");
                Statement(sb, indent + 1);
                break;
            case 8:
                Line(sb, indent, "try:");
                Statement(sb, indent + 1);
                Line(sb, indent + 1, $"{V()} = {Value()}");
                Line(sb, indent, $"except {Handlers[R(Handlers.Length)]} as e:");
                Line(sb, indent + 1, $"{V()} = str(e)");
                if (R(2) == 0)
                {
                    Line(sb, indent, "finally:");
                    Line(sb, indent + 1, $"{V()} = {Value()}");
                }

                break;
            default:
                Line(sb, indent, $"{V()}, {V()} = {Value()}, {Value()}");
                break;
        }
    }
}
