using System.Diagnostics;

namespace Automation.Scripting.Tests.Sandbox;

/// <summary>Every limit ends the run with an error naming it, and nothing takes the process down.</summary>
public class LimitTests
{
    private static readonly ScriptEngine Engine = new();

    private static ScriptLimitExceededException Exceeds(string source, ScriptLimits? limits = null, ScriptContext? context = null) =>
        Assert.Throws<ScriptLimitExceededException>(() => Engine.Run(source, context, limits ?? ScriptLimits.Default));

    [Fact]
    public void RunawayLoop_HitsTheStepLimit()
    {
        var e = Exceeds("while True:\n    pass\n", ScriptLimits.Default with { MaxSteps = 100_000 });

        Assert.Equal(nameof(ScriptLimits.MaxSteps), e.Limit);
        Assert.Contains("ScriptLimits.MaxSteps", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StepLimit_CannotBeCaughtByTheScript()
    {
        var e = Exceeds("while True:\n    try:\n        while True:\n            pass\n    except:\n        pass\n", ScriptLimits.Default with { MaxSteps = 50_000 });

        Assert.Equal(nameof(ScriptLimits.MaxSteps), e.Limit);
    }

    [Fact]
    public void BuiltinLoops_CountSteps()
    {
        var e = Exceeds("sum(range(10 ** 12))", ScriptLimits.Default with { MaxSteps = 100_000 });

        Assert.Equal(nameof(ScriptLimits.MaxSteps), e.Limit);
    }

    [Fact]
    public void SlowLoop_HitsTheWallTimeLimit()
    {
        var sw = Stopwatch.StartNew();

        var e = Exceeds("x = 0\nwhile True:\n    x = (x + 1) % 7\n", ScriptLimits.Default with { MaxSteps = long.MaxValue, MaxWallTime = TimeSpan.FromMilliseconds(200) });

        Assert.Equal(nameof(ScriptLimits.MaxWallTime), e.Limit);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"took {sw.Elapsed}");
    }

    [Fact]
    public void Cancellation_StopsTheRun()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        var e = Exceeds("while True:\n    pass\n", ScriptLimits.Default with { MaxSteps = long.MaxValue }, new ScriptContext { Cancellation = cts.Token });

        Assert.Equal("Cancellation", e.Limit);
    }

    [Fact]
    public void DeepRecursion_HitsTheCallDepthLimit()
    {
        var e = Exceeds("def f(n):\n    return f(n + 1)\nf(0)\n");

        Assert.Equal(nameof(ScriptLimits.MaxCallDepth), e.Limit);
        Assert.Equal(2, e.Line);
    }

    [Fact]
    public void CallDepthLimit_IsConfigurable()
    {
        Engine.Run("def f(n):\n    return 0 if n == 0 else f(n - 1)\nf(150)\n", limits: ScriptLimits.Default with { MaxCallDepth = 200 });

        var e = Exceeds("def f(n):\n    return 0 if n == 0 else f(n - 1)\nf(150)\n", ScriptLimits.Default with { MaxCallDepth = 100 });

        Assert.Equal(nameof(ScriptLimits.MaxCallDepth), e.Limit);
    }

    [Fact]
    public void HugeCallDepthSetting_StillEndsCleanlyBeforeTheStackOverflows()
    {
        var limits = ScriptLimits.Default with { MaxCallDepth = 10_000_000, MaxSteps = long.MaxValue };
        var result = RunOnSmallStack(() => Engine.Run("def f(n):\n    return f(n + 1) + 1\nf(0)\n", limits: limits));

        var e = Assert.IsType<ScriptLimitExceededException>(result);
        Assert.Equal(nameof(ScriptLimits.MaxCallDepth), e.Limit);
    }

    private static Exception? RunOnSmallStack(Action action)
    {
        Exception? caught = null;
        var t = new Thread(() =>
        {
            try
            {
                action();
            }
            catch (Exception e)
            {
                caught = e;
            }
        }, 512 * 1024);
        t.Start();
        t.Join();
        return caught;
    }

    [Fact]
    public void ExponentialStringGrowth_HitsTheStringLimit()
    {
        var e = Exceeds("s = 'x'\nwhile True:\n    s = s + s\n");

        Assert.Equal(nameof(ScriptLimits.MaxStringLength), e.Limit);
    }

    [Fact]
    public void StringRepeat_IsCheckedBeforeAllocating()
    {
        var e = Exceeds("s = 'ab' * 10 ** 12");

        Assert.Equal(nameof(ScriptLimits.MaxStringLength), e.Limit);
    }

