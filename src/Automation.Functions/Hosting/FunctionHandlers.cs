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

    public FunctionHandlers(FunctionCatalog catalog, IEnumerable<IQueueFunction> queueFunctions, IEnumerable<ITimerFunction> timerFunctions)
    {
        ArgumentNullException.ThrowIfNull(catalog);
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

    public IQueueFunction Queue(string name) => _queue[name];

    public ITimerFunction Timer(string name) => _timer[name];
}
