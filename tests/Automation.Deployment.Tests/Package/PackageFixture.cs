using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using Automation.Testing;

namespace Automation.Deployment.Tests.Package;

/// <summary>
/// Builds the deployment package once for the test run with the documented command (README "Deploy to Azure"), in a
/// folder of its own, and extracts it the way the platform does. Two differences keep it within CI's time budget: the
/// test run's configuration, so the libraries the build just compiled are reused, and per-assembly ReadyToRun instead
/// of composite (a composite image compiles the whole framework, minutes on our machines). The layout is the same;
/// bench/Automation.ColdStart.Bench runs the composite package the documented command builds.
/// </summary>
public sealed class PackageFixture : IAsyncLifetime
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private string _work = null!;

    public string ZipPath { get; private set; } = null!;

    /// <summary>The extracted package: the function app's root as the host sees it.</summary>
    public string AppRoot { get; private set; } = null!;

    /// <summary>host.json's customHandler.description.defaultExecutablePath.</summary>
    public string ExecutablePath { get; private set; } = null!;

    /// <summary>host.json's customHandler.description.arguments.</summary>
    public IReadOnlyList<string> Arguments { get; private set; } = [];

    public async Task InitializeAsync()
    {
        _work = Directory.CreateTempSubdirectory("automation-package-").FullName;
        ZipPath = Path.Combine(_work, "automation-functions.zip");
        AppRoot = Path.Combine(_work, "app");
        await PublishAsync(
            "publish", "src/Automation.Functions", "--nologo", "-c", Configuration, "-p:PackageFunctionApp=true", "-p:PublishReadyToRunComposite=false",
            $"-p:FunctionAppPackagePath={ZipPath}", $"-p:FunctionAppPublishDir={Path.Combine(_work, "publish")}/");
        ZipFile.ExtractToDirectory(ZipPath, AppRoot); // keeps the Unix mode bits, as the platform's unzip does

        using var host = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(AppRoot, "host.json")));
        var description = host.RootElement.GetProperty("customHandler").GetProperty("description");
        ExecutablePath = description.GetProperty("defaultExecutablePath").GetString()!;
        Arguments = description.TryGetProperty("arguments", out var args) ? args.EnumerateArray().Select(a => a.GetString()!).ToList() : [];
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is not worth failing a test run for; it is in the temp folder.
        }

        return Task.CompletedTask;
    }

    private static async Task PublishAsync(params string[] args)
    {
        var start = new ProcessStartInfo(DotNet()) { WorkingDirectory = Repository.Root, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"dotnet {string.Join(' ', args)} failed ({process.ExitCode}). A self-contained ReadyToRun publish needs the runtime packs " +
                $"Microsoft.NETCore.App.Runtime.linux-x64, Microsoft.AspNetCore.App.Runtime.linux-x64 and Microsoft.NETCore.App.Crossgen2.linux-x64 " +
                $"from the NuGet registry.\n{await output}\n{await error}");
        }
    }

    private static string DotNet() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}

/// <summary>The package and the Azurite its handler runs against, shared by the package tests (run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class PackageCollection : ICollectionFixture<PackageFixture>, ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Package";
}
