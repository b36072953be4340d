using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Automation.Storage;
using Automation.Storage.Emulator;

// Issue #11 benchmark: cold start of the packaged handler, from process start to the first 200 from /api/health,
// against a minimal ASP.NET Core hello-world published the same way (self-contained linux-x64, composite ReadyToRun for
// x86-64-v3, partially trimmed; src/Automation.Functions/Packaging.targets),
// in the same run. The handler runs in Functions mode, as the Functions host starts it (FUNCTIONS_CUSTOMHANDLER_PORT, the
// arguments of host.json), with its storage (an Azurite of the bench's own) reachable.
// It also reports, for the handler only, when the first request that needs storage (an authenticated records read)
// answers 200: in Functions mode the handler listens before its tables and queues are checked, and such requests wait.
// Usage: dotnet run -c Release --project bench/Automation.ColdStart.Bench -- [--runs N] [--package <zip>]
const double TargetMs = 300;
const string AdminKey = "cold-start-bench-key-0123456789abcdef";

var runs = int.Parse(Arg("--runs") ?? "20", CultureInfo.InvariantCulture);
var repo = RepoRoot();
var work = Directory.CreateTempSubdirectory("automation-coldstart-").FullName;
var exitCode = 1;
AzuriteProcess? azurite = null;
try
{
    // 1. Both apps, published the same way.
    var package = Arg("--package");
    if (package is null)
    {
        package = Path.Combine(work, "automation-functions.zip");
        Publish(repo, "src/Automation.Functions", "-c", "Release", "-p:PackageFunctionApp=true", $"-p:FunctionAppPackagePath={package}");
    }

    var appDir = Path.Combine(work, "app");
    ZipFile.ExtractToDirectory(package, appDir);
    var helloDir = Path.Combine(work, "hello");
    Publish(repo, "bench/Automation.ColdStart.Bench/HelloWorld", "-c", "Release", "-r", "linux-x64", "--self-contained",
        "-p:PublishReadyToRun=true", "-p:PublishReadyToRunComposite=true", "-p:PublishReadyToRunCrossgen2ExtraArgs=--instruction-set:x86-64-v3",
        "-p:PublishTrimmed=true", "-p:TrimMode=partial", "-p:SuppressTrimAnalysisWarnings=true", "-p:JsonSerializerIsReflectionEnabledByDefault=true",
        "-o", helloDir);

    // 2. Storage the handler can reach, started once before measuring.
    azurite = await AzuriteProcess.StartAsync(new AzuriteOptions
    {
        Location = Path.Combine(work, "azurite"),
        PackageDirectory = Path.Combine(repo, "tools", "azurite"),
    });
    var storage = azurite.ConnectionString;

    var hello = new Subject("hello world (ASP.NET Core, same publish)", Path.Combine(helloDir, "HelloWorld"), helloDir,
        new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Production" });
    var app = new Subject("Automation.Functions package, Functions mode", Path.Combine(appDir, "Automation.Functions"), appDir,
        new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = storage,
            ["Automation__BootstrapAdminKey"] = AdminKey,
        })
    { StoragePath = "/api/records/res.partner?limit=1" };

    // 3. One warm-up each (file cache), then alternate so drift on the shared machine hits both alike.
    await MeasureAsync(hello);
    await MeasureAsync(app);
    var helloTimes = new List<double>();
    var appTimes = new List<double>();
    var appStorageTimes = new List<double>();
    for (var i = 0; i < runs; i++)
    {
        foreach (var subject in i % 2 == 0 ? new[] { hello, app } : [app, hello])
        {
            var (health, storageReady) = await MeasureAsync(subject);
            (subject == hello ? helloTimes : appTimes).Add(health);
            if (storageReady is { } ready)
            {
                appStorageTimes.Add(ready);
            }
        }
    }

    Console.WriteLine($"Cold start: process start -> first 200 from GET /api/health, {runs} runs each, alternating, {Environment.ProcessorCount} cores");
    Console.WriteLine($"{"",-48} {"median",8} {"p90",8} {"min",8} {"max",8}");
    Report(hello.Name, helloTimes);
    Report(app.Name, appTimes);
    Report("  ... first 200 from an API call that reads storage", appStorageTimes);
    var appMedian = Median(appTimes);
    var ratio = appMedian / Median(helloTimes);
    Console.WriteLine($"ratio (medians, app / hello world): {ratio:0.00}");
    Console.WriteLine($"target: app median <= {TargetMs:0} ms: {(appMedian <= TargetMs ? "met" : "MISSED")} ({appMedian:0} ms)");
    exitCode = appMedian <= TargetMs ? 0 : 1;
}
finally
{
    if (azurite is not null)
    {
        await azurite.DisposeAsync();
    }

    try
    {
        Directory.Delete(work, recursive: true);
    }
    catch (IOException)
    {
        // A file still held open is not worth failing the run for; it is in the temp folder.
    }
}

