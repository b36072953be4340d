using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Automation.EndToEnd.Tests;

/// <summary>
/// The README's webhook walk-through (issue #7), run as it stands with bash and curl against the real executable on
/// the quick-start demo data: every command runs, and every output is compared with the comment under it, where
/// <c>…</c> stands for anything. Only the base URL, the admin key and the scratch file are swapped for the test's own.
/// </summary>
public sealed class WebhookWalkthroughTests(WebhookApp app) : IClassFixture<WebhookApp>
{
    private const string Marker = "@@walkthrough-step@@";

    [Fact]
    public async Task ReadmeWebhookWalkthrough_BothOdooExamples_RunAsDocumented()
    {
        var scratch = Path.Combine(Path.GetTempPath(), "walkthrough-" + Guid.NewGuid().ToString("N") + ".json");
        var steps = Steps(ReadmeBlock())
            .Select(s => s with
            {
                Commands = Localize(s.Commands, scratch),
                Expected = s.Expected.Select(e => Localize(e, scratch)).ToList(),
            })
            .ToList();
        Assert.True(steps.Count(s => s.Expected.Count > 0) >= 7, "the walk-through shows the outputs of its commands");

        var script = new StringBuilder("set -u\n");
        foreach (var step in steps)
        {
            script.Append(step.Commands).Append("\necho ").Append(Marker).Append('\n');
        }

        var (exit, output, errors) = await BashAsync(script.ToString());
        File.Delete(scratch);
        Assert.True(exit == 0, $"bash exited with {exit}: {errors}");
        var outputs = output.Split(Marker + "\n");
        for (var i = 0; i < steps.Count; i++)
        {
            var actual = outputs[i].Trim();
            if (steps[i].Expected.Count == 0)
            {
                continue;
            }

            var expected = string.Join("\n", steps[i].Expected);
            Assert.True(Matches(expected, actual), $"Step {i + 1}:\n{steps[i].Commands}\nexpected: {expected}\nactual:   {actual}");
        }
    }

    private string Localize(string text, string scratch) =>
        text.Replace("http://127.0.0.1:7071", app.BaseUrl, StringComparison.Ordinal)
            .Replace("dev-admin-key-change-me", WebhookApp.Key, StringComparison.Ordinal)
            .Replace("/tmp/call.json", scratch, StringComparison.Ordinal);

    /// <summary><c>…</c> matches anything (also across JSON structure); the rest literally.</summary>
    private static bool Matches(string expected, string actual) =>
        Regex.IsMatch(actual, "^" + string.Join(".*", expected.Split('…').Select(Regex.Escape)) + "$", RegexOptions.Singleline);

    private sealed record Step(string Commands, List<string> Expected);

    /// <summary>Steps are separated by blank lines; comment lines after a step's first command are its expected output.</summary>
    private static List<Step> Steps(string block)
    {
        var steps = new List<Step>();
        foreach (var chunk in Regex.Split(block, @"\n\s*\n"))
        {
            var commands = new List<string>();
            var expected = new List<string>();
            foreach (var line in chunk.Split('\n'))
            {
                if (line.StartsWith('#') && commands.Count > 0)
                {
                    expected.Add(line.TrimStart('#').Trim());
                }
                else if (!line.StartsWith('#') && line.Length > 0)
                {
                    commands.Add(line);
                }
            }

            if (commands.Count > 0)
            {
                steps.Add(new Step(string.Join("\n", commands), expected));
            }
        }

        return steps;
    }

    private static string ReadmeBlock()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        var start = readme.IndexOf("<!-- walkthrough:webhooks -->", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has the <!-- walkthrough:webhooks --> block");
        var open = readme.IndexOf("```bash\n", start, StringComparison.Ordinal) + "```bash\n".Length;
        var close = readme.IndexOf("\n```", open, StringComparison.Ordinal);
        return readme[open..close];
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Automation.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (Automation.sln) was not found above the test binaries.");
    }

    private static async Task<(int Exit, string Output, string Errors)> BashAsync(string script)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(script);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await errors);
    }
}
