using System.Collections.Concurrent;

namespace Automation.Storage.Queues;

/// <summary>
/// In-process news that this process just put a message on a queue, so a standalone listener polling that queue looks
/// at once instead of waiting out its back-off (ARCHITECTURE D3: standalone mode polls like the Functions host, whose
/// back-off grows to <c>maxPollingInterval</c> when a queue is idle). Messages from other processes are still found
/// by polling; this only removes the idle wait for work this process produced itself.
/// </summary>
public sealed class QueueWakeups
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _pending = new(StringComparer.Ordinal);

    /// <summary>Completes when <see cref="Signal"/> is next called for <paramref name="queue"/>; take it before polling, so no signal is missed.</summary>
    public Task Next(string queue) =>
        _pending.GetOrAdd(queue, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Signal(string queue)
    {
        if (_pending.TryRemove(queue, out var waiting))
        {
            waiting.TrySetResult();
        }
    }
}