return exitCode;

static async Task<(double Health, double? StorageReady)> MeasureAsync(Subject subject)
{
    var port = FreePort();
    var start = new ProcessStartInfo(subject.Executable)
    {
        WorkingDirectory = subject.WorkingDirectory,
        UseShellExecute = false,
        RedirectStandardOutput = true,
        RedirectStandardError = true,
    };

    // What the Functions host does (spec azure-functions-storage §1.2): the port in the environment and in the
    // arguments of host.json ("--urls http://127.0.0.1:%FUNCTIONS_CUSTOMHANDLER_PORT%").
    start.ArgumentList.Add("--urls");
    start.ArgumentList.Add($"http://127.0.0.1:{port}");
    foreach (var name in new[] { "AzureWebJobsStorage", "ASPNETCORE_URLS", "DOTNET_ENVIRONMENT", "ASPNETCORE_ENVIRONMENT" })
    {
        start.Environment.Remove(name);
    }

    start.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(CultureInfo.InvariantCulture);
    foreach (var (name, value) in subject.Environment)
    {
        start.Environment[name] = value;
    }

    using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
    var url = new Uri($"http://127.0.0.1:{port}/api/health");
    var output = new System.Text.StringBuilder();
    var clock = Stopwatch.StartNew();
    using var process = Process.Start(start) ?? throw new InvalidOperationException($"{subject.Executable} did not start.");
    process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
    process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    try
    {
        // The probe is a bare socket, like the host's readiness ping: a refused connection costs it microseconds, so its
        // polling takes next to no CPU from the process it measures on our 2 cores.
        var request = Encoding.ASCII.GetBytes($"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
        var status = new byte[12];
        while (true)
        {
            if (process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                lock (output)
                {
                    throw new InvalidOperationException($"{subject.Name} did not answer 200 (exited: {process.HasExited}). Output:\n{output}");
                }
            }

            using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
            {
                var connected = false;
                try
                {
                    socket.Connect(IPAddress.Loopback, port);
                    connected = true;
                }
                catch (SocketException)
                {
                    // Not listening yet: poll again in a millisecond.
                }

                if (connected)
                {
                    socket.Send(request);
                    var read = 0;
                    while (read < status.Length && socket.Receive(status, read, status.Length - read, SocketFlags.None) is > 0 and var n)
                    {
                        read += n;
                    }

                    if (read == status.Length && Encoding.ASCII.GetString(status) == "HTTP/1.1 200")
                    {
                        var health = clock.Elapsed.TotalMilliseconds;
                        if (subject.StoragePath is null)
                        {
                            return (health, null);
                        }

                        using var records = new HttpRequestMessage(HttpMethod.Get, new Uri(url, subject.StoragePath));
                        records.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminKey);
                        using var response = await http.SendAsync(records);
                        return response.StatusCode == HttpStatusCode.OK
                            ? (health, clock.Elapsed.TotalMilliseconds)
                            : throw new InvalidOperationException($"{subject.StoragePath} answered {(int)response.StatusCode}.");
                    }
                }
            }

            Thread.Sleep(1);
        }
    }
    finally
    {
        process.Kill();
        await process.WaitForExitAsync();
    }
}

static void Publish(string repo, string project, params string[] args)
{
    var start = new ProcessStartInfo("dotnet") { WorkingDirectory = repo, UseShellExecute = false, RedirectStandardOutput = true };
    start.ArgumentList.Add("publish");
    start.ArgumentList.Add(project);
    start.ArgumentList.Add("--nologo");
    foreach (var arg in args)
    {
        start.ArgumentList.Add(arg);
    }

    Console.WriteLine($"dotnet publish {project} {string.Join(' ', args)}");
    using var process = Process.Start(start)!;
    var log = process.StandardOutput.ReadToEnd();
    process.WaitForExit();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"dotnet publish {project} failed:\n{log}");
    }
}

static void Report(string name, List<double> times)
{
    var sorted = times.Order().ToList();
    Console.WriteLine($"{name,-48} {Median(times),6:0} ms {sorted[(int)Math.Ceiling(0.9 * sorted.Count) - 1],5:0} ms {sorted[0],5:0} ms {sorted[^1],5:0} ms");
}

static double Median(List<double> times)
{
    var sorted = times.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

static string RepoRoot()
{
    for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "Automation.sln")))
        {
            return dir.FullName;
        }
    }

    throw new InvalidOperationException("Run the bench from inside the repository (Automation.sln was not found above the working directory).");
}

string? Arg(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

internal sealed record Subject(string Name, string Executable, string WorkingDirectory, Dictionary<string, string> Environment)
{
    /// <summary>A request that needs storage, timed after health answers; null for the baseline.</summary>
    public string? StoragePath { get; init; }
}
