using Automation.Core.Deliveries;
using Automation.Core.Diagnostics;
using Automation.Functions.Hosting;
using Automation.Storage.Deliveries;

namespace Automation.Functions.Deliveries;

/// <summary>
/// Queue function on <c>deliveries</c>: one message per attempt due. The delivery is claimed (ETag-guarded, with a
/// lease, so a duplicate message leaves it alone), sent through its kind's channel, and settled: delivered, held,
/// failed for good, or rescheduled on the retry schedule (its queue message sent with the delay as visibility). A message
/// that arrives early is put back for the rest of the wait. Storage trouble fails the invocation, so the queue retries;
/// a delivery whose message is lost is woken by <see cref="DeliveryMaintenance"/>.
/// </summary>
public sealed class DeliveriesFunction(
    TableOutbox outbox,
    IEnumerable<IDeliveryChannel> channels,
    DeliveryOptions options,
    TimeProvider time,
    ILogger<DeliveriesFunction> logger) : IQueueFunction
{
    /// <summary>An attempt that starts this close to its due time waits in process instead of going back to the queue.</summary>
    public static readonly TimeSpan InProcessWait = TimeSpan.FromSeconds(2);

    /// <summary>How long a claimed attempt is left alone by other copies of its message.</summary>
    private TimeSpan AttemptBound => options.HttpTimeout + options.HttpTimeout + TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whether this message is surely the only copy of its delivery's while its attempt runs, so the claim (one storage
    /// write) can be skipped: the first delivery of the message that <see cref="TableOutbox.EnqueueAsync"/> sent (the queue
    /// keeps it invisible to others while it runs), for a delivery never attempted, sent over HTTP (whose attempts
    /// <see cref="DeliveryOptions.HttpTimeout"/> bounds; SMTP has its own timeout), early enough that the attempt ends
    /// before <see cref="DeliveryMaintenance"/> could send a second message (it waits <see cref="DeliveryOptions.SweepAfter"/>
    /// past the creation). Retries, sweeps, redeliveries and emails claim. The settle stays ETag-guarded either way.
    /// </summary>
    private bool IsSoleCopy(Delivery delivery, QueueTrigger trigger, DateTimeOffset now) =>
        delivery.Status == DeliveryStatuses.Queued && delivery.Attempts == 0 && trigger.DequeueCount == 1
        && delivery.Kind != DeliveryKinds.Email && now + AttemptBound < delivery.CreatedAt + options.SweepAfter;

    private readonly Dictionary<string, IDeliveryChannel> _channels = channels.ToDictionary(c => c.Kind, StringComparer.Ordinal);

    public string Name => "Deliveries";

    public async Task RunAsync(QueueTrigger trigger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        var delivery = await outbox.GetAsync(trigger.MessageText.Trim(), cancellationToken);
        if (delivery is null || DeliveryStatuses.IsFinal(delivery.Status))
        {
            return; // removed by retention, or finished by an earlier copy
        }

        var now = time.GetUtcNow();
        if (delivery.Status == DeliveryStatuses.Sending && delivery.LeaseUntil > now)
        {
            return; // another copy of the message is sending it now
        }

        if (delivery.NextAttemptAt is { } due && due > now)
        {
            if (due - now > InProcessWait)
            {
                await outbox.WakeAsync(delivery.Id, due - now, cancellationToken);
                return;
            }

            await Task.Delay(due - now, time, cancellationToken);
        }

        var claimed = IsSoleCopy(delivery, trigger, time.GetUtcNow())
            ? delivery
            : await outbox.TryUpdateAsync(delivery with { Status = DeliveryStatuses.Sending, LeaseUntil = time.GetUtcNow() + AttemptBound }, cancellationToken);
        if (claimed is null)
        {
            return; // changed meanwhile: whoever changed it carries on
        }

        // The attempt continues the trace of the action that handed the delivery over, with its ids on every line.
        using var activity = AutomationTelemetry.StartConsumer(TableOutbox.QueueName, claimed.TraceParent)?
            .SetTag(AutomationTelemetry.DeliveryIdTag, claimed.Id)
            .SetTag("automation.delivery_kind", claimed.Kind)
            .SetTag("automation.attempt", claimed.Attempts + 1)
            .SetTag(AutomationTelemetry.RuleIdTag, claimed.RuleId)
            .SetTag(AutomationTelemetry.RunIdTag, claimed.RunId);
        using var scope = LogScopes.Begin(logger, (LogScopes.DeliveryId, claimed.Id), (LogScopes.RuleId, claimed.RuleId),
            (LogScopes.RunId, claimed.RunId), (LogScopes.ChainId, claimed.ChainId));
        var outcome = await AttemptAsync(claimed, cancellationToken);
        var finished = time.GetUtcNow();
        var attempts = claimed.Attempts + 1;
        var settled = claimed with { Attempts = attempts, LastAttemptAt = finished, LastStatus = outcome.Status, LastError = outcome.Error, LeaseUntil = null };
        DateTimeOffset? next = null;
        switch (outcome.Result)
        {
            case AttemptResult.Delivered:
                settled = settled with { Status = DeliveryStatuses.Delivered, NextAttemptAt = null, FinishedAt = finished };
                break;
            case AttemptResult.Held:
                settled = settled with { Status = DeliveryStatuses.Held, NextAttemptAt = null, FinishedAt = finished };
                break;
            case AttemptResult.Permanent:
                settled = settled with { Status = DeliveryStatuses.Failed, NextAttemptAt = null, FinishedAt = finished };
                break;
            default:
                next = options.Retries.NextAttempt(attempts, finished, outcome.RetryAfter, Random.Shared.NextDouble());
                settled = next is null
                    ? settled with
                    {
                        Status = DeliveryStatuses.Failed,
                        NextAttemptAt = null,
                        FinishedAt = finished,
                        LastError = $"Gave up after {attempts} attempts. Last: {outcome.Error}",
                    }
                    : settled with { Status = DeliveryStatuses.Retrying, NextAttemptAt = next };
                break;
        }

        AutomationTelemetry.Deliveries.Add(1, new KeyValuePair<string, object?>("automation.delivery_kind", claimed.Kind),
            new KeyValuePair<string, object?>(AutomationTelemetry.StatusTag, settled.Status));
        activity?.SetTag(AutomationTelemetry.StatusTag, settled.Status).SetTag("automation.last_status", outcome.Status);
        if (settled.Status is DeliveryStatuses.Failed or DeliveryStatuses.Retrying)
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, outcome.Error);
        }

        if (!await outbox.SettleAsync(settled, cancellationToken))
        {
            logger.LogWarning("Delivery {Id} changed while it was being sent; its attempt {Attempt} ended {Result}", claimed.Id, attempts, outcome.Result);
            return;
        }

        if (next is { } wake)
        {
            await outbox.WakeAsync(claimed.Id, wake - finished, cancellationToken);
        }

        if (settled.Status == DeliveryStatuses.Failed)
        {
            logger.LogWarning("Delivery {Id} ({Kind} to {Target}) failed: {Error}", claimed.Id, claimed.Kind, claimed.Target, settled.LastError);
        }
    }

    private async Task<AttemptOutcome> AttemptAsync(Delivery delivery, CancellationToken cancellationToken)
    {
        if (!_channels.TryGetValue(delivery.Kind, out var channel))
        {
            return new AttemptOutcome(AttemptResult.Permanent, null, $"No channel sends '{delivery.Kind}' deliveries.");
        }

        try
        {
            return await channel.SendAsync(delivery, cancellationToken);
        }
        catch (OutboundRefusedException e)
        {
            return new AttemptOutcome(AttemptResult.Permanent, null, "Refused: " + e.Message);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or IOException)
        {
            return new AttemptOutcome(AttemptResult.Retry, null, e.Message);
        }
    }
}

/// <summary>
/// Timer: sends the queue message of every unfinished delivery whose attempt is overdue by
/// <see cref="DeliveryOptions.SweepAfter"/> (its message was lost: a crash between storing and queueing, or while sending),
/// and removes finished deliveries older than <see cref="DeliveryOptions.Retention"/>.
/// </summary>
public sealed class DeliveryMaintenance(TableOutbox outbox, DeliveryOptions options, TimeProvider time, ILogger<DeliveryMaintenance> logger) : ITimerFunction
{
    public const int MaxWakesPerRun = 5000;

    public string Name => "DeliveryMaintenance";

    public async Task RunAsync(TimerTrigger trigger, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var overdue = await outbox.OverdueAsync(now - options.SweepAfter, MaxWakesPerRun, cancellationToken);
        foreach (var id in overdue)
        {
            await outbox.WakeAsync(id, TimeSpan.Zero, cancellationToken);
        }

        var purged = await outbox.PurgeAsync(now - options.Retention, cancellationToken);
        if (overdue.Count > 0 || purged > 0)
        {
            logger.LogInformation("Deliveries: woke {Overdue} overdue, removed {Purged} finished before {Cutoff:u}", overdue.Count, purged, now - options.Retention);
        }
    }
}
