using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace Automation.Core.Diagnostics;

/// <summary>
/// The app's traces and counters (issue #10 "Observability"). One <see cref="ActivitySource"/> and one <see cref="Meter"/>,
/// both named <see cref="Name"/>: spans for queue hand-overs (producer/consumer, with the W3C <c>traceparent</c> carried in
/// the message or the stored item), rule runs and actions; counters for webhook calls, runs, failed runs and delivery
/// attempts. Nothing is exported unless a listener (OpenTelemetry, a test) subscribes.
/// </summary>
public static class AutomationTelemetry
{
    public const string Name = "Automation";

    /// <summary>Tag and baggage names (OpenTelemetry style, our own namespace).</summary>
    public const string RuleIdTag = "automation.rule_id";
    public const string RunIdTag = "automation.run_id";
    public const string CallIdTag = "automation.call_id";
    public const string ChainIdTag = "automation.chain_id";
    public const string EventIdTag = "automation.event_id";
    public const string DeliveryIdTag = "automation.delivery_id";
    public const string ActionTag = "automation.action";
    public const string StatusTag = "automation.status";

    public static readonly ActivitySource Source = new(Name, "1.0");

    public static readonly Meter Meter = new(Name, "1.0");

    /// <summary>Webhook calls accepted by the endpoint (and queued), by rule.</summary>
    public static readonly Counter<long> Calls = Meter.CreateCounter<long>("automation.webhook.calls", "{call}", "Webhook calls accepted and queued");

    /// <summary>Rule runs that finished, by trigger kind (<c>event</c>, <c>webhook</c>) and status (<c>done</c>, <c>failed</c>).</summary>
    public static readonly Counter<long> Runs = Meter.CreateCounter<long>("automation.runs", "{run}", "Rule runs finished");

    /// <summary>Rule runs that failed (also counted in <see cref="Runs"/> with status failed).</summary>
    public static readonly Counter<long> Failures = Meter.CreateCounter<long>("automation.runs.failed", "{run}", "Rule runs that failed");

    /// <summary>Delivery attempts, by kind (email, sms, whatsapp, webhook) and result (delivered, held, retrying, failed).</summary>
    public static readonly Counter<long> Deliveries = Meter.CreateCounter<long>("automation.deliveries", "{attempt}", "Delivery attempts");

    /// <summary>The current W3C trace context (<c>00-trace-span-flags</c>), or null outside a W3C activity.</summary>
    public static string? CurrentTraceParent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    /// <summary>A span that hands work to a queue (producer); its id is what the message carries.</summary>
    public static Activity? StartProducer(string queue) =>
        Source.StartActivity(queue + " publish", ActivityKind.Producer)?
            .SetTag("messaging.system", "azure_queue")
            .SetTag("messaging.operation.type", "publish")
            .SetTag("messaging.destination.name", queue);

    /// <summary>
    /// A span that processes one item of a queue message (consumer), child of the <paramref name="traceParent"/> the item
    /// carried (a new trace when it carried none or an invalid one).
    /// </summary>
    public static Activity? StartConsumer(string queue, string? traceParent)
    {
        var parent = traceParent is not null && ActivityContext.TryParse(traceParent, null, isRemote: true, out var context) ? context : default;
        return Source.StartActivity(queue + " process", ActivityKind.Consumer, parent)?
            .SetTag("messaging.system", "azure_queue")
            .SetTag("messaging.operation.type", "process")
            .SetTag("messaging.destination.name", queue);
    }

    /// <summary>The span of one rule run; its ids are baggage too, so they reach the actions' spans and log lines.</summary>
    public static Activity? StartRun(long ruleId, string runKey, string? chainId, string trigger)
    {
        var runId = Rules.RuleRun.IdOf(ruleId, runKey);
        var activity = Source.StartActivity("rule.run", ActivityKind.Internal);
        if (activity is null)
        {
            return null;
        }

        var rule = ruleId.ToString(CultureInfo.InvariantCulture);
        activity.SetTag(RuleIdTag, rule).SetTag(RunIdTag, runId).SetTag("automation.trigger", trigger);
        activity.SetBaggage(RuleIdTag, rule).SetBaggage(RunIdTag, runId);
        if (chainId is not null)
        {
            activity.SetTag(ChainIdTag, chainId).SetBaggage(ChainIdTag, chainId);
        }

        return activity;
    }

    /// <summary>The span of one action of a run.</summary>
    public static Activity? StartAction(string name, string state, string model, long recordId) =>
        Source.StartActivity("action " + state, ActivityKind.Internal)?
            .SetTag(ActionTag, name)
            .SetTag("automation.action_type", state)
            .SetTag("automation.model", model)
            .SetTag("automation.record_id", recordId);

    /// <summary>Ends a run's span with its status and counts it.</summary>
    public static void RunFinished(Activity? activity, string trigger, string status, string? error)
    {
        activity?.SetTag(StatusTag, status);
        if (status == "failed")
        {
            activity?.SetStatus(ActivityStatusCode.Error, error);
            Failures.Add(1, new KeyValuePair<string, object?>("automation.trigger", trigger));
        }

        Runs.Add(1, new KeyValuePair<string, object?>("automation.trigger", trigger), new KeyValuePair<string, object?>(StatusTag, status));
    }

    /// <summary>Marks a span failed by an exception (OpenTelemetry's exception event).</summary>
    public static void Failed(Activity? activity, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, exception.Message);
        activity.AddEvent(new ActivityEvent("exception", tags: new ActivityTagsCollection
        {
            ["exception.type"] = exception.GetType().FullName,
            ["exception.message"] = exception.Message,
        }));
    }
}
