using System.Text.Json;

namespace Automation.Scripting.Tests.Differential;

/// <summary>Syntax errors report the line, column, class and message CPython reports for the same input.</summary>
public class SyntaxErrorPositionTests
{
    public static readonly string[] Inputs =
    [
        "x = (1,\n",
        "x = )",
        "if x\n  pass",
        "a = \"abc",
        "def f(:\n pass",
        "  x=1",
        "x=1\n  y=2",
        "if 1:\n  x\n y",
        "a b",
        "1 +",
        "x = [1, 2",
        "for x in y\n pass",
        "x = 1 = 2",
        "\"\"\"abc",
        "x = 0777",
        "def f(a=1, b): pass",
        "1 = x",
        "x += 1 = 2",
        "del 1",
        "return 5",
        "break",
        "else: pass",
        "if 1:\npass",
        "while True\n    pass",
        "def f()\n    return 1",
        "x = {'a': 1,, 'b': 2}",
        "print(1))",
        "f(a, b",
        "x = [1, 2)",
        "def f(a, a): pass",
        "for i in range(3):\n    pass\ncontinue",
        "x = 5 +* 3",
        "try:\n    x = 1\n",
        "f(x for x in y, 1)",
        "x = 1 if 2",
        "d = {1: 2, 3}",
        "x.1",
        "a, b += 1",
        "f() = 3",
        "None = 1",
        "'abc' = 1",
        "x = 'a' 'b' 1",
        "if x == 1:\n    y = 2\n  z = 3",
        "class_ = 1\nx = class_ +",
        "def f(*, ): pass",
        "(a, b) = (1, 2",
        "x = 1\n\n\ny = (\n",
        "x = '''\nabc",
        "r = 5 $ 3",
        "x = 1\n    y = 2\n",
    ];

    [Fact]
    public void SyntaxErrors_ReportTheSameLineColumnAndMessageAsCPython()
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Differential", "syntax_errors.py");
        var expected = JsonSerializer.Deserialize<List<JsonElement?>>(CPython.RunScript(script, JsonSerializer.Serialize(Inputs)))!;
        var engine = new ScriptEngine();
        var mismatches = new List<string>();
        for (var i = 0; i < Inputs.Length; i++)
        {
            var py = expected[i];
            Assert.True(py is { ValueKind: JsonValueKind.Array }, $"CPython accepts {Inputs[i]}");
            var pyLine = py!.Value[2].GetInt32();
            var pyCol = py.Value[3].GetInt32();
            var e = Assert.Throws<ScriptSyntaxException>(() => engine.CompileUncached(Inputs[i]));
            if ((e.Line, e.Column, e.Kind, e.Detail) != (pyLine, pyCol, py.Value[0].GetString(), py.Value[1].GetString()))
            {
                mismatches.Add($"{JsonSerializer.Serialize(Inputs[i])}: CPython {pyLine}:{pyCol} {py.Value[0]} '{py.Value[1]}', ours {e.Line}:{e.Column} {e.Kind} '{e.Detail}'");
            }
        }

        Assert.True(mismatches.Count == 0, string.Join('\n', mismatches));
    }
}
