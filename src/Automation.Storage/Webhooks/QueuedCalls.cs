using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Automation.Core.Diagnostics;
using Automation.Core.Webhooks;
using Automation.Storage.Queues;
using Automation.Storage.Tables;

namespace Automation.Storage.Webhooks;

/// <summary>
/// The <c>webhook-calls</c> queue. An accepted call is answered only once it is on the queue (nothing accepted is lost).
/// Calls that arrive while a send is in flight leave together in the next message (<c>{"v":1,"calls":[…]}</c>, up to a
/// queue message's 48 KiB), so under load one queue request serves many calls and when idle a call leaves at once. A
/// payload too large for a message waits in claim-check entities of the <c>webhookpayloads</c> table (one
/// transaction) and the message carries a reference; <see cref="CompleteAsync"/> removes them once the call is done.
/// </summary>
public sealed class QueuedCalls : IAsyncDisposable
{
    public const string QueueName = "webhook-calls";
    public const string PayloadTableName = "webhookpayloads";

    /// <summary>Room for calls in one message: 48 KiB of text less the envelope.</summary>
    public const int MaxMessageBytes = QueueMessageEncoding.MaxTextBytes - 64;

    /// <summary>
    /// Characters per claim-check entity: under the 1 MiB entity limit even when every character travels JSON-escaped
    /// (<c>\uXXXX</c>, 6 bytes). A 1 MiB body then needs at most 7 entities and 3 MiB of transaction, under its 4 MiB.
    /// </summary>
    private const int CharsPerEntity = 5 * ChunkedText.ChunkChars;

