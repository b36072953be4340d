using System.Text.Json;

namespace Automation.Scripting.Tests.Engine;

public class ScriptEngineTests
{
    [Fact]
    public void Compile_SameSource_ReturnsTheCachedProgram()
    {
        var engine = new ScriptEngine();

        var a = engine.Compile("x = 1");
        var b = engine.Compile("x = 1");

        Assert.Same(a, b);
        Assert.Equal(1, engine.CachedCount);
    }

    [Fact]
    public void Compile_CacheIsBounded()
    {
        var engine = new ScriptEngine(cacheCapacity: 10);

        for (var i = 0; i < 100; i++)
        {
            engine.Compile($"x = {i}");
        }

        Assert.InRange(engine.CachedCount, 1, 10);
    }

    [Fact]
    public void OneCompiledProgram_RunsConcurrently_WithIndependentState()
    {
        var engine = new ScriptEngine();
        var program = engine.Compile("""
            def total(n):
                acc = []
                for i in range(n):
                    acc.append(i * k)
                return sum(acc)
            r = total(200)
            """);

        var results = new long[64];
        Parallel.For(0, results.Length, i =>
        {
            var context = new ScriptContext { Variables = { ["k"] = (long)i } };
            var result = engine.Execute(program, context);
            result.TryGetVariable("r", out var r);
            results[i] = (long)r!;
        });

        Assert.Equal(Enumerable.Range(0, 64).Select(i => 19900L * i), results);
    }

    [Fact]
    public void EvalMode_ReturnsTheExpressionValueAsDotNet()
    {
        var value = ScriptEngine.Shared.Evaluate("{'a': [1, 2.5, None, True, 'x'], 'b': (1,)}");

        var dict = Assert.IsType<Dictionary<string, object?>>(value);
        Assert.Equal(new List<object?> { 1L, 2.5, null, true, "x" }, dict["a"]);
        Assert.Equal(new object?[] { 1L }, dict["b"]);
    }

    [Fact]
    public void EvalMode_RefusesStatements()
    {
        var e = Assert.Throws<ScriptSyntaxException>(() => ScriptEngine.Shared.Compile("x = 1", ScriptMode.Eval));

        Assert.Equal((1, 3), (e.Line, e.Column));
    }

    [Fact]
    public void JsonPayload_ConvertsToDictListStrIntFloatBoolNone()
    {
        using var doc = JsonDocument.Parse("""{"s": "x", "i": 5, "big": 123456789012345678901, "f": 1.5, "t": true, "n": null, "l": [1, {"k": "v"}]}""");

        var value = ScriptEngine.Shared.Evaluate(
            "[repr(payload[k]) for k in ('s', 'i', 'big', 'f', 't', 'n', 'l')]",
            new ScriptContext { Payload = doc.RootElement });

        Assert.Equal(new List<object?> { "'x'", "5", "123456789012345678901", "1.5", "True", "None", "[1, {'k': 'v'}]" }, value);
    }

    [Fact]
    public void DotNetVariables_ConvertIn_AndBackOut()
    {
        var context = new ScriptContext
        {
            Variables =
            {
                ["when"] = new DateTime(2024, 5, 1, 8, 30, 0),
                ["day"] = new DateOnly(2024, 5, 1),
                ["amount"] = 12.5m,
                ["count"] = 3,
                ["tags"] = new[] { "a", "b" },
                ["meta"] = new Dictionary<string, object?> { ["k"] = 1 },
            },
        };

        var result = ScriptEngine.Shared.Run("""
            later = when + datetime.timedelta(hours=1)
            tomorrow = day + datetime.timedelta(days=1)
            total = amount * count
            joined = '-'.join(tags)
            meta['k'] += 1
            """, context);

        Assert.True(result.TryGetVariable("later", out var later));
        Assert.Equal(new DateTime(2024, 5, 1, 9, 30, 0), later);
        Assert.True(result.TryGetVariable("tomorrow", out var tomorrow));
        Assert.Equal(new DateOnly(2024, 5, 2), tomorrow);
        Assert.True(result.TryGetVariable("total", out var total));
        Assert.Equal(37.5, total);
        Assert.True(result.TryGetVariable("joined", out var joined));
        Assert.Equal("a-b", joined);
        Assert.True(result.TryGetVariable("meta", out var meta));
        Assert.Equal(2L, ((Dictionary<string, object?>)meta!)["k"]);
    }

    [Fact]
    public void RuntimeError_CarriesPythonTypeMessageAndLine()
    {
        var e = Assert.Throws<ScriptRuntimeException>(() => ScriptEngine.Shared.Run("x = 1\ny = {}\nz = y['missing']\n"));

        Assert.Equal(("KeyError", "'missing'", 3), (e.TypeName, e.PythonMessage, e.Line));
        Assert.Equal(new object?[] { "missing" }, e.Arguments);
    }

    [Fact]
    public void ErrorInsideAFunction_ReportsTheLineOfTheRaise()
    {
        var e = Assert.Throws<ScriptRuntimeException>(() => ScriptEngine.Shared.Run("def check(v):\n    if v < 0:\n        raise ValueError('negative')\n    return v\ncheck(1)\ncheck(-1)\n"));

        Assert.Equal(("ValueError", "negative", 3), (e.TypeName, e.PythonMessage, e.Line));
    }

    [Fact]
    public void RuntimeError_CarriesACPythonStyleTraceback()
    {
        var e = Assert.Throws<ScriptRuntimeException>(() => ScriptEngine.Shared.Run("def check(v):\n    if v < 0:\n        raise ValueError('negative')\n    return v\n\ndef run(values):\n    return [check(v) for v in values]\n\nrun([1, -1])\n"));

        Assert.Equal(
            "Traceback (most recent call last):\n" +
            "  File \"<code>\", line 9, in <module>\n" +
            "  File \"<code>\", line 7, in run\n" +
            "  File \"<code>\", line 3, in check\n" +
            "ValueError: negative",
            e.PythonTraceback);
    }

    [Fact]
    public void Validate_ReturnsNullForGoodCode_AndTheErrorForBadCode()
    {
        Assert.Null(ScriptEngine.Shared.Validate("x = 1"));

        var e = ScriptEngine.Shared.Validate("x = (1,\ny = 2");

        Assert.NotNull(e);
        Assert.Equal("SyntaxError", e.Kind);
    }

    [Fact]
    public void GlobalNames_ListWhatTheProgramReadsAndAssigns()
    {
        var program = ScriptEngine.Shared.Compile("total = price * qty\nlabel = str(total)");

        Assert.Equal(["label", "price", "qty", "str", "total"], program.GlobalNames.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void UnassignedVariable_IsNotReported()
    {
        var result = ScriptEngine.Shared.Run("if False:\n    action = 1\n");

        Assert.False(result.TryGetVariable("action", out _));
        Assert.Null(result.Action);
    }

    [Fact]
    public void StepsUsed_AreReported()
    {
        var result = ScriptEngine.Shared.Run("for i in range(100):\n    pass\n");

        Assert.InRange(result.Steps, 200, 1000);
    }
}
