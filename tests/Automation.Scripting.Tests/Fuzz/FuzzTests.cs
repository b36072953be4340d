using System.Diagnostics;
using System.Text.Json;
using Automation.Scripting.Odoo;
using Automation.Scripting.Runtime;
using Automation.Scripting.Tests.Odoo;

namespace Automation.Scripting.Tests.Fuzz;

public class FuzzTests
{
    private static readonly ScriptLimits FuzzLimits = ScriptLimits.Default with
    {
        MaxSteps = 5_000,
        MaxWallTime = TimeSpan.FromMilliseconds(500),
        MaxCollectionLength = 5_000,
        MaxStringLength = 50_000,
        MaxAllocatedBytes = 5_000_000,
        MaxIntegerBits = 20_000,
    };

    [Fact]
    public void TenThousandRandomPrograms_NeverCrashOrHang_AndFailOnlyWithScriptErrors()
    {
        var engine = new ScriptEngine(FuzzLimits, cacheCapacity: 256);
        var store = PartnerStore.Create();
        var ada = store.AddPartner("Ada");
        using var payload = JsonDocument.Parse("""{"_model": "res.partner", "_id": 1, "name": "x"}""");
        var generator = new ProgramGenerator(seed: 20261122);
        var internalErrors = new List<string>();
        var outcomes = new Dictionary<string, int>();
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < 10_000; i++)
        {
            var program = generator.Program();
            if (i % 3 == 2)
            {
                program = generator.Mutate(program);
            }

            var outcome = RunOne(engine, program, new ScriptContext { Environment = store, Model = "res.partner", RecordIds = [ada], Payload = payload.RootElement });
            if (outcome.StartsWith("internal:", StringComparison.Ordinal))
            {
                internalErrors.Add(outcome + "\n" + program);
            }

            outcomes[outcome.Split(':')[0]] = outcomes.GetValueOrDefault(outcome.Split(':')[0]) + 1;
        }

        Assert.True(internalErrors.Count == 0, $"{internalErrors.Count} programs failed outside the script error model:\n" + string.Join("\n----\n", internalErrors.Take(5)));
        var evaluated = outcomes.GetValueOrDefault("ok") + outcomes.GetValueOrDefault("python") + outcomes.GetValueOrDefault("limit");
        Assert.True(evaluated > 5_000, "most generated programs should reach the evaluator: " + string.Join(", ", outcomes));
        Assert.True(outcomes.GetValueOrDefault("ok") > 100, "some generated programs should run to the end: " + string.Join(", ", outcomes));
        Assert.True(outcomes.GetValueOrDefault("syntax") > 1_000, "the mutator should exercise the syntax error paths: " + string.Join(", ", outcomes));
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(60), $"fuzzing took {sw.Elapsed}");
    }

    private static string RunOne(ScriptEngine engine, string program, ScriptContext context)
    {
        try
        {
            engine.Execute(engine.Compile(program), context);
            return "ok";
        }
        catch (ScriptSyntaxException)
        {
            return "syntax";
        }
        catch (ScriptLimitExceededException e)
        {
            return "limit:" + e.Limit;
        }
        catch (ScriptRuntimeException e) when (e.InnerException is null or PyException)
        {
            return "python:" + e.TypeName;
        }
        catch (Exception e)
        {
            return "internal:" + e;
        }
    }
}