    [Theory]
    [InlineData("('a' * 1000000).replace('a', 'b' * 1000000)")]
    [InlineData("('a' * 1000000).replace('', 'x' * 100)")]
    [InlineData("('\\t' * 1000).expandtabs(10 ** 9)")]
    [InlineData("'%*d' % (10 ** 9, 1)")]
    [InlineData("'{:{}}'.format('x', 10 ** 9)")]
    [InlineData("'x'.center(10 ** 12)")]
    public void StringExpansions_AreCheckedBeforeAllocating(string expression)
    {
        var e = Exceeds("s = " + expression);

        Assert.Equal(nameof(ScriptLimits.MaxStringLength), e.Limit);
    }

    [Theory]
    [InlineData("repr(['x' * 1000000] * 1000000)")]
    [InlineData("str(dict.fromkeys(range(1000), 'y' * 1000000))")]
    [InlineData("f'{[\"z\" * 1000000] * 100000}'")]
    public void ReprOfHugeSharedContent_IsCheckedWhileBuilding(string expression)
    {
        var e = Exceeds("s = " + expression);

        Assert.Equal(nameof(ScriptLimits.MaxStringLength), e.Limit);
    }

    [Theory]
    [InlineData("[1, 2] * 2 ** 62")]
    [InlineData("(1, 2, 3) * 2 ** 61")]
    public void SequenceRepeat_WithAHugeCount_IsCheckedWithoutOverflow(string expression)
    {
        var e = Exceeds("s = " + expression);

        Assert.Equal(nameof(ScriptLimits.MaxCollectionLength), e.Limit);
    }

    [Fact]
    public void HugeListRepeat_IsCheckedBeforeAllocating()
    {
        var e = Exceeds("x = [0] * 10 ** 9");

        Assert.Equal(nameof(ScriptLimits.MaxCollectionLength), e.Limit);
    }

    [Fact]
    public void ExponentialListGrowth_HitsTheCollectionLimit()
    {
        var e = Exceeds("l = [1]\nwhile True:\n    l = l + l\n");

        Assert.Equal(nameof(ScriptLimits.MaxCollectionLength), e.Limit);
    }

    [Fact]
    public void AppendLoop_HitsTheCollectionLimit()
    {
        var e = Exceeds("l = []\nwhile True:\n    l.append(1)\n", ScriptLimits.Default with { MaxCollectionLength = 10_000 });

        Assert.Equal(nameof(ScriptLimits.MaxCollectionLength), e.Limit);
    }

    [Fact]
    public void DictGrowth_HitsTheCollectionLimit()
    {
        var e = Exceeds("d = {}\ni = 0\nwhile True:\n    d[i] = i\n    i += 1\n", ScriptLimits.Default with { MaxCollectionLength = 5_000 });

        Assert.Equal(nameof(ScriptLimits.MaxCollectionLength), e.Limit);
    }

    [Fact]
    public void ManyModerateAllocations_HitTheTotalAllocationLimit()
    {
        var e = Exceeds("keep = []\nwhile True:\n    keep.append('x' * 100000)\n", ScriptLimits.Default with { MaxAllocatedBytes = 50_000_000 });

        Assert.Equal(nameof(ScriptLimits.MaxAllocatedBytes), e.Limit);
    }

    [Fact]
    public void ManySmallObjects_AreCountedByTheAllocationLimit()
    {
        var e = Exceeds("keep = []\nwhile True:\n    keep.append([[] for _ in range(1000)])\n", ScriptLimits.Default with { MaxAllocatedBytes = 20_000_000, MaxSteps = long.MaxValue });

        Assert.Equal(nameof(ScriptLimits.MaxAllocatedBytes), e.Limit);
    }

    [Fact]
    public void GiantIntegerPower_HitsTheIntegerSizeLimit()
    {
        var e = Exceeds("x = 10 ** 10 ** 8");

        Assert.Equal(nameof(ScriptLimits.MaxIntegerBits), e.Limit);
    }

    [Fact]
    public void GiantShift_HitsTheIntegerSizeLimit()
    {
        var e = Exceeds("x = 1 << 10 ** 9");

        Assert.Equal(nameof(ScriptLimits.MaxIntegerBits), e.Limit);
    }

    [Fact]
    public void TenThousandNestedParentheses_AreASyntaxErrorNotACrash()
    {
        var source = new string('(', 10_000) + "1" + new string(')', 10_000);

        var e = Assert.Throws<ScriptSyntaxException>(() => Engine.Compile(source, ScriptMode.Eval));

        Assert.Equal(("too many nested parentheses", 1, 201), (e.Detail, e.Line, e.Column));
    }

