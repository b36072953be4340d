using System.Threading.Channels;
using Automation.Core.Events;
using Automation.Storage.Queues;
using Microsoft.Extensions.Logging;

namespace Automation.Storage.Records;

/// <summary>
/// Sends committed change events off the write path. A write returns once its record and pending event are committed;
/// the event is durable from then on. One sender (by default) takes whatever events are waiting and sends them together
/// (<see cref="PendingEvents.SendAsync"/>): when idle an event leaves at once, and while a send is in flight the events
/// committed meanwhile gather and leave in the next message. Under load one message (one send, one receive, one delete)
/// then serves several writes; with Azurite's one thread the limit, that beats sending each at once on its own. Once sent, its pending entity goes to the <see cref="PendingSettler"/>
/// (when there is one), which removes many at once. If sending fails, or the process dies first, the pending entity
/// stays and the sweeper sends it.
/// </summary>
public sealed class EventPublisher : IAsyncDisposable
{
    public const int MaxBatch = 200;

    private readonly PendingEvents _events;
    private readonly ILogger _logger;
    private readonly Channel<ChangeEvent> _channel = Channel.CreateUnbounded<ChangeEvent>(new UnboundedChannelOptions { SingleReader = false });
    private readonly Task[] _workers;
    private long _outstanding;

    private readonly QueueWakeups? _wakeups;
    private readonly PendingSettler? _settler;

    public EventPublisher(PendingEvents events, ILogger<EventPublisher> logger, int workers = 1, QueueWakeups? wakeups = null,
        PendingSettler? settler = null)
    {
        _events = events;
        _logger = logger;
        _wakeups = wakeups;
        _settler = settler;
        _workers = Enumerable.Range(0, workers).Select(_ => Task.Run(WorkAsync)).ToArray();
    }

    /// <summary>Test hook: runs for each event after its commit, before it is handed to the workers. Throwing simulates a crash there.</summary>
    public Func<ChangeEvent, Task>? AfterCommit { get; set; }

    /// <summary>Hands a committed event to the workers; never throws for a send problem (the sweeper covers those).</summary>
    public async Task PublishAsync(ChangeEvent change)
    {
        if (AfterCommit is { } hook)
        {
            await hook(change);
        }

        Interlocked.Increment(ref _outstanding);
        if (!_channel.Writer.TryWrite(change))
        {
            Interlocked.Decrement(ref _outstanding);
        }
    }

    /// <summary>
    /// Waits until every event handed over so far has been sent and its pending entity removed (or has failed and been
    /// left to the sweeper).
    /// </summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        while (Interlocked.Read(ref _outstanding) > 0)
        {
            await Task.Delay(5, cancellationToken);
        }

        if (_settler is not null)
        {
            await _settler.FlushAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await Task.WhenAll(_workers);
    }

    private async Task WorkAsync()
    {
        var batch = new List<ChangeEvent>(MaxBatch);
        while (await _channel.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _channel.Reader.TryRead(out var change))
            {
                batch.Add(change);
            }

            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                await _events.SendAsync(batch, CancellationToken.None, () => _wakeups?.Signal(PendingEvents.QueueName), _settler is null ? null : _settler.Settle);
            }
            catch (Exception e) when (StorageFailure.IsStorageFailure(e) || e is InvalidOperationException)
            {
                _logger.LogWarning(e, "Sending {Count} change events failed; they stay pending and the sweeper will send them", batch.Count);
            }
            finally
            {
                Interlocked.Add(ref _outstanding, -batch.Count);
                batch.Clear();
            }
        }
    }
}
