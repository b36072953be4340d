using System.Collections.Concurrent;
using Automation.Storage.Management;

namespace Automation.Functions.Hosting;

/// <summary>A queue message as the handler sees it, whichever mode delivered it.</summary>
public sealed record QueueTrigger(string MessageText, string MessageId, long DequeueCount, DateTimeOffset? InsertedOn);

/// <summary>A timer occurrence as the handler sees it.</summary>
public sealed record TimerTrigger(bool IsPastDue, DateTimeOffset? Last, DateTimeOffset? Next);

/// <summary>Handles the messages of the queue its function.json names. Throwing fails the invocation (retry, then poison).</summary>
public interface IQueueFunction
{
    /// <summary>The function name: the folder of its function.json.</summary>
    string Name { get; }

    Task RunAsync(QueueTrigger trigger, CancellationToken cancellationToken);
}

/// <summary>Runs on the NCRONTAB schedule its function.json names.</summary>
public interface ITimerFunction
{
    string Name { get; }

    Task RunAsync(TimerTrigger trigger, CancellationToken cancellationToken);
}

/// <summary>The handlers registered in DI, checked against the catalogue at start-up.</summary>
public sealed class FunctionHandlers
{
    private readonly Dictionary<string, IQueueFunction> _queue;
    private readonly Dictionary<string, ITimerFunction> _timer;

    private readonly FunctionCatalog _catalog;
    private readonly QueueFailureLog? _failures;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, IQueueFunction> _observed = new(StringComparer.OrdinalIgnoreCase);

    /// <param name="failures">Where failed messages' errors are recorded (shown with the dead letters); none in bare tests.</param>
    public FunctionHandlers(FunctionCatalog catalog, IEnumerable<IQueueFunction> queueFunctions, IEnumerable<ITimerFunction> timerFunctions,
        QueueFailureLog? failures = null, TimeProvider? time = null, ILogger<FunctionHandlers>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        _catalog = catalog;
        _failures = failures;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        _queue = queueFunctions.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);
        _timer = timerFunctions.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var function in catalog.All)
        {
            var registered = function.Trigger switch
            {
                TriggerKind.Queue => _queue.ContainsKey(function.Name),
                TriggerKind.Timer => _timer.ContainsKey(function.Name),
                _ => true,
            };
            if (!registered)
            {
                throw new StartupException($"Function '{function.Name}' has a function.json ({function.Trigger} trigger) but no handler is registered for it.");
            }
        }

        foreach (var name in _queue.Keys.Where(n => catalog.Find(n)?.Trigger != TriggerKind.Queue)
                     .Concat(_timer.Keys.Where(n => catalog.Find(n)?.Trigger != TriggerKind.Timer)))
        {
            throw new StartupException($"A handler is registered for function '{name}' but there is no matching function.json.");
        }
    }

    /// <summary>The handler of a queue function, as both hosting modes call it: failures are recorded before they propagate.</summary>
    public IQueueFunction Queue(string name) =>
        _observed.GetOrAdd(name, n => new ObservedQueueFunction(_queue[n], _catalog.Find(n)?.QueueName ?? n, _failures, _time, _logger));

    public ITimerFunction Timer(string name) => _timer[name];
}