    [Theory]
    [InlineData(10_000, "-")]
    [InlineData(10_000, "not ")]
    [InlineData(5_000, "[")]
    public void DeeplyNestedExpressions_AreRefusedCleanly(int depth, string prefix)
    {
        var source = string.Concat(Enumerable.Repeat(prefix, depth)) + "1" + (prefix == "[" ? new string(']', depth) : "");

        var e = Assert.Throws<ScriptSyntaxException>(() => Engine.Compile(source, ScriptMode.Eval));

        Assert.Equal(1, e.Line);
    }

    [Fact]
    public void DeepNesting_OnASmallStackThread_IsStillASyntaxError()
    {
        var engine = new ScriptEngine(ScriptLimits.Default with { MaxNestingDepth = 100_000 });
        var source = new string('(', 199) + "1" + new string(')', 199);

        var result = RunOnSmallStack(() => engine.CompileUncached(string.Concat(Enumerable.Repeat("-", 50_000)) + source, ScriptMode.Eval));

        Assert.IsType<ScriptSyntaxException>(result);
    }

    [Fact]
    public void RecursionThroughDeepExpressions_OnASmallStackThread_EndsCleanly()
    {
        // the recursive call sits at the bottom of a 390-deep operator chain in every frame
        var chain = "f(n - 1)" + string.Concat(Enumerable.Repeat(" + 1", 390));
        var source = $"def f(n):\n    return 0 if n == 0 else {chain}\nf(150)\n";

        var result = RunOnSmallStack(() => Engine.Run(source, limits: ScriptLimits.Default with { MaxSteps = long.MaxValue }));

        Assert.True(result is null or ScriptLimitExceededException { Limit: nameof(ScriptLimits.MaxCallDepth) }, result?.ToString());
    }

    [Fact]
    public void VeryLongOperatorChain_IsRefusedByTheNestingLimit()
    {
        var source = string.Join(" + ", Enumerable.Repeat("1", 20_000));

        var e = Assert.Throws<ScriptSyntaxException>(() => Engine.Compile(source, ScriptMode.Eval));

        Assert.Contains("MaxNestingDepth", e.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void DeeplyNestedBlocks_AreRefusedCleanly()
    {
        var lines = Enumerable.Range(0, 300).Select(i => new string(' ', i) + "if True:").Append(new string(' ', 300) + "pass");

        var e = Assert.Throws<ScriptSyntaxException>(() => Engine.Compile(string.Join('\n', lines)));

        Assert.Equal("too many levels of indentation", e.Detail);
    }

    [Theory]
    [InlineData("repr(a)")]
    [InlineData("str(a)")]
    [InlineData("a == b")]
    [InlineData("a < b")]
    [InlineData("hash(t)")]
    [InlineData("json.dumps(a)")]
    [InlineData("json.loads('[' * 30000)")]
    [InlineData("{t: 1}")]
    public void DeeplyNestedData_EndsInACleanError(string use)
    {
        var code = "a = []\nb = []\nt = ()\nfor i in range(30000):\n    a = [a]\n    b = [b]\n    t = (t,)\nr = " + use + "\n";

        var e = Assert.ThrowsAny<ScriptRuntimeException>(() => Engine.Run(code));

        Assert.True(e is ScriptLimitExceededException || e.TypeName == "RecursionError", $"{e.TypeName}: {e.Message}");
    }

    [Fact]
    public void DeeplyNestedFrozensets_EndInACleanError()
    {
        var e = Assert.ThrowsAny<ScriptRuntimeException>(() => Engine.Run("fs = frozenset()\nfor i in range(30000):\n    fs = frozenset([fs])\n"));

        Assert.True(e is ScriptLimitExceededException, $"{e.TypeName}: {e.Message}");
    }

    [Theory]
    [InlineData("g = map(lambda x: x, g)", "list(g)")]
    [InlineData("g = (x for x in g)", "sum(g)")]
    [InlineData("g = filter(None, g)", "next(iter(g))")]
    [InlineData("g = zip(g)", "list(g)")]
    [InlineData("g = enumerate(g)", "sorted(g)")]
    public void DeeplyChainedIterators_EndInACleanError(string wrap, string consume)
    {
        var code = $"g = [1, 2]\nfor i in range(100000):\n    {wrap}\nr = {consume}\n";

        var e = Assert.Throws<ScriptLimitExceededException>(() => Engine.Run(code, limits: ScriptLimits.Default with { MaxSteps = long.MaxValue }));

        Assert.Equal(nameof(ScriptLimits.MaxCallDepth), e.Limit);
    }

    [Fact]
    public void LimitError_ReportsTheLineWhereItHappened()
    {
        var e = Exceeds("x = 1\ny = 2\nwhile True:\n    x += 1\n", ScriptLimits.Default with { MaxSteps = 10_000 });

        Assert.InRange(e.Line, 3, 4);
    }
}
