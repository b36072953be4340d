using System.Threading.Channels;
using Automation.Core.Events;
using Microsoft.Extensions.Logging;

namespace Automation.Storage.Records;

/// <summary>
/// Removes pending-event entities that are no longer needed: events on the queue (the message is durable now) and
/// changes the engine handled inline. The removals of a short window (<see cref="Window"/>) leave together, one
/// transaction per model and per 100, off every event's path: with Azurite's one thread the limit, an event costs one
/// storage request less each way than a delete of its own. If the process dies first, the entities stay and the
/// sweeper sends their events again; consumers recognise the copies (run records, the handled marker), as they always
/// have for a crash between enqueue and delete.
/// </summary>
public sealed class PendingSettler : IAsyncDisposable
{
    /// <summary>How long a removal waits for others to share its transaction.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMilliseconds(100);

    private readonly PendingEvents _events;
    private readonly ILogger _logger;
    private readonly Channel<(string Model, string Id)> _channel = Channel.CreateUnbounded<(string, string)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _worker;
    private long _outstanding;
    private TaskCompletionSource _hurry = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PendingSettler(PendingEvents events, ILogger<PendingSettler> logger, TimeSpan? window = null)
    {
        _events = events;
        _logger = logger;
        Window = window ?? DefaultWindow;
        _worker = Task.Run(WorkAsync);
    }

    public TimeSpan Window { get; }

    /// <summary>Marks the event's pending entity for removal; never throws for a storage problem (the sweeper covers those).</summary>
    public void Settle(ChangeEvent change)
    {
        ArgumentNullException.ThrowIfNull(change);
        Interlocked.Increment(ref _outstanding);
        if (!_channel.Writer.TryWrite((change.Model, change.Id)))
        {
            Interlocked.Decrement(ref _outstanding); // shutting down: the sweeper sends it again, and the copy is recognised
        }
    }

    /// <summary>Removes what is waiting now, without waiting out the window, and returns once it is done (or has failed).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        while (Interlocked.Read(ref _outstanding) > 0)
        {
            Volatile.Read(ref _hurry).TrySetResult();
            await Task.Delay(5, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await _stopping.CancelAsync();
        await _worker;
        _stopping.Dispose();
    }

    private async Task WorkAsync()
    {
        var keys = new List<(string Model, string Id)>();
        while (await _channel.Reader.WaitToReadAsync())
        {
            // The window ends early when someone flushes or the process shuts down.
            var hurry = Volatile.Read(ref _hurry);
            await Task.WhenAny(Task.Delay(Window, _stopping.Token), hurry.Task);

            if (hurry.Task.IsCompleted)
            {
                Volatile.Write(ref _hurry, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            }

            while (_channel.Reader.TryRead(out var key))
            {
                keys.Add(key);
            }

            try
            {
                await _events.DeleteAsync(keys, CancellationToken.None);
            }
            catch (Exception e) when (StorageFailure.IsStorageFailure(e))
            {
                _logger.LogWarning(e, "Removing {Count} settled pending events failed; the sweeper will send them again and their copies will find them handled",
                    keys.Count);
            }
            finally
            {
                Interlocked.Add(ref _outstanding, -keys.Count);
                keys.Clear();
            }
        }
    }
}
