using Automation.Scripting.Tests.Differential;

namespace Automation.Scripting.Tests.Fuzz;

public class DifferentialFuzzTests
{
    [Fact]
    public void RandomPureExpressions_GiveTheSameResultsAsCPython()
    {
        var generator = new ExpressionGenerator(seed: 13);
        var expressions = Enumerable.Range(0, 6000).Select(_ => generator.Expression() + "\n").ToList();
        var expected = CPython.RunSnippets(expressions);
        var engine = new ScriptEngine(ScriptLimits.Default with { MaxSteps = 100_000 });
        var mismatches = new List<string>();
        for (var i = 0; i < expressions.Count; i++)
        {
            var actual = Corpus.RunOurs(engine, expressions[i]);

            // documented differences: our budgets (CPython has none, or fails with MemoryError) and complex numbers
            var documented = actual.StartsWith("!LimitExceeded:", StringComparison.Ordinal)
                || actual == "!ValueError: complex numbers are not supported";
            if (actual != expected[i] && !documented)
            {
                mismatches.Add($"{expressions[i].TrimEnd()}\n  CPython: {expected[i]}\n  ours:    {actual}");
            }
        }

        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {expressions.Count} differ:\n" + string.Join("\n", mismatches.Take(25)));
    }
}
