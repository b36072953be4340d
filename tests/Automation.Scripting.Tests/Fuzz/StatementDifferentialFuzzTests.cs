using Automation.Scripting.Tests.Differential;

namespace Automation.Scripting.Tests.Fuzz;

public class StatementDifferentialFuzzTests
{
    [Fact]
    public void RandomPurePrograms_GiveTheSameResultsAsCPython()
    {
        var generator = new StatementGenerator(seed: 99);
        var programs = Enumerable.Range(0, 1500).Select(_ => generator.Program()).ToList();
        var expected = CPython.RunSnippets(programs);
        var engine = new ScriptEngine(ScriptLimits.Default with { MaxSteps = 200_000 });
        var mismatches = new List<string>();
        for (var i = 0; i < programs.Count; i++)
        {
            var actual = Corpus.RunOurs(engine, programs[i]);
            var documented = actual.StartsWith("!LimitExceeded:", StringComparison.Ordinal)
                || actual == "!ValueError: complex numbers are not supported";
            if (actual != expected[i] && !documented)
            {
                mismatches.Add($"{programs[i]}  CPython: {expected[i]}\n  ours:    {actual}");
            }
        }

        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {programs.Count} differ:\n" + string.Join("\n", mismatches.Take(10)));
    }
}
