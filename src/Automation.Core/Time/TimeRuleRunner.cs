using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Automation.Core.Diagnostics;
using Automation.Core.Events;
using Automation.Core.Models;
using Automation.Core.Records;
using Automation.Core.Rules;

namespace Automation.Core.Time;

/// <summary>How one due record's run ended.</summary>
public enum TimeRunOutcome
{
    /// <summary>The actions ran now.</summary>
    Done,

    /// <summary>An earlier run (before a crash or a timeout) completed it: nothing repeated.</summary>
    AlreadyDone,

    /// <summary>An action failed (the run record holds the error); the rule's window is retried.</summary>
    Failed,

    /// <summary>Another processor holds this run right now; the window is retried.</summary>
    Busy,
}

public sealed record TimeRunResult(TimeRunOutcome Outcome, string? Error = null);

/// <summary>
/// Runs a time rule's actions on one due record (spec §3.2 step 4, Odoo's <c>_process</c>): a run record keyed by
/// (rule, record, trigger date, rule configuration) is claimed first, so a restarted check never repeats a completed
/// run and resumes an interrupted one after its completed actions. <c>date_automation_last</c> is stamped with the run's
/// <c>now</c> when the model has it. The actions run in a new causal chain in which this rule is done on this record,
/// and the changes they make are handled right after each action by the rule engine, as event rules' changes are.
/// </summary>
public sealed class TimeRuleRunner(RecordService records, ActionRunner actions, IRunLog runs, RuleEngine engine, RuleEngineOptions engineOptions,
    TimeProvider time)
{
    /// <summary>How long a claimed run is held before another check may take it over (its processor died).</summary>
    public TimeSpan RunLease { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The run record's source: the trigger date's ticks lead, so a rule's runs list by date, newest first.</summary>
    public static string SourceId(TimeRuleSpec spec, long recordId, long value)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return string.Create(CultureInfo.InvariantCulture, $"{value:D19}-time-{spec.Config}-{recordId}");
    }

    public async Task<TimeRunResult> RunAsync(AutomationRule rule, TimeRuleSpec spec, ModelDefinition model, RecordData record, long value, DateTime now,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(record);
        var sourceId = SourceId(spec, record.Id, value);
        RuleRun run;
        try
        {
            run = await runs.ClaimAsync(new RuleRun
            {
                RuleId = rule.Id,
                Key = RuleRun.KeyFor(sourceId, new DateTime(value, DateTimeKind.Utc)),
                SourceId = sourceId,
                Model = model.Name,
                RecordIds = [record.Id],
                ChainId = Guid.NewGuid().ToString("N"),
                StartedAt = time.GetUtcNow().UtcDateTime,
            }, RunLease, cancellationToken);
        }
        catch (RunBusyException)
        {
            return new TimeRunResult(TimeRunOutcome.Busy);
        }

        switch (run.Status)
        {
            case RuleRun.Done:
                return new TimeRunResult(TimeRunOutcome.AlreadyDone);
            case RuleRun.Failed:
                // Odoo retries a failed rule's window until it succeeds (spec §3.2 step 6): resume at the failed action.
                run = run with
                {
                    Status = RuleRun.Running,
                    Error = null,
                    FinishedAt = null,
                    Outcomes = run.Outcomes.Take(run.ActionsDone).ToList(),
                    LeaseUntil = DateTime.UtcNow + RunLease,
                };
                await runs.SaveAsync(run, cancellationToken);
                break;
            default:
                break;
        }

        using var activity = AutomationTelemetry.StartRun(rule.Id, run.Key, run.ChainId, "time");
        using var scope = engineOptions.RunScope?.Invoke(rule.Id, RuleRun.IdOf(rule.Id, run.Key), run.ChainId ?? "");
        var chain = new CausalChain(run.ChainId ?? Guid.NewGuid().ToString("N"), 1,
            [new RuleRecord(rule.Id.ToString(CultureInfo.InvariantCulture), model.Name, record.Id)]);
        var nested = new List<ChangeEvent>();
        var context = new ActionContext(new ChangeContext(new Actor(1), chain)
        {
            OnCommitted = e =>
            {
                lock (nested)
                {
                    nested.Add(e);
                }
            },
            HandledInline = engineOptions.SettleInline is not null,
        });
        var outcomes = run.Outcomes.ToList();
        try
        {
            if (run.ActionsDone == 0 && model.HasField(TimeRuleSpec.AutomationLastField))
            {
                // spec §2.1 step 4: the record remembers when an automation last processed it.
                var stamp = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
                await records.WriteAsync(model, record.Id, new JsonObject { [TimeRuleSpec.AutomationLastField] = RecordJson.FormatDateTime(stamp) }, null,
                    context.Change, cancellationToken);
                await HandleCausedAsync(nested, cancellationToken);
            }

            for (var i = run.ActionsDone; i < rule.Actions.Count; i++)
            {
                var action = rule.Actions[i];
                var clock = Stopwatch.StartNew();
                try
                {
                    await actions.RunAsync(action, model, record.Id, context, cancellationToken);
                }
                catch (Exception e) when (RuleEngine.IsPermanent(e))
                {
                    outcomes.Add(new ActionOutcome(action.Name, action.State, RuleRun.Failed, e.Message, clock.Elapsed.TotalMilliseconds));
                    run = run with { Status = RuleRun.Failed, Error = $"{action.Name}: {e.Message}", Outcomes = outcomes, FinishedAt = time.GetUtcNow().UtcDateTime };
                    await runs.SaveAsync(run, cancellationToken);
                    await HandleCausedAsync(nested, cancellationToken); // what the failed action did commit stands, and is handled
                    AutomationTelemetry.RunFinished(activity, "time", RuleRun.Failed, run.Error);
                    return new TimeRunResult(TimeRunOutcome.Failed, run.Error);
                }

                outcomes.Add(new ActionOutcome(action.Name, action.State, RuleRun.Done, null, clock.Elapsed.TotalMilliseconds));
                await HandleCausedAsync(nested, cancellationToken);
                var finished = i == rule.Actions.Count - 1;
                run = run with
                {
                    ActionsDone = i + 1,
                    Outcomes = outcomes.ToList(),
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

            AutomationTelemetry.RunFinished(activity, "time", RuleRun.Done, null);
            return new TimeRunResult(TimeRunOutcome.Done);
        }
        catch (Exception e) when (RuleEngine.IsPermanent(e))
        {
            // The stamp could not be written (the record is gone or refuses it): the run fails like an action would.
            run = run with { Status = RuleRun.Failed, Error = e.Message, Outcomes = outcomes, FinishedAt = time.GetUtcNow().UtcDateTime };
            await runs.SaveAsync(run, cancellationToken);
            AutomationTelemetry.RunFinished(activity, "time", RuleRun.Failed, run.Error);
            return new TimeRunResult(TimeRunOutcome.Failed, run.Error);
        }
        catch (Exception e)
        {
            AutomationTelemetry.Failed(activity, e);
            // Transient (storage) or stopped (timeout, shutdown): give the claim back so the next check resumes after the
            // completed actions. A process that dies here cannot: its claim expires after RunLease.
            await ReleaseAsync(run with { Outcomes = outcomes });
            throw;
        }
    }

    /// <summary>Handles the changes an action committed, in order, right after it (depth first), then settles each.</summary>
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
                await engine.HandleAsync(next, cancellationToken);
            }
            catch (RunBusyException)
            {
                continue; // a copy sent by the sweeper is being handled right now by another processor
            }

            if (engineOptions.SettleInline is { } settle)
            {
                await settle(next, cancellationToken);
            }
        }
    }

    private async Task ReleaseAsync(RuleRun run)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await runs.SaveAsync(run with { LeaseUntil = DateTime.UtcNow }, timeout.Token);
        }
        catch (Exception e) when (!RuleEngine.IsPermanent(e))
        {
            // Could not release: the lease runs out on its own.
        }
    }
}
