using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Automation.Core.Diagnostics;
using Automation.Core.Events;
using Automation.Core.Models;
using Automation.Core.Records;
using Automation.Core.Rules;
using Automation.Scripting;
using Automation.Scripting.Odoo;

namespace Automation.Core.Webhooks;

/// <summary>
/// Runs a webhook call (spec §4.5): evaluates the rule's record getter with <c>payload</c>, <c>model</c>, <c>env</c>,
/// <c>uid</c>, <c>user</c> and the modules; refuses records of another model than the rule's (Odoo would act on them);
/// then runs each action on each target record in Odoo's order (A1(r1), A1(r2), A2(r1)…), with no domain or trigger-field
/// filter (spec §4.5 step 4). Changes the actions make are handled right after each action, as the rule engine does.
/// <para>
/// A call is a run of its rule keyed by the call id (<see cref="IRunLog"/>), claimed before anything runs; the targets
/// are saved before the first action and the progress after each one, so a redelivered call neither re-evaluates the
/// getter nor repeats completed actions. "Log Calls" lines (spec §4.6) have fixed keys per call, so they are written once.
/// </para>
/// </summary>
public sealed class WebhookProcessor(
    IRuleStore rules,
    IModelRegistry models,
    RecordService records,
    ActionRunner actions,
    RuleEngine engine,
    IRunLog runs,
    IWebhookLog log,
    ScriptEngine scripts,
    TimeProvider time)
{
    private readonly IRuleStore _rules = rules;
    private readonly IModelRegistry _models = models;
    private readonly RecordService _records = records;
    private readonly ActionRunner _actions = actions;
    private readonly RuleEngine _engine = engine;
    private readonly IRunLog _runs = runs;
    private readonly IWebhookLog _log = log;
    private readonly ScriptEngine _scripts = scripts;
    private readonly TimeProvider _time = time;

    /// <summary>Odoo's default "Target Record" (spec §1.1).</summary>
    public const string DefaultRecordGetter = "model.env[payload.get('_model')].browse(int(payload.get('_id')))";

    public const string NoRecordError = "No record to run the automation on was found.";

    /// <summary>
    /// How long a call's run stays claimed without a sign of life (every progress save renews it). Short, so that a call
    /// whose processor died is taken over by the redelivery of its message instead of waiting for the rule engine's lease.
    /// </summary>
    public static readonly TimeSpan RunLease = TimeSpan.FromSeconds(30);

    /// <summary>How much of a payload a "triggered with payload" log line shows.</summary>
    public const int MaxLoggedPayloadChars = 4096;

    /// <summary>Handles a call from the queue. Throws only for what a retry can fix (storage), or <see cref="RunBusyException"/>.</summary>
    public async Task<WebhookTrace> ProcessAsync(WebhookCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var rule = await _rules.GetAsync(call.RuleId, cancellationToken);
        var run = await ClaimAsync(new RuleRun
        {
            RuleId = call.RuleId,
            Key = RuleRun.KeyFor(call.Id, call.ReceivedAt),
            SourceId = call.Id,
            Model = rule?.Model ?? "",
            StartedAt = _time.GetUtcNow().UtcDateTime,
        }, cancellationToken);
        if (run.Status != RuleRun.Running)
        {
            return TraceOf(run); // finished by an earlier delivery
        }

        using var activity = AutomationTelemetry.StartRun(call.RuleId, run.Key, call.Id, "webhook");
        activity?.SetTag(AutomationTelemetry.CallIdTag, call.Id);
        try
        {
            var trace = await RunCallAsync(call, rule, run, cancellationToken);
            AutomationTelemetry.RunFinished(activity, "webhook", trace.Status, trace.Error);
            return trace;
        }
        catch (Exception e)
        {
            AutomationTelemetry.Failed(activity, e);
            throw;
        }
    }

    private async Task<WebhookTrace> RunCallAsync(WebhookCall call, AutomationRule? rule, RuleRun run, CancellationToken cancellationToken)
    {
        var refusal = rule switch
        {
            null => $"Rule {call.RuleId} no longer exists.",
            { Active: false } => $"Rule {call.RuleId} was archived before the call was processed; archived rules never run.",
            { Trigger: not Triggers.OnWebhook } => $"Rule {call.RuleId} is no longer an 'On webhook' rule.",
            _ when call.Payload is null => "The call's payload is missing (its claim-check entity was removed before the call completed).",
            _ => null,
        };
        var model = rule is null ? null : await _models.FindAsync(rule.Model, cancellationToken);
        if (refusal is null && model is null)
        {
            refusal = $"The rule's model '{rule!.Model}' no longer exists.";
        }

        if (refusal is not null)
        {
            return TraceOf(await FinishAsync(run, RuleRun.Failed, refusal, cancellationToken));
        }

        using var payload = JsonDocument.Parse(call.Payload!);
        var session = new Session(this, rule!, model!, call.Id, call.ReceivedAt, payload.RootElement, _records, _actions, _engine, Persist: true);
        return await session.RunAsync(run, null, cancellationToken);
    }

    /// <summary>
    /// <c>POST /api/admin/rules/{id}/test</c>: runs <paramref name="rule"/> now on <paramref name="payloadJson"/> (through its
    /// getter) or on <paramref name="recordId"/>. A real run is recorded like a call; a dry run uses
    /// <paramref name="scratch"/>, a record store whose changes are kept in memory, and records nothing.
    /// </summary>
    public async Task<WebhookTrace> TestAsync(AutomationRule rule, string? payloadJson, long? recordId, string callId, DateTime receivedAt,
        IRecordStore? scratch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var model = await _models.FindAsync(rule.Model, cancellationToken) ?? throw new UnknownModelException(rule.Model);
        using var payload = JsonDocument.Parse(payloadJson ?? "{}");
        if (scratch is not null)
        {
            var scratchRecords = new RecordService(_models, scratch);
            var session = new Session(this, rule, model, callId, receivedAt, payload.RootElement, scratchRecords,
                _actions.ForDryRun(scratchRecords), null, Persist: false);
            var dry = new RuleRun { RuleId = rule.Id, Key = callId, SourceId = callId, Model = rule.Model, StartedAt = receivedAt };
            return await session.RunAsync(dry, recordId, cancellationToken) with { DryRun = true };
        }

        var run = await _runs.ClaimAsync(new RuleRun
        {
            RuleId = rule.Id,
            Key = RuleRun.KeyFor(callId, receivedAt),
            SourceId = callId,
            Model = rule.Model,
            StartedAt = receivedAt,
        }, RunLease, cancellationToken);
        return await new Session(this, rule, model, callId, receivedAt, payload.RootElement, _records, _actions, _engine, Persist: true)
            .RunAsync(run, recordId, cancellationToken);
    }

    /// <summary>
    /// Claims the call's run. When another processor holds it (one that died and whose claim has not lapsed yet, after
    /// the queue handed the message on), waits for the claim to lapse rather than failing the delivery: a retry would
    /// find it held too and the message would end as a dead letter.
    /// </summary>
    private async Task<RuleRun> ClaimAsync(RuleRun run, CancellationToken cancellationToken)
    {
        var giveUp = _time.GetUtcNow() + RunLease + RunLease;
        while (true)
        {
            try
            {
                return await _runs.ClaimAsync(run, RunLease, cancellationToken);
            }
            catch (RunBusyException) when (_time.GetUtcNow() < giveUp)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), _time, cancellationToken);
            }
        }
    }

    /// <summary>What <c>GET /api/admin/calls/{id}</c> shows of a call's run.</summary>
    public static WebhookTrace TraceOf(RuleRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return new WebhookTrace
        {
            CallId = run.SourceId,
            RuleId = run.RuleId,
            Status = run.Status,
            Error = run.Error,
            Model = run.Model,
            RecordIds = run.RecordIds,
        };
    }

    private async Task<RuleRun> FinishAsync(RuleRun run, string status, string? error, CancellationToken cancellationToken)
    {
        run = run with { Status = status, Error = error, FinishedAt = _time.GetUtcNow().UtcDateTime };
        await _runs.SaveAsync(run, cancellationToken);
        return run;
    }

    /// <summary>The message a user needs: the text of a ValueError/UserError their code raised, else the exception.</summary>
    internal static string UserMessage(Exception e) => Unwrap(e) switch
    {
        ScriptRuntimeException { TypeName: "ValueError" or "UserError" or "ValidationError" or "Exception", PythonMessage.Length: > 0 } s => s.PythonMessage,
        var other => other.Message,
    };

    private static Exception Unwrap(Exception e) => e is ActionFailedException { InnerException: ScriptRuntimeException inner } ? inner : e;

    private static string Traceback(Exception e) => Unwrap(e) switch
    {
        ScriptRuntimeException { PythonTraceback.Length: > 0 } s => s.PythonTraceback,
        var other => other.Message,
    };

    /// <summary>One execution of one call.</summary>
    private sealed record Session(
        WebhookProcessor Owner,
        AutomationRule Rule,
        ModelDefinition Model,
        string CallId,
        DateTime ReceivedAt,
        JsonElement Payload,
        RecordService Records,
        ActionRunner Actions,
        RuleEngine? Engine,
        bool Persist)
    {
        private readonly List<ActionStep> _steps = [];
        private readonly List<RecordChange> _changes = [];
        private readonly List<string> _logs = [];
        private string? _traceback;

        private string RuleRef => Rule.Id.ToString(CultureInfo.InvariantCulture);

        public async Task<WebhookTrace> RunAsync(RuleRun run, long? recordId, CancellationToken cancellationToken)
        {
            var time = Owner._time;
            if (Rule.LogWebhookCalls && run.ActionsDone == 0 && run.RecordIds.Count == 0)
            {
                await LogAsync(0, "INFO", $"Webhook #{RuleRef} triggered with payload {Owner.PayloadRepr(Payload)}", cancellationToken);
            }

            var chain = new CausalChain(CallId, 0, []);
            if (run.RecordIds.Count == 0)
            {
                var (targets, error, logLine) = recordId is { } id ? await GivenAsync(id, cancellationToken) : await TargetsAsync(chain, cancellationToken);
                if (error is not null)
                {
                    if (logLine is not null)
                    {
                        await LogAsync(1, "ERROR", logLine, cancellationToken);
                    }

                    return await EndAsync(run, RuleRun.Failed, error, cancellationToken);
                }

                run = run with { RecordIds = targets };
            }

            var targetsCount = run.RecordIds.Count;
            var total = targetsCount * Rule.Actions.Count;
            var outcomes = run.Outcomes.ToList();
            for (var step = run.ActionsDone; step < total; step++)
            {
                var action = Rule.Actions[step / targetsCount];
                var target = run.RecordIds[step % targetsCount];
                if (outcomes.Count > step)
                {
                    // The process stopped while this action ran: it may or may not have committed. Writing a fixed value
                    // again is harmless; code or a computed value is not run twice (at most once, and the call says so).
                    if (!IsRepeatable(action))
                    {
                        var interrupted = $"Interrupted while running '{action.Name}' on {Model.Name} {target} (the process stopped). " +
                                          "It may have completed, so it is not run again; check the record and re-run the call if needed.";
                        outcomes[step] = outcomes[step] with { Status = RuleRun.Failed, Error = interrupted };
                        await LogAsync(1, "ERROR", $"Webhook #{RuleRef} failed with error:\n{interrupted}", cancellationToken);
                        return await EndAsync(run with { Outcomes = outcomes }, RuleRun.Failed, interrupted, cancellationToken);
                    }

                    outcomes.RemoveRange(step, outcomes.Count - step);
                }

                // Saved before the action: the targets (first time) and that this action is under way.
                outcomes.Add(new ActionOutcome(action.Name, action.State, RuleRun.Running, null, 0));
                run = run with { ActionsDone = step, Outcomes = outcomes.ToList() };
                await SaveAsync(run, cancellationToken);
                var nested = new List<ChangeEvent>();
                var context = new ActionContext(new ChangeContext(new Actor(1), chain with
                {
                    Depth = 1,
                    Done = [new RuleRecord(RuleRef, Model.Name, target)],
                })
                {
                    OnCommitted = e =>
                    {
                        lock (nested)
                        {
                            nested.Add(e);
                        }
                    },
                })
                {
                    Payload = Payload,
                    Log = entry => Logged(entry),
                };
                var clock = Stopwatch.StartNew();
                try
                {
                    await Actions.RunAsync(action, Model, target, context, cancellationToken);
                }
                catch (Exception e) when (RuleEngine.IsPermanent(e))
                {
                    var message = UserMessage(e);
                    _traceback = Traceback(e);
                    _steps.Add(new ActionStep(target, action.Name, action.State, RuleRun.Failed, message, clock.Elapsed.TotalMilliseconds));
                    outcomes[step] = new ActionOutcome(action.Name, action.State, RuleRun.Failed, message, clock.Elapsed.TotalMilliseconds);
                    await LogAsync(1, "ERROR", $"Webhook #{RuleRef} failed with error:\n{_traceback}", cancellationToken);
                    return await EndAsync(run with { Outcomes = outcomes }, RuleRun.Failed, message, cancellationToken);
                }
                catch (Exception) when (Persist)
                {
                    // Transient (storage): the action failed rather than vanished, so the retried delivery runs it again
                    // after the completed ones. The claim is given back for that.
                    outcomes.RemoveAt(step);
                    await ReleaseAsync(run with { Outcomes = outcomes }, time);
                    throw;
                }

                _steps.Add(new ActionStep(target, action.Name, action.State, RuleRun.Done, null, clock.Elapsed.TotalMilliseconds));
                outcomes[step] = new ActionOutcome(action.Name, action.State, RuleRun.Done, null, clock.Elapsed.TotalMilliseconds);
                await HandleNestedAsync(nested, cancellationToken);
                run = run with { ActionsDone = step + 1, Outcomes = outcomes.ToList() };
            }

            return await EndAsync(run, RuleRun.Done, null, cancellationToken);
        }

        private async Task HandleNestedAsync(List<ChangeEvent> nested, CancellationToken cancellationToken)
        {
            foreach (var change in nested)
            {
                _changes.Add(new RecordChange(change.Model, change.RecordId, change.Kind.ToString().ToLowerInvariant(), Changed(change)));
                if (Engine is null)
                {
                    continue;
                }

                try
                {
                    await Engine.HandleAsync(change, cancellationToken);
                }
                catch (RunBusyException)
                {
                    // Its queued copy is being handled right now by another processor: that one finishes it.
                }
            }
        }

        private static JsonObject? Changed(ChangeEvent change)
        {
            if (change.After is null)
            {
                return null;
            }

            var values = new JsonObject();
            foreach (var field in change.Kind == ChangeKind.Create ? change.After.Select(p => p.Key).ToList() : change.Changed)
            {
                values[field] = change.After[field]?.DeepClone();
            }

            return values;
        }

        private async Task<(IReadOnlyList<long> Targets, string? Error, string? LogLine)> GivenAsync(long id, CancellationToken cancellationToken) =>
            await Records.Store.FindAsync(Model, id, cancellationToken) is null
                ? ([], $"{Model.Name} record {id} does not exist.", null)
                : ([id], null, null);

        /// <summary>spec §4.5 steps 2–3, with the record getter evaluated in the sandbox.</summary>
        private async Task<(IReadOnlyList<long> Targets, string? Error, string? LogLine)> TargetsAsync(CausalChain chain, CancellationToken cancellationToken)
        {
            var getter = Rule.RecordGetter;
            if (string.IsNullOrWhiteSpace(getter))
            {
                return ([], NoRecordError, $"Webhook #{RuleRef} could not be triggered because no record to run it on was found.");
            }

            object? value;
            try
            {
                var context = new ScriptContext
                {
                    Environment = new RecordScriptEnvironment(Records, Owner._models, new ChangeContext(new Actor(1), chain)),
                    Model = Model.Name,
                    RecordIds = [],
                    Payload = Payload,
                    LogSink = Logged,
                };
                var script = Owner._scripts.Compile(getter, ScriptMode.Eval);
                value = await ScriptThreads.RunAsync(() => Owner._scripts.Execute(script, context).Value);
            }
            catch (Exception e) when (RuleEngine.IsPermanent(e))
            {
                _traceback = Traceback(e);
                return ([], "The record getter failed: " + e.Message,
                    $"Webhook #{RuleRef} could not be triggered because the record_getter failed:\n{_traceback}");
            }

            switch (value)
            {
                case ScriptRecordSet set when set.Model != Model.Name:
                    var wrong = $"The record getter returned {set.Model} records, but this rule runs on {Model.Name}; no action ran.";
                    return ([], wrong, $"Webhook #{RuleRef} could not be triggered because {char.ToLowerInvariant(wrong[0])}{wrong[1..]}");
                case ScriptRecordSet set:
                    var existing = await Records.Store.FindManyAsync(Model, set.Ids.Distinct().ToList(), cancellationToken);
                    if (existing.Count > 0)
                    {
                        return (existing.Select(r => r.Id).ToList(), null, null);
                    }

                    break;
                case null:
                    break;
                default:
                    var odd = $"The record getter must return {Model.Name} records, not {Describe(value)}.";
                    return ([], odd, $"Webhook #{RuleRef} could not be triggered because {char.ToLowerInvariant(odd[0])}{odd[1..]}");
            }

            return ([], NoRecordError, $"Webhook #{RuleRef} could not be triggered because no record to run it on was found.");
        }

        private static string Describe(object value) => value switch
        {
            string s => $"the string '{(s.Length > 40 ? s[..40] + "…" : s)}'",
            bool b => b ? "True" : "False",
            long or int or double or decimal or System.Numerics.BigInteger => "the number " + Convert.ToString(value, CultureInfo.InvariantCulture),
            System.Collections.IDictionary => "a dict",
            System.Collections.IEnumerable => "a list",
            _ => "a " + value.GetType().Name,
        };

        private void Logged(ScriptLogEntry entry)
        {
            lock (_logs)
            {
                _logs.Add($"{entry.Level.ToUpperInvariant()}: {entry.Message}");
            }
        }

        private async Task LogAsync(int sequence, string level, string message, CancellationToken cancellationToken)
        {
            if (Persist && Rule.LogWebhookCalls)
            {
                await Owner._log.WriteAsync(Rule.Id, CallId, ReceivedAt, sequence,
                    new WebhookLogEntry(Owner._time.GetUtcNow().UtcDateTime, level, message, CallId), cancellationToken);
            }
        }

        /// <summary>Every save also renews the claim: a live processor keeps its run however long it takes.</summary>
        private async Task SaveAsync(RuleRun run, CancellationToken cancellationToken)
        {
            if (Persist)
            {
                await Owner._runs.SaveAsync(run with { LeaseUntil = Owner._time.GetUtcNow().UtcDateTime + RunLease }, cancellationToken);
            }
        }

        /// <summary>Running it twice leaves the same result: an Update Record action that writes a fixed value.</summary>
        private static bool IsRepeatable(ServerAction action) =>
            (action.State == "object_write" && (action.Text("evaluation_type") ?? "value") == "value") || action.State == "webhook";

        private async Task<WebhookTrace> EndAsync(RuleRun run, string status, string? error, CancellationToken cancellationToken)
        {
            run = run with { Status = status, Error = error, FinishedAt = Owner._time.GetUtcNow().UtcDateTime };
            await SaveAsync(run, cancellationToken);
            return TraceOf(run) with
            {
                Traceback = error is null ? null : _traceback,
                Payload = JsonNode.Parse(Payload.GetRawText()),
                Actions = _steps,
                Changes = _changes,
                Logs = _logs,
            };
        }

        private async Task ReleaseAsync(RuleRun run, TimeProvider time)
        {
            try
            {
                await Owner._runs.SaveAsync(run with { LeaseUntil = time.GetUtcNow().UtcDateTime }, CancellationToken.None);
            }
            catch (Exception e) when (!RuleEngine.IsPermanent(e))
            {
                // Could not release: the lease runs out on its own and a later delivery takes over then.
            }
        }
    }

    /// <summary>The payload as a Python literal, as Odoo logs it; cut after <see cref="MaxLoggedPayloadChars"/>.</summary>
    private string PayloadRepr(JsonElement payload)
    {
        string text;
        try
        {
            text = _scripts.Execute(_scripts.Compile("repr(payload)", ScriptMode.Eval), new ScriptContext { Payload = payload }).Value as string ?? "";
        }
        catch (ScriptRuntimeException)
        {
            text = payload.GetRawText();
        }

        return text.Length <= MaxLoggedPayloadChars
            ? text
            : string.Create(CultureInfo.InvariantCulture, $"{text[..MaxLoggedPayloadChars]}… ({text.Length} characters in all)");
    }
}
