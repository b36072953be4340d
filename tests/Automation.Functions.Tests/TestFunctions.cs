using System.Collections.Concurrent;
using Automation.Functions.Hosting;

namespace Automation.Functions.Tests;

/// <summary>A queue function that records what it was given, and fails when told to.</summary>
public sealed class RecordingQueueFunction(string name) : IQueueFunction
{
    public string Name { get; } = name;

    public ConcurrentQueue<QueueTrigger> Calls { get; } = new();

    public Func<QueueTrigger, Task>? Behaviour { get; set; }

    public async Task RunAsync(QueueTrigger trigger, CancellationToken cancellationToken)
    {
        Calls.Enqueue(trigger);
        if (Behaviour is not null)
        {
            await Behaviour(trigger);
        }
    }
}

public sealed class RecordingTimerFunction(string name) : ITimerFunction
{
    public string Name { get; } = name;

    public ConcurrentQueue<TimerTrigger> Calls { get; } = new();

    public Task RunAsync(TimerTrigger trigger, CancellationToken cancellationToken)
    {
        Calls.Enqueue(trigger);
        return Task.CompletedTask;
    }
}

/// <summary>A function app folder of the tests' own: the real host.json plus the function.json files a test writes.</summary>
public sealed class TestAppRoot : IDisposable
{
    public TestAppRoot()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "automation-app-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
        File.Copy(System.IO.Path.Combine(AppContext.BaseDirectory, "host.json"), System.IO.Path.Combine(Path, "host.json"));

        // The app's own functions (Health, Sweeper, …) come along: their handlers are always registered.
        foreach (var shipped in Directory.GetFiles(AppContext.BaseDirectory, "function.json", SearchOption.AllDirectories))
        {
            var name = System.IO.Path.GetFileName(System.IO.Path.GetDirectoryName(shipped)!);
            if (System.IO.Path.GetDirectoryName(System.IO.Path.GetDirectoryName(shipped)) == System.IO.Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory))
            {
                Function(name, File.ReadAllText(shipped));
            }
        }
    }

    public string Path { get; }

    public TestAppRoot Function(string name, string functionJson)
    {
        var folder = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(folder);
        File.WriteAllText(System.IO.Path.Combine(folder, "function.json"), functionJson);
        return this;
    }

    public TestAppRoot QueueFunction(string name, string queueName) => Function(name, $$"""
        { "bindings": [ { "type": "queueTrigger", "direction": "in", "name": "msg", "queueName": "{{queueName}}", "connection": "AzureWebJobsStorage" } ] }
        """);

    public TestAppRoot TimerFunction(string name, string schedule) => Function(name, $$"""
        { "bindings": [ { "type": "timerTrigger", "direction": "in", "name": "timer", "schedule": "{{schedule}}", "runOnStartup": false, "useMonitor": true } ] }
        """);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Temp folder; not worth failing a test for.
        }
    }
}
