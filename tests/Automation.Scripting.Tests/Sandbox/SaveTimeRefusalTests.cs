namespace Automation.Scripting.Tests.Sandbox;

/// <summary>What safe_eval refuses is refused when the code is saved, with line and column (SCRIPTING.md "Not allowed").</summary>
public class SaveTimeRefusalTests
{
    private static readonly ScriptEngine Engine = new();

    private static ScriptSyntaxException Refused(string source, ScriptMode mode = ScriptMode.Exec) =>
        Assert.Throws<ScriptSyntaxException>(() => Engine.Compile(source, mode));

    [Fact]
    public void Import_IsRefusedAtSaveTime_WithLineAndColumn()
    {
        var e = Refused("x = 1\n  \nif x:\n    import os\n");

        Assert.Equal(("NotAllowed", "import is not allowed", 4, 5), (e.Kind, e.Detail, e.Line, e.Column));
    }

    [Fact]
    public void FromImport_IsRefused()
    {
        Assert.Equal("import is not allowed", Refused("from os import path").Detail);
    }

    [Fact]
    public void ClassDefinition_IsRefused()
    {
        var e = Refused("class A:\n    pass\n");

        Assert.Equal(("class definitions are not supported", 1, 1), (e.Detail, e.Line, e.Column));
    }

    [Theory]
    [InlineData("def f():\n    global x\n", "'global' is not supported", 2, 5)]
    [InlineData("def f():\n    x = 1\n    def g():\n        nonlocal x\n", "'nonlocal' is not supported", 4, 9)]
    [InlineData("with open('f') as h:\n    pass\n", "'with' statements are not supported", 1, 1)]
    [InlineData("def f():\n    yield 1\n", "'yield' is not supported", 2, 5)]
    [InlineData("x = [(yield)]\n", "'yield' is not supported", 1, 7)]
    [InlineData("async def f():\n    pass\n", "'async' is not supported", 1, 1)]
    [InlineData("@decorator\ndef f():\n    pass\n", "decorators are not supported", 1, 1)]
    public void UnsupportedStatements_AreRefused(string source, string message, int line, int column)
    {
        var e = Refused(source);

        Assert.Equal((message, line, column), (e.Detail, e.Line, e.Column));
    }

    [Theory]
    [InlineData("().__class__.__bases__", 1, 4)]
    [InlineData("x = [].__class__", 1, 8)]
    [InlineData("__builtins__", 1, 1)]
    [InlineData("f(__x=1)", 1, 3)]
    [InlineData("def f(__a):\n    pass", 1, 7)]
    [InlineData("y = 1\nr = (lambda: 0).__globals__", 2, 17)]
    public void DunderNamesAndAttributes_AreRefused(string source, int line, int column)
    {
        var e = Refused(source);

        Assert.Equal("NotAllowed", e.Kind);
        Assert.StartsWith("names starting with '__' are not allowed", e.Detail, StringComparison.Ordinal);
        Assert.Equal((line, column), (e.Line, e.Column));
    }

    [Theory]
    [InlineData("open('/etc/passwd')")]
    [InlineData("eval('1+1')")]
    [InlineData("exec('x=1')")]
    [InlineData("compile('1', 'f', 'eval')")]
    [InlineData("globals()")]
    [InlineData("locals()")]
    [InlineData("vars()")]
    [InlineData("setattr(x, 'a', 1)")]
    [InlineData("f = open")]
    public void DangerousBuiltins_AreRefusedAtSaveTime(string source)
    {
        var e = Refused(source);

        Assert.Equal("NotAllowed", e.Kind);
        Assert.EndsWith("is not allowed", e.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void DangerousBuiltin_InsideAFunction_IsRefusedWithItsPosition()
    {
        var e = Refused("def f():\n    return eval('2')\n");

        Assert.Equal(("'eval' is not allowed", 2, 12), (e.Detail, e.Line, e.Column));
    }

    [Theory]
    [InlineData("getattr((), '__class__')")]
    [InlineData("getattr(record, '__dict__', None)")]
    [InlineData("'{0.__class__}'.format(1)")]
    public void DynamicDunderAccess_IsRefusedAtRunTime(string source)
    {
        var e = Assert.Throws<ScriptRuntimeException>(() => Engine.Evaluate(source, new ScriptContext { Variables = { ["record"] = 1L } }));

        Assert.Equal("AttributeError", e.TypeName);
        Assert.Contains("is not allowed", e.PythonMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void NoDotNetObjectIsReachable_FromBuiltinsOrValues()
    {
        // every attribute a script can name resolves through the interpreter's own tables, never .NET reflection
        var e = Assert.Throws<ScriptRuntimeException>(() => Engine.Evaluate("len.GetType"));

        Assert.Equal(("AttributeError", "'builtin_function_or_method' object has no attribute 'GetType'"), (e.TypeName, e.PythonMessage));
    }

    [Fact]
    public void SourceLongerThanTheLimit_IsRefused()
    {
        var engine = new ScriptEngine(ScriptLimits.Default with { MaxSourceLength = 100 });

        var e = Assert.Throws<ScriptSyntaxException>(() => engine.Compile(new string('#', 101)));

        Assert.Equal("LimitExceeded", e.Kind);
        Assert.Contains("MaxSourceLength", e.Detail, StringComparison.Ordinal);
    }
}
