using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Automation.Core.Diagnostics;
using Automation.Core.Domains;
using Automation.Core.Events;
using Automation.Core.Models;
using Automation.Core.Records;
using Automation.Scripting;

namespace Automation.Core.Rules;

/// <summary>Limits of the engine (settings).</summary>
public sealed record RuleEngineOptions
{
    /// <summary>A causal chain deeper than this stops (ARCHITECTURE §3 "Recursion"); Odoo has no limit but its record guard.</summary>
    public int MaxChainDepth { get; init; } = 16;

    /// <summary>How long a processor holds a run it claimed before another may take it over (it crashed, say).</summary>
    public TimeSpan RunLease { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Told when a record that depends on the changed one could not be recomputed (its compute code fails on the new
    /// values): the change stands, the dependent keeps its previous value, and this says why (the host logs it).
    /// </summary>
    public Action<ChangeEvent, Dependent, Exception>? RecomputeFailed { get; init; }

    /// <summary>
    /// Settles a change the engine handled inline (its pending event is not needed any more); without it, changes are
    /// published to the queue as usual and their queued copies find them handled.
    /// </summary>
    public Func<ChangeEvent, CancellationToken, Task>? SettleInline { get; init; }

    /// <summary>Told of every run that fails, when it fails, inline ones included (the host logs it with its ids).</summary>
    public Action<ChangeEvent, RuleRun>? RunFailed { get; init; }

    /// <summary>
    /// Opened around each rule run with the rule id, the run id and the chain id, and disposed when the run ends: the host
    /// opens a logging scope, so every line written while the run is under way carries them.
    /// </summary>
    public Func<long, string, string, IDisposable?>? RunScope { get; init; }
}

/// <summary>
/// Evaluates the active rules of a changed record's model on its change event (spec §2 adapted to asynchronous
/// execution, ARCHITECTURE D9) and runs their actions:
/// rules in id order; a rule never runs twice on a record within one causal chain (Odoo's <c>__action_done</c>);
/// trigger fields must really have changed (writes only); the before-update domain is checked on the before-image
/// (never on create); the apply-on domain on the record as it is when the rule's turn comes (after earlier rules'
/// actions, as Odoo evaluates it "now"). Each (rule, event) has a run record, so a redelivered event resumes after the
/// actions it already completed. Configuration and data errors fail the run and are not retried; anything else
/// (storage) propagates so the queue retries the event.
/// </summary>
public sealed class RuleEngine(
    IRuleStore rules,
    IModelRegistry models,
    RecordService records,
    ActionRunner actions,
    IRunLog runs,
    TimeProvider time,
    RuleEngineOptions options,
    ComputedFields? computed = null,
    IEnumerable<IChangeObserver>? observers = null)
{
    /// <summary>Told of every event first (the time rules' date index, say), before anything here can return early.</summary>
    private readonly IChangeObserver[] _observers = observers?.ToArray() ?? [];

    private readonly RuleMatcher _matcher = new(models, time);

    /// <summary>
    /// The active rules per model as the outermost event's handling first read them: the events its actions cause are
    /// handled inline with the same rules (one version read per queued event, not one per nested change).
    /// </summary>
    private static readonly AsyncLocal<Dictionary<string, IReadOnlyList<AutomationRule>>?> RulesInHand = new();

    /// <summary>The run-log partition that marks events handled to the end (no rule has id 0).</summary>
    private const long HandledMarker = 0;

    /// <param name="firstDelivery">
    /// The queue delivers this event for the first time and it was not caused by an action (chain depth 0), so it cannot
    /// have been handled before and the handled-marker read is skipped: one storage round trip less on every API write.
    /// The sweeper marks the copies it sends (a pending entity whose removal a crash prevented), so they are never first
    /// deliveries.
    /// </param>
    public async Task<IReadOnlyList<RuleRun>> HandleAsync(ChangeEvent change, CancellationToken cancellationToken, bool firstDelivery = false)
    {
        ArgumentNullException.ThrowIfNull(change);
        foreach (var observer in _observers)
        {
            await observer.ObserveAsync(change, cancellationToken);
        }

        RulesInHand.Value ??= new Dictionary<string, IReadOnlyList<AutomationRule>>(StringComparer.Ordinal); // restored when this call returns
        var model = await models.FindAsync(change.Model, cancellationToken);
        if (model is null)
        {
            return [];
        }

        await RecomputeDependentsAsync(model, change, cancellationToken);
        var triggers = change.Kind switch
        {
            ChangeKind.Create => Triggers.Create,
            ChangeKind.Write => Triggers.Write,
            _ => new HashSet<string>(StringComparer.Ordinal) { Triggers.OnUnlink },
        };
        // What can be decided from the event alone is decided before any storage access: the trigger, the rule's
        // record guard in this chain, and whether a watched field changed. Most events an action causes stop here.
        var candidates = (await RulesForAsync(change.Model, change, cancellationToken))
            .Where(r => triggers.Contains(r.Trigger) && !DoneInChain(change, r, change.Model, change.RecordId) &&
                        (change.Kind != ChangeKind.Write || r.TriggerFieldIds.Count == 0 || r.TriggerFieldIds.Any(change.Changed.Contains)))
            .ToList();
        var post = await MessagePostAsync(change, cancellationToken);
        if (candidates.Count == 0 && post is null)
        {
            return [];
        }

        // Handled already (inline, right after the action that caused it, or by an earlier delivery): nothing to do.
        var marker = RuleRun.KeyFor(change.Id, change.At);
        if (!(firstDelivery && change.Chain.Depth == 0) && await runs.FindAsync(HandledMarker, marker, cancellationToken) is not null)
        {
            return [];
        }

        var source = new RecordStoreDomainSource(records.Store);
        var current = RuleMatcher.Image(model, change.Kind == ChangeKind.Unlink ? change.Before : change.After);
        var before = change.Kind == ChangeKind.Write ? RuleMatcher.Image(model, change.Before) : null;
        var completed = new List<RuleRun>();
        for (var index = 0; index < candidates.Count; index++)
        {
            var rule = candidates[index];
            if (DoneInChain(change, rule, change.Model, change.RecordId))
            {
                continue; // this rule already ran on this record in this chain
            }

            if (!await _matcher.PassesBeforeAsync(rule, model, change, before, source, cancellationToken) ||
                current is null || !await _matcher.AppliesAsync(rule, model, current, change.Actor.Uid, source, cancellationToken))
            {
                continue;
            }

            var run = await RunRuleAsync(rule, model, change.RecordId, change, current, cancellationToken);
            completed.Add(run);
            if (run.ActionsDone > 0 && change.Kind != ChangeKind.Unlink && index < candidates.Count - 1 &&
                await records.Store.FindAsync(model, change.RecordId, cancellationToken) is { } now)
            {
                current = now; // later rules see what earlier rules' actions did
            }
        }

        if (post is not null)
        {
            completed.AddRange(await HandleMessagePostAsync(change, post, source, cancellationToken));
        }

        // When every candidate has a run record, those records already make a redelivery a no-op; the marker is for
        // the candidates that did not apply (a redelivery must not find them applying to a record changed since).
        if (completed.Count == candidates.Count + (post?.Rules.Count ?? 0))
        {
            return completed;
        }

        await runs.SaveAsync(new RuleRun
        {
            RuleId = HandledMarker,
            Key = marker,
            SourceId = change.Id,
            Model = change.Model,
            RecordIds = [change.RecordId],
            Status = RuleRun.Done,
            ChainId = change.Chain.Id,
            StartedAt = change.At,
            FinishedAt = time.GetUtcNow().UtcDateTime,
        }, cancellationToken);
        return completed;
    }

    /// <summary>
    /// Records of other models whose computed fields read the changed fields through a many2one path are recomputed
    /// here, when the event is handled, so the recomputation is as durable as the event. Their writes are changes in the
    /// same chain, so their rules run too (spec §10 scenario 9). Idempotent: a redelivery finds nothing left to change.
    /// </summary>
    private async Task RecomputeDependentsAsync(ModelDefinition model, ChangeEvent change, CancellationToken cancellationToken)
    {
        if (computed is null)
        {
            return;
        }

        var changed = change.Kind == ChangeKind.Write ? change.Changed : null;
        foreach (var dependent in await computed.DependentsAsync(model, change.RecordId, changed, cancellationToken))
        {
            try
            {
                await records.RecomputeAsync(dependent, new ChangeContext(change.Actor, change.Chain), cancellationToken);
            }
            catch (Exception e) when (IsPermanent(e))
            {
                options.RecomputeFailed?.Invoke(change, dependent, e);
            }
        }
    }

    /// <summary>
    /// Spec §2.7: a message posted on a record (a <c>mail.message</c> created with <c>model</c>/<c>res_id</c>) runs the
    /// record's <c>on_message_sent</c> or <c>on_message_received</c> rules, unless automations posted it, it is a note
    /// or it is a notification. Sent when the author is an internal user's partner; received when there is no author or
    /// the author is a partner without an internal user (a portal user or an outside sender).
    /// </summary>
    private async Task<MessagePost?> MessagePostAsync(ChangeEvent change, CancellationToken cancellationToken)
    {
        if (change is not { Model: "mail.message", Kind: ChangeKind.Create, After: { } message } || change.Chain.Depth > 0)
        {
            return null; // posted by an action: Odoo ignores posts made while automations run (__action_done)
        }

        if (Text(message, "message_type") is "notification" or "auto_comment" or "user_notification" || Text(message, "subtype") == "note" ||
            Text(message, "model") is not { Length: > 0 } target || message["res_id"] is not JsonValue resId || !resId.TryGetValue<long>(out var recordId))
        {
            return null;
        }

        var kind = Triggers.OnMessageReceived;
        if (message["author_id"] is JsonValue author && author.TryGetValue<long>(out var authorId) && await IsInternalPartnerAsync(authorId, cancellationToken))
        {
            kind = Triggers.OnMessageSent;
        }

        var rulesOfRecord = (await RulesForAsync(target, change, cancellationToken)).Where(r => r.Trigger == kind).ToList();
        return rulesOfRecord.Count == 0 || await models.FindAsync(target, cancellationToken) is not { } model
            ? null
            : new MessagePost(model, recordId, rulesOfRecord);
    }

    private async Task<IReadOnlyList<RuleRun>> HandleMessagePostAsync(ChangeEvent change, MessagePost post, IDomainRecordSource source,
        CancellationToken cancellationToken)
    {
        var completed = new List<RuleRun>();
        foreach (var rule in post.Rules)
        {
            if (DoneInChain(change, rule, post.Model.Name, post.RecordId) ||
                await records.Store.FindAsync(post.Model, post.RecordId, cancellationToken) is not { } record)
            {
                continue;
            }

            // Odoo evaluates only the before-update domain here; the record has not changed, so the apply-on domain is
            // checked on the same image too (README "Differences from Odoo").
            if (!await _matcher.MatchesAsync(rule.FilterPreDomain, post.Model, record, change.Actor.Uid, source, cancellationToken) ||
                !await _matcher.AppliesAsync(rule, post.Model, record, change.Actor.Uid, source, cancellationToken))
            {
                continue;
            }

            completed.Add(await RunRuleAsync(rule, post.Model, post.RecordId, change, record, cancellationToken));
        }

        return completed;
    }

    /// <summary>Odoo's <c>partner_share</c> negated: the partner belongs to a user (archived or not) who is not a share (portal) user.</summary>
    private async Task<bool> IsInternalPartnerAsync(long partnerId, CancellationToken cancellationToken)
    {
        var users = await models.FindAsync("res.users", cancellationToken);
        if (users is null)
        {
            return false;
        }

        var domain = Domain.Parse(string.Create(CultureInfo.InvariantCulture, $"[[\"partner_id\", \"=\", {partnerId}], [\"share\", \"=\", false]]"));
        var compiled = await DomainCompiler.CompileAsync(users, domain, models, cancellationToken, time);
        var page = await DomainSearch.SearchAsync(records.Store, compiled, 1, null, cancellationToken);
        return page.Records.Count > 0;
    }

    private static string? Text(JsonObject record, string field) =>
        record[field] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>How far instance clocks may disagree: the version read an event relies on began this long after its commit.</summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMilliseconds(25);

    private async Task<IReadOnlyList<AutomationRule>> RulesForAsync(string model, ChangeEvent change, CancellationToken cancellationToken)
    {
        var inHand = RulesInHand.Value;
        lock (inHand!)
        {
            if (inHand.TryGetValue(model, out var held))
            {
                return held;
            }
        }

        var committed = new DateTimeOffset(DateTime.SpecifyKind(change.Moment, DateTimeKind.Utc));
        var loaded = await rules.ActiveForModelAsync(model, committed + ClockSkew, cancellationToken);
        lock (inHand)
        {
            inHand[model] = loaded;
        }

        return loaded;
    }

    private static bool DoneInChain(ChangeEvent change, AutomationRule rule, string model, long recordId) =>
        change.Chain.Done.Any(d => d.RuleId == Key(rule) && d.Model == model && d.RecordId == recordId);

    private sealed record MessagePost(ModelDefinition Model, long RecordId, IReadOnlyList<AutomationRule> Rules);

    /// <summary>A run inside its <c>rule.run</c> span; finished runs are counted (a run an earlier delivery finished is not).</summary>
    private async Task<RuleRun> RunRuleAsync(AutomationRule rule, ModelDefinition model, long recordId, ChangeEvent change, RecordData? current,
        CancellationToken cancellationToken)
    {
        var key = RuleRun.KeyFor(change.Id, change.At);
        using var activity = AutomationTelemetry.StartRun(rule.Id, key, change.Chain.Id, "event");
        activity?.SetTag(AutomationTelemetry.EventIdTag, change.Id);
        using var scope = options.RunScope?.Invoke(rule.Id, RuleRun.IdOf(rule.Id, key), change.Chain.Id);
        try
        {
            var (run, ran) = await RunRuleCoreAsync(rule, model, recordId, change, current, cancellationToken);
            if (ran && run.Status is RuleRun.Done or RuleRun.Failed)
            {
                AutomationTelemetry.RunFinished(activity, "event", run.Status, run.Error);
            }

            return run;
        }
        catch (Exception e)
        {
            AutomationTelemetry.Failed(activity, e);
            throw;
        }
    }

    /// <param name="current">The record as the matcher just saw it; the first action reads it from there.</param>
    private async Task<(RuleRun Run, bool Ran)> RunRuleCoreAsync(AutomationRule rule, ModelDefinition model, long recordId, ChangeEvent change,
        RecordData? current, CancellationToken cancellationToken)
    {
        var key = RuleRun.KeyFor(change.Id, change.At);
        var run = await runs.ClaimAsync(new RuleRun
        {
            RuleId = rule.Id,
            Key = key,
            SourceId = change.Id,
            Model = model.Name,
            RecordIds = [recordId],
            ChainId = change.Chain.Id,
            StartedAt = time.GetUtcNow().UtcDateTime,
            Uid = change.Actor.Uid,
        }, options.RunLease, cancellationToken);
        if (run.Status != RuleRun.Running)
        {
            return (run, false); // finished by an earlier delivery or inline: nothing to repeat
        }

        if (change.Chain.Depth >= options.MaxChainDepth)
        {
            run = run with
            {
                Status = RuleRun.Failed,
                Error = $"Stopped: the chain of rule runs is {change.Chain.Depth} deep (limit {options.MaxChainDepth}); rules are probably " +
                        "triggering each other in a cycle.",
                FinishedAt = time.GetUtcNow().UtcDateTime,
            };
            await runs.SaveAsync(run, cancellationToken);
            options.RunFailed?.Invoke(change, run);
            return (run, true);
        }

        // Everything the actions change carries this chain, one level deeper, with this (rule, record) marked done.
        var chain = change.Chain with
        {
            Depth = change.Chain.Depth + 1,
            Done = [.. change.Chain.Done, new RuleRecord(Key(rule), model.Name, recordId)],
        };
        // Changes the actions commit are handled right after each action, depth first, before the next rule is considered:
        // Odoo's nested writes (spec §2.8, §2.9). They do not go through the queue: once handled, their pending events are
        // settled; a copy the sweeper sends after a crash finds them handled (the handled marker).
        var nested = new List<ChangeEvent>();
        var context = new ActionContext(new ChangeContext(change.Actor, chain)
        {
            OnCommitted = e =>
            {
                lock (nested)
                {
                    nested.Add(e);
                }
            },
            HandledInline = options.SettleInline is not null,
        })
        {
            Tombstones = change.Kind == ChangeKind.Unlink && change.Before is { } before
                ? new Dictionary<(string, long), JsonObject> { [(change.Model, change.RecordId)] = before }
                : null,
        };
        var outcomes = run.Outcomes.ToList();
        for (var i = run.ActionsDone; i < rule.Actions.Count; i++)
        {
            var action = rule.Actions[i];
            var clock = Stopwatch.StartNew();
            try
            {
                // Only a fresh run's first action may read the record as matched: after that, something may have written it.
                var known = i == 0 && current is not null && change.Kind != ChangeKind.Unlink
                    ? new Dictionary<(string, long), RecordData> { [(model.Name, recordId)] = current }
                    : null;
                await actions.RunAsync(action, model, recordId, context with { Known = known }, cancellationToken);
            }
            catch (Exception e) when (!IsPermanent(e))
            {
                // Transient (storage): give the claim back so the retried delivery resumes after the completed actions.
                await ReleaseAsync(run with { Outcomes = outcomes }, cancellationToken);
                throw;
            }
            catch (Exception e) when (IsPermanent(e))
            {
                outcomes.Add(new ActionOutcome(action.Name, action.State, RuleRun.Failed, e.Message, clock.Elapsed.TotalMilliseconds));
                run = run with { Status = RuleRun.Failed, Error = $"{action.Name}: {e.Message}", Outcomes = outcomes, FinishedAt = time.GetUtcNow().UtcDateTime };
                await runs.SaveAsync(run, cancellationToken);
                options.RunFailed?.Invoke(change, run);
                await HandleCausedAsync(nested, cancellationToken); // what the failed action did commit stands, and is handled
                return (run, true);
            }

            outcomes.Add(new ActionOutcome(action.Name, action.State, RuleRun.Done, null, clock.Elapsed.TotalMilliseconds));
            await HandleCausedAsync(nested, cancellationToken);

            var finished = i == rule.Actions.Count - 1;
            run = run with
            {
                ActionsDone = i + 1,
                Outcomes = outcomes,
                Status = finished ? RuleRun.Done : RuleRun.Running,
                FinishedAt = finished ? time.GetUtcNow().UtcDateTime : null,
            };
            await runs.SaveAsync(run, cancellationToken);
        }

        if (rule.Actions.Count == 0)
        {
            run = run with { Status = RuleRun.Done, FinishedAt = time.GetUtcNow().UtcDateTime };
            await runs.SaveAsync(run, cancellationToken);
        }

        return (run, true);
    }

    /// <summary>
    /// Handles the changes an action committed, in order, right after it (depth first), then settles each. If this
    /// throws, the changes not settled yet reach the queue through the sweeper.
    /// </summary>
    private async Task HandleCausedAsync(List<ChangeEvent> nested, CancellationToken cancellationToken)
    {
        ChangeEvent[] caused;
        lock (nested)
        {
            caused = [.. nested];
            nested.Clear();
        }

        foreach (var next in caused)
        {
            try
            {
                await HandleAsync(next, cancellationToken);
            }
            catch (RunBusyException)
            {
                continue; // a copy sent by the sweeper is being handled right now by another processor: that one finishes it
            }

            if (options.SettleInline is { } settle)
            {
                await settle(next, cancellationToken);
            }
        }
    }

    private async Task ReleaseAsync(RuleRun run, CancellationToken cancellationToken)
    {
        try
        {
            await runs.SaveAsync(run with { LeaseUntil = time.GetUtcNow().UtcDateTime }, cancellationToken);
        }
        catch (Exception e) when (!IsPermanent(e))
        {
            // Could not release: the lease runs out on its own and a later delivery takes over then.
        }
    }

    /// <summary>
    /// Replays a run the management API reopened (issue #10): <paramref name="rule"/>'s current actions run again on
    /// <paramref name="recordId"/> from the first one the run had not completed, as the user and in the chain of
    /// <paramref name="change"/> (whose id and time give the run's key). The trigger and the domains are not checked again:
    /// the event they were checked on is past, and the operator asked for the run.
    /// </summary>
    public async Task<RuleRun> ReplayAsync(AutomationRule rule, long recordId, ChangeEvent change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(change);
        RulesInHand.Value ??= new Dictionary<string, IReadOnlyList<AutomationRule>>(StringComparer.Ordinal);
        var model = await models.FindAsync(rule.Model, cancellationToken) ?? throw new UnknownModelException(rule.Model);
        return await RunRuleAsync(rule, model, recordId, change, null, cancellationToken);
    }

    /// <summary>Errors that retrying cannot fix: bad configuration, bad data, a user error raised by code.</summary>
    public static bool IsPermanent(Exception exception) => exception is ActionFailedException or ScriptRuntimeException or ScriptSyntaxException
        or RecordValidationException or RecordNotFoundException or UnknownModelException or DomainException;

    private static string Key(AutomationRule rule) => rule.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
