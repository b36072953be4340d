using Automation.Storage.Queues;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Automation.Functions.Hosting;

/// <summary>
/// Standalone mode's trigger source (ARCHITECTURE D3): a <see cref="QueueListener"/> per queue function and a timer
/// loop per timer function, from the same function.json and host.json the Functions host reads. An adapter only: it
/// calls the same handlers the Functions protocol calls.
/// </summary>
public sealed class StandaloneRuntime(
    FunctionCatalog catalog,
    FunctionHandlers handlers,
    HostSettings settings,
    QueueServiceClient queues,
    TimeProvider time,
    ILoggerFactory loggers,
    QueueWakeups? wakeups = null) : BackgroundService
{
    private readonly ILogger _logger = loggers.CreateLogger<StandaloneRuntime>();
    private readonly List<QueueListener> _listeners = [];

    /// <summary>Queue messages being handled right now, across all queue functions.</summary>
    public int InFlight
    {
        get
        {
            lock (_listeners)
            {
                return _listeners.Sum(l => l.InFlight);
            }
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var loops = new List<Task>();
        foreach (var function in catalog.All)
        {
            switch (function.Trigger)
            {
                case TriggerKind.Queue:
                    var handler = handlers.Queue(function.Name);
                    var listener = new QueueListener(
                        queues.GetQueueClient(function.QueueName!),
                        queues.GetQueueClient(function.QueueName + "-poison"),
                        handler.RunAsync,
                        settings,
                        loggers.CreateLogger("Function." + function.Name),
                        wakeups);
                    lock (_listeners)
                    {
                        _listeners.Add(listener);
                    }

                    loops.Add(Task.Run(() => listener.RunAsync(stoppingToken), CancellationToken.None));
                    break;
                case TriggerKind.Timer:
                    loops.Add(Task.Run(() => RunTimerAsync(function, stoppingToken), CancellationToken.None));
                    break;
                default:
                    break;
            }
        }

        return Task.WhenAll(loops);
    }

    private async Task RunTimerAsync(FunctionDefinition function, CancellationToken stoppingToken)
    {
        var schedule = TimerSchedule.Parse(function.Schedule!, function.Name);
        var handler = handlers.Timer(function.Name);
        DateTimeOffset? last = null;
        if (function.RunOnStartup)
        {
            await InvokeTimerAsync(handler, new TimerTrigger(false, null, schedule.NextAfter(time.GetUtcNow())), stoppingToken);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var next = schedule.NextAfter(time.GetUtcNow());
            try
            {
                var wait = next - time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, stoppingToken);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var isPastDue = time.GetUtcNow() - next > TimeSpan.FromSeconds(10);
            await InvokeTimerAsync(handler, new TimerTrigger(isPastDue, last, schedule.NextAfter(next)), stoppingToken);
            last = next;
        }
    }

    private async Task InvokeTimerAsync(ITimerFunction handler, TimerTrigger trigger, CancellationToken stoppingToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(settings.FunctionTimeout);
            await handler.RunAsync(trigger, timeout.Token);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            // Like the host: a failed occurrence is logged and the next one runs normally.
            _logger.LogError(e, "Timer function {Function} failed", handler.Name);
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }
}
