using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Automation.Functions.Hosting;
using Automation.Functions.Webhooks;

namespace Automation.Webhooks.Bench;

/// <summary>
/// The app's <c>WebhookCalls</c> handler behind a gate: closed while the ingress alone is measured (so processing does
/// not compete for Azurite), then opened for the end-to-end part. Messages taken while closed are discarded. Tells
/// <see cref="Finished"/> when the calls of a message are done, so the bench times completions without polling.
/// </summary>
internal sealed class GatedWebhookCalls(WebhookCalls inner) : IQueueFunction
{
    private TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Name => inner.Name;

    private int _inFlight;

    public bool Discard { get; set; }

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Call id → the <see cref="Stopwatch"/> timestamp at which its message's handler finished.</summary>
    public ConcurrentDictionary<string, TaskCompletionSource<long>> Finished { get; } = new(StringComparer.Ordinal);

    public void Close() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Open() => _gate.TrySetResult();

    public async Task RunAsync(QueueTrigger trigger, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            await _gate.Task.WaitAsync(cancellationToken);
            if (!Discard)
            {
                await inner.RunAsync(trigger, cancellationToken);
                var now = Stopwatch.GetTimestamp();
                foreach (var call in JsonNode.Parse(trigger.MessageText)!["calls"]!.AsArray())
                {
                    Finished.GetOrAdd(call!["id"]!.GetValue<string>(), _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(now);
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
