using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Automation.Storage.Emulator;

/// <summary>Where and how to start Azurite.</summary>
public sealed record AzuriteOptions
{
    /// <summary>Folder for Azurite's data; created if missing.</summary>
    public required string Location { get; init; }

    /// <summary>0 = any free port (the one Azurite picks is read from its output).</summary>
    public int QueuePort { get; init; }

    public int TablePort { get; init; }

    public int BlobPort { get; init; }

    /// <summary>The pinned package folder (<c>tools/azurite</c>); found from the app's location when null.</summary>
    public string? PackageDirectory { get; init; }

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Keep the data in memory only (<c>--inMemoryPersistence</c>; <see cref="Location"/> is then only the working folder).
    /// On disk, Azurite's table store writes its whole database every 5 s, which stalls every request for seconds once it
    /// holds hundreds of thousands of entities.
    /// </summary>
    public bool InMemoryPersistence { get; init; }
}

/// <summary>
/// An Azurite process this process started and owns: started with telemetry off, stopped with SIGTERM and then
/// SIGKILL after a grace period, only ever its own PID. A watchdog ends it if this process dies first.
/// </summary>
public sealed partial class AzuriteProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output;

    private AzuriteProcess(Process process, StringBuilder output, int queuePort, int tablePort, string location)
    {
        _process = process;
        _output = output;
        QueuePort = queuePort;
        TablePort = tablePort;
        Location = location;
    }

    public int QueuePort { get; }

    public int TablePort { get; }

    public string Location { get; }

    public int ProcessId => _process.Id;

    public StorageConnection Connection => StorageConnection.ForAzurite(QueuePort, TablePort);

    /// <summary><see cref="Connection"/> as a connection string, for a setting or a child process.</summary>
    public string ConnectionString => StorageConnection.AzuriteConnectionString(QueuePort, TablePort);

    /// <summary>The folder of the pinned npm package, found by walking up from <paramref name="start"/>; null when not installed.</summary>
    public static string? FindPackageDirectory(string? start = null)
    {
        foreach (var origin in new[] { start, AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = origin is null ? null : new DirectoryInfo(origin); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tools", "azurite");
                if (File.Exists(Path.Combine(candidate, "package.json")))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    public static async Task<AzuriteProcess> StartAsync(AzuriteOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var package = options.PackageDirectory ?? FindPackageDirectory()
            ?? throw new AzuriteUnavailableException(
                "The pinned Azurite package folder (tools/azurite) was not found next to the application. Build from the " +
                "repository (`dotnet build` installs it with npm), or point AzureWebJobsStorage at a running storage account.");
        var script = Path.Combine(package, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
        {
            throw new AzuriteUnavailableException(
                $"Azurite is not installed in {package}. Run `npm ci --prefix {package}` (the build does this when npm is " +
                "available), or point AzureWebJobsStorage at a running storage account.");
        }

        Directory.CreateDirectory(options.Location);
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     "--require", Path.Combine(package, "parent-watchdog.js"), script,
                     "--silent", "--disableTelemetry",
                     "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
                     "--blobPort", options.BlobPort.ToString(CultureInfo.InvariantCulture),
                     "--queuePort", options.QueuePort.ToString(CultureInfo.InvariantCulture),
                     "--tablePort", options.TablePort.ToString(CultureInfo.InvariantCulture),
                 })
        {
            start.ArgumentList.Add(arg);
        }

        if (options.InMemoryPersistence)
        {
            start.ArgumentList.Add("--inMemoryPersistence"); // Azurite refuses --location with it
            start.WorkingDirectory = options.Location;
        }
        else
        {
            start.ArgumentList.Add("--location");
            start.ArgumentList.Add(options.Location);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new AzuriteUnavailableException("Starting node for Azurite returned no process.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new AzuriteUnavailableException(
                $"Node.js is needed to run Azurite but could not be started ({e.Message}). Install Node.js 20 or later, or point " +
                "AzureWebJobsStorage at a running storage account.");
        }

        var output = new StringBuilder();
        var queuePort = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var tablePort = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
            }

            var match = ListeningLine().Match(line);
            if (match.Success)
            {
                var port = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
                (match.Groups[1].Value == "Queue" ? queuePort : match.Groups[1].Value == "Table" ? tablePort : null)?.TrySetResult(port);
            }
        }

        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var azurite = new AzuriteProcess(process, output, 0, 0, options.Location);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.StartTimeout);
        try
        {
            var exited = process.WaitForExitAsync(timeout.Token);
            var ready = Task.WhenAll(queuePort.Task, tablePort.Task);
            var first = await Task.WhenAny(ready, exited, Task.Delay(Timeout.Infinite, timeout.Token));
            if (first != ready)
            {
                throw new AzuriteUnavailableException(
                    (process.HasExited ? $"Azurite exited with code {process.ExitCode}" : "Azurite did not start in time") +
                    $" (ports queue {options.QueuePort}, table {options.TablePort}). Its output:\n{azurite.Output}");
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await azurite.DisposeAsync();
            throw new AzuriteUnavailableException($"Azurite did not start within {options.StartTimeout.TotalSeconds:0} s. Its output:\n{azurite.Output}");
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }

        return new AzuriteProcess(process, output, queuePort.Task.Result, tablePort.Task.Result, options.Location);
    }

    /// <summary>What Azurite printed so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>SIGTERM, then SIGKILL after <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return;
        }

        if (!OperatingSystem.IsWindows())
        {
            using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])
            {
                UseShellExecute = false,
            });
            if (kill is not null)
            {
                await kill.WaitForExitAsync();
            }

            using var wait = new CancellationTokenSource(grace);
            try
            {
                await _process.WaitForExitAsync(wait.Token);
                return;
            }
            catch (OperationCanceledException)
            {
                // Still running after the grace period: force it.
            }
        }

        try
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
            // Exited in between.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(5));
        _process.Dispose();
    }

    [GeneratedRegex(@"Azurite (Blob|Queue|Table) service is successfully listening at http://[^:]+:(\d+)")]
    private static partial Regex ListeningLine();
}

/// <summary>Azurite could not be started; the message says why and what to do.</summary>
public sealed class AzuriteUnavailableException(string message) : Exception(message);
