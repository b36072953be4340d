using System.Diagnostics;
using System.Text.Json;

namespace Automation.Scripting.Tests.Differential;

/// <summary>Runs Python source through the real CPython (python3), many snippets per process.</summary>
internal static class CPython
{
    public static string Executable => Environment.GetEnvironmentVariable("PYTHON3") ?? "python3";

    public static string RunScript(string scriptPath, string stdin)
    {
        var psi = new ProcessStartInfo(Executable, [scriptPath])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment["PYTHONHASHSEED"] = "0";
        psi.Environment["PYTHONIOENCODING"] = "utf-8";
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("python3 could not be started");
        var stderrTask = p.StandardError.ReadToEndAsync();
        var stdoutTask = p.StandardOutput.ReadToEndAsync();
        p.StandardInput.Write(stdin);
        p.StandardInput.Close();
        if (!p.WaitForExit(60_000))
        {
            p.Kill(true);
            throw new TimeoutException("python3 did not finish within 60 s");
        }

        var stdout = stdoutTask.GetAwaiter().GetResult();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException("python3 failed: " + stderrTask.GetAwaiter().GetResult());
        }

        return stdout;
    }

    /// <summary>Results of the corpus runner (repr or "!Type: message") for each snippet, in one python3 process.</summary>
    public static IReadOnlyList<string> RunSnippets(IReadOnlyList<string> snippets)
    {
        var runner = Path.Combine(AppContext.BaseDirectory, "Differential", "runner.py");
        var stdout = RunScript(runner, JsonSerializer.Serialize(snippets));
        return JsonSerializer.Deserialize<List<string>>(stdout) ?? throw new InvalidOperationException("no output from python3");
    }
}
