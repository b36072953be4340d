namespace Automation.Scripting.Tests.Differential;

/// <summary>The snippets under Differential/Corpus (separated by "#---" lines) and CPython's results for them.</summary>
internal static class Corpus
{
    private static readonly Lazy<IReadOnlyList<(string File, int Index, string Source)>> LazySnippets = new(Load);
    private static readonly Lazy<IReadOnlyList<string>> LazyExpected = new(() => CPython.RunSnippets([.. Snippets.Select(s => s.Source)]));

    public static IReadOnlyList<(string File, int Index, string Source)> Snippets => LazySnippets.Value;

    /// <summary>CPython's result for each snippet, computed once for the whole corpus.</summary>
    public static IReadOnlyList<string> Expected => LazyExpected.Value;

    private static List<(string File, int Index, string Source)> Load()
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "Differential", "Corpus");
        var result = new List<(string, int, string)>();
        foreach (var file in Directory.GetFiles(dir, "*.py").Order(StringComparer.Ordinal))
        {
            var text = File.ReadAllText(file).Replace("\r\n", "\n", StringComparison.Ordinal);
            var parts = text.Split("\n#---\n");
            for (var i = 0; i < parts.Length; i++)
            {
                var src = parts[i].Trim('\n');
                if (src.Length > 0)
                {
                    result.Add((Path.GetFileName(file), i, src + "\n"));
                }
            }
        }

        return result;
    }

    /// <summary>Runs a snippet in our interpreter with the runner's conventions.</summary>
    public static string RunOurs(ScriptEngine engine, string source)
    {
        try
        {
            CompiledScript compiled;
            try
            {
                compiled = engine.Compile(source, ScriptMode.Eval);
            }
            catch (ScriptSyntaxException)
            {
                compiled = engine.Compile(source, ScriptMode.Exec);
            }

            var result = engine.Execute(compiled);
            var value = compiled.Mode == ScriptMode.Eval ? result.RawValue : result.TryGetRawVariable("r");
            return ScriptEngine.ReprOf(value);
        }
        catch (ScriptSyntaxException e)
        {
            return "!" + e.Kind + ": " + e.Detail;
        }
        catch (ScriptRuntimeException e)
        {
            return "!" + e.TypeName + ": " + e.PythonMessage;
        }
    }
}