    private readonly QueueClient _queue;
    private readonly TableClient _payloads;
    private readonly Channel<Pending> _channel = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = false });
    private readonly Task[] _senders;

    public QueuedCalls(QueueClient queue, TableClient payloads, int senders = 2)
    {
        _queue = queue;
        _payloads = payloads;
        _senders = Enumerable.Range(0, senders).Select(_ => Task.Run(SendLoopAsync)).ToArray();
    }

    /// <summary>Returns once the call is durably queued; throws when it could not be (the caller answers 5xx).</summary>
    public async Task EnqueueAsync(WebhookCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var payload = call.Payload ?? "{}";
        using var activity = AutomationTelemetry.StartProducer(QueueName)?
            .SetTag(AutomationTelemetry.CallIdTag, call.Id)
            .SetTag(AutomationTelemetry.RuleIdTag, call.RuleId);
        string item;
        if (Encoding.UTF8.GetByteCount(payload) + 300 > MaxMessageBytes)
        {
            await StorePayloadAsync(call.Id, payload, cancellationToken);
            item = Item(call, null);
        }
        else
        {
            item = Item(call, payload);
        }

        var pending = new Pending(item, Encoding.UTF8.GetByteCount(item));
        _channel.Writer.TryWrite(pending);
        using (cancellationToken.Register(() => pending.Done.TrySetCanceled(cancellationToken)))
        {
            await pending.Done.Task;
        }
    }

    /// <summary>The calls of a <c>webhook-calls</c> message, claim-checked payloads read back (null when already completed).</summary>
    public async Task<IReadOnlyList<QueuedCall>> ResolveAsync(string message, CancellationToken cancellationToken)
    {
        var root = JsonNode.Parse(message) ?? throw new JsonException("The webhook-calls message is empty.");
        var calls = new List<QueuedCall>();
        foreach (var node in root["calls"]?.AsArray() ?? throw new JsonException("The webhook-calls message has no calls."))
        {
            var id = node?["id"]?.GetValue<string>() ?? throw new JsonException("A queued call has no id.");
            var payload = node["payload"] is { } inline ? inline.ToJsonString() : await ReadPayloadAsync(id, cancellationToken);
            calls.Add(new QueuedCall(new WebhookCall(id, node["rule_id"]!.GetValue<long>(),
                DateTime.Parse(node["received_at"]!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal), payload),
                node["payload"] is null)
            {
                TraceParent = node["traceparent"]?.GetValue<string>(),
            });
        }

        return calls;
    }

    /// <summary>The handler's last step for a call: its claim-check entities, if any, are no longer needed.</summary>
    public async Task CompleteAsync(QueuedCall queued, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queued);
        if (!queued.ClaimChecked)
        {
            return;
        }

        var rows = new List<TableTransactionAction>();
        await foreach (var entity in _payloads.QueryAsync($"PartitionKey eq {TableKeys.Quote(queued.Call.Id)}", select: ["Chunks"],
                           cancellationToken: cancellationToken))
        {
            rows.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(entity.PartitionKey, entity.RowKey)));
        }

        if (rows.Count > 0)
        {
            await _payloads.SubmitTransactionAsync(rows, cancellationToken);
        }
    }

    /// <summary>Claim-check entities older than <paramref name="age"/> (their messages expired or were dead-lettered long ago).</summary>
    public async Task<int> SweepAsync(TimeSpan age, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var cutoff = (now - age).UtcDateTime.ToString("o", CultureInfo.InvariantCulture);
        var count = 0;
        await foreach (var entity in _payloads.QueryAsync($"Timestamp lt datetime'{cutoff}'", select: ["Chunks"], cancellationToken: cancellationToken))
        {
            count += await _payloads.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, cancellationToken: cancellationToken) ? 1 : 0;
        }

        return count;
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await Task.WhenAll(_senders);
    }

    private static string Item(WebhookCall call, string? payload)
    {
        var head = new JsonObject
        {
            ["id"] = call.Id,
            ["rule_id"] = call.RuleId,
            ["received_at"] = call.ReceivedAt.ToString("o", CultureInfo.InvariantCulture),
        };
        if (AutomationTelemetry.CurrentTraceParent() is { } traceParent)
        {
            head["traceparent"] = traceParent; // W3C trace context: the handler continues the caller's trace
        }

        var text = head.ToJsonString();

        // The payload is already valid JSON text: spliced in as it is, not parsed and written again.
        return payload is null ? text[..^1] + ",\"payload_ref\":true}" : text[..^1] + ",\"payload\":" + payload + "}";
    }

    private async Task StorePayloadAsync(string callId, string payload, CancellationToken cancellationToken)
    {
        var actions = new List<TableTransactionAction>();
        for (var i = 0; i * CharsPerEntity < payload.Length; i++)
        {
            var entity = new TableEntity(callId, i.ToString("D4", CultureInfo.InvariantCulture));
            ChunkedText.Write(entity, payload.Substring(i * CharsPerEntity, Math.Min(CharsPerEntity, payload.Length - (i * CharsPerEntity))));
            actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, entity));
        }

        await _payloads.SubmitTransactionAsync(actions, cancellationToken);
    }

    private async Task<string?> ReadPayloadAsync(string callId, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        var found = false;
        await foreach (var entity in _payloads.QueryAsync($"PartitionKey eq {TableKeys.Quote(callId)}", cancellationToken: cancellationToken))
        {
            text.Append(ChunkedText.Read(entity));
            found = true;
        }

        return found ? text.ToString() : null;
    }

    private async Task SendLoopAsync()
    {
        var reader = _channel.Reader;
        Pending? carry = null;
        while (carry is not null || await reader.WaitToReadAsync())
        {
            var batch = new List<Pending>();
            var size = 0;
            while (true)
            {
                var next = carry;
                carry = null;
                if (next is null && !reader.TryRead(out next))
                {
                    break;
                }

                if (batch.Count > 0 && size + next.Bytes + 1 > MaxMessageBytes)
                {
                    carry = next;
                    break;
                }

                batch.Add(next);
                size += next.Bytes + 1;
            }

            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                await _queue.SendMessageAsync("{\"v\":1,\"calls\":[" + string.Join(',', batch.Select(p => p.Item)) + "]}");
                foreach (var pending in batch)
                {
                    pending.Done.TrySetResult();
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                foreach (var pending in batch)
                {
                    pending.Done.TrySetException(e);
                }
            }
        }
    }

    private sealed record Pending(string Item, int Bytes)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>A call of a <c>webhook-calls</c> message; a claim-checked one is completed once handled.</summary>
public sealed record QueuedCall(WebhookCall Call, bool ClaimChecked)
{
    /// <summary>The W3C trace context the call was accepted in (<c>traceparent</c>), when one was active.</summary>
    public string? TraceParent { get; init; }
}
