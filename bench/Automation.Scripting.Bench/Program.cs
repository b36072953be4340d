using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Automation.Scripting;
using Automation.Scripting.Bench;
using Automation.Scripting.Odoo;

// Usage: dotnet run -c Release --project bench/Automation.Scripting.Bench [-- --quick]
// Runs the pure-language set in our interpreter and in CPython (timeit, same run), prints per-snippet
// times, ratios and their geometric mean, then the record-getter and parse latencies.
var quick = args.Contains("--quick");
var limits = ScriptLimits.Default with { MaxSteps = long.MaxValue, MaxWallTime = TimeSpan.FromMinutes(5) };
var engine = new ScriptEngine(limits);
var inv = CultureInfo.InvariantCulture;

var cpython = RunCPython(Snippets.All);
Console.WriteLine($"{"benchmark",-22} {"ours (ms)",10} {"CPython (ms)",13} {"ratio",7}");
var logSum = 0.0;
foreach (var (name, source) in Snippets.All)
{
    var compiled = engine.Compile(source);
    var ours = BestOf(() => engine.Execute(compiled), quick ? 0.2 : 1.0);
    var py = cpython[name];
    var ratio = ours / py;
    logSum += Math.Log(ratio);
    Console.WriteLine(string.Create(inv, $"{name,-22} {ours * 1e3,10:F3} {py * 1e3,13:F3} {ratio,7:F2}"));
}

var geomean = Math.Exp(logSum / Snippets.All.Length);
Console.WriteLine(string.Create(inv, $"geometric mean of ours/CPython over {Snippets.All.Length} programs: {geomean:F2} (target <= 2.0)"));

// Odoo record getter against the in-memory store, warm.
var store = new InMemoryRecordStore();
store.AddModel(new ScriptModel("res.partner", new ScriptField("name", ScriptFieldType.Char)));
var partnerId = store.Create("res.partner", [new Dictionary<string, object?> { ["name"] = "Ada" }])[0];
using var payload = JsonDocument.Parse($$"""{"_model": "res.partner", "_id": {{partnerId}}}""");
var getter = engine.Compile("model.env[payload.get('_model')].browse(int(payload.get('_id')))", ScriptMode.Eval);
var context = new ScriptContext { Environment = store, Model = "res.partner", Payload = payload.RootElement };
var getterTime = BestOf(() => engine.Execute(getter, context).Value, quick ? 0.2 : 1.0);
Console.WriteLine(string.Create(inv, $"record getter (warm, in-memory env): {getterTime * 1e6:F2} us (target <= 5 us)"));

// Parse + check + resolve of a 50-line action, uncached.
var action = string.Join('\n', Enumerable.Range(0, 10).Select(i => $$"""
    name_{{i}} = payload.get('name_{{i}}') or 'x'
    if name_{{i}} and len(name_{{i}}) > 3:
        vals_{{i}} = {'name': name_{{i}}.strip().title(), 'ref': 'R%05d' % {{i}}, 'rank': {{i}} * 2}
    else:
        vals_{{i}} = {'name': f'{name_{{i}}!r}-{ {{i}} }'}
    """));
var lines = action.Split('\n').Length;
var parseTime = BestOf(() => engine.CompileUncached(action), quick ? 0.2 : 1.0);
Console.WriteLine(string.Create(inv, $"parse of a {lines}-line action (uncached): {parseTime * 1e6:F1} us (target <= 200 us)"));

static double BestOf(Func<object?> action, double budgetSeconds)
{
    // warm up long enough for tiered compilation to reach optimized code (steady state is what a host sees)
    var warm = Stopwatch.StartNew();
    for (var i = 0; i < 3 || warm.Elapsed.TotalSeconds < 0.5; i++)
    {
        action();
    }

    // calibrate a batch of ~10 ms, then keep the best batch average within the budget
    var batch = 1;
    var sw = Stopwatch.StartNew();
    while (true)
    {
        sw.Restart();
        for (var i = 0; i < batch; i++)
        {
            action();
        }

        if (sw.Elapsed.TotalMilliseconds >= 10 || batch >= 1 << 20)
        {
            break;
        }

        batch *= 2;
    }

    var best = double.MaxValue;
    var total = Stopwatch.StartNew();
    do
    {
        sw.Restart();
        for (var i = 0; i < batch; i++)
        {
            action();
        }

        best = Math.Min(best, sw.Elapsed.TotalSeconds / batch);
    }
    while (total.Elapsed.TotalSeconds < budgetSeconds);
    return best;
}

static Dictionary<string, double> RunCPython((string Name, string Source)[] programs)
{
    var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("PYTHON3") ?? "python3", [Path.Combine(AppContext.BaseDirectory, "cpython_bench.py")])
    {
        RedirectStandardInput = true,
        RedirectStandardOutput = true,
        UseShellExecute = false,
    };
    using var p = Process.Start(psi)!;
    p.StandardInput.Write(JsonSerializer.Serialize(programs.Select(x => new[] { x.Name, x.Source })));
    p.StandardInput.Close();
    var output = p.StandardOutput.ReadToEnd();
    p.WaitForExit();
    return JsonSerializer.Deserialize<Dictionary<string, double>>(output)!;
}
