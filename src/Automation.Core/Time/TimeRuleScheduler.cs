using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Automation.Core.Rules;

namespace Automation.Core.Time;

/// <summary>
/// The scheduled job's settings and what saving a rule does to them and to the rule's windows (spec §1.5, §3.5):
/// the job is active while an active time rule exists; its interval follows Odoo 19's formula but rule changes only ever
/// shorten it; an administrator may set any interval. A time rule that becomes active starts its windows at that moment
/// (or where Odoo's would, with <see cref="TimeRuleSpec.RetroactiveKey"/>), and the trigger-date index it reads is built
/// when no other active rule keeps it current.
/// </summary>
public sealed class TimeRuleScheduler(IRuleStore rules, ITimeRuleStates states, ITriggerDateIndex index, TimeProvider time, IRuleLastRunMirror? mirror = null)
{
    /// <summary>A build waits this long after it is asked for: every instance then indexes the changes it does not see.</summary>
    public static readonly TimeSpan BuildDelay = TriggerDateObserver.RuleViewAge + TimeSpan.FromSeconds(1);

    private const int MaxAttempts = 10;

    /// <summary>
    /// Applies Odoo's cron update (spec §3.5) when a rule changed since the last time (any rule's model, active, trigger,
    /// on-change fields, delay or unit): active := an active time rule exists; the interval is replaced only by a shorter one.
    /// </summary>
    public async Task<SchedulerState> ReconcileAsync(IReadOnlyList<AutomationRule>? all, CancellationToken cancellationToken)
    {
        all ??= await rules.ListAsync(cancellationToken);
        var fingerprint = Fingerprint(all);
        for (var attempt = 1; ; attempt++)
        {
            var current = await states.GetSchedulerAsync(cancellationToken);
            if (current.RulesFingerprint == fingerprint)
            {
                return current;
            }

            var now = time.GetUtcNow().UtcDateTime;
            var active = all.Any(r => r.Active && Triggers.Time.Contains(r.Trigger));
            var candidate = SchedulerInterval.For(all);
            var interval = candidate < current.IntervalMinutes ? candidate : current.IntervalMinutes;
            var next = current.NextCheck;
            if (active && !current.Active)
            {
                next = now; // became active: the next tick checks
            }
            else if (interval < current.IntervalMinutes)
            {
                var sooner = (current.LastCheck ?? now) + TimeSpan.FromMinutes(interval);
                next = next is null || sooner < next ? sooner : next;
            }

            try
            {
                return await states.SaveSchedulerAsync(current with
                {
                    Active = active,
                    IntervalMinutes = interval,
                    NextCheck = next,
                    RulesFingerprint = fingerprint,
                }, cancellationToken);
            }
            catch (StateConflictException) when (attempt < MaxAttempts)
            {
                // Another instance updated it: read again.
            }
        }
    }

    /// <summary>An administrator's interval (API.md: <c>PUT /api/admin/scheduler</c>); the next check moves accordingly.</summary>
    public async Task<SchedulerState> SetIntervalAsync(int minutes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minutes, SchedulerInterval.MinimumMinutes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minutes, SchedulerInterval.MaximumManualMinutes);
        for (var attempt = 1; ; attempt++)
        {
            var current = await ReconcileAsync(null, cancellationToken);
            var now = time.GetUtcNow().UtcDateTime;
            try
            {
                return await states.SaveSchedulerAsync(current with
                {
                    IntervalMinutes = minutes,
                    NextCheck = (current.LastCheck ?? now) + TimeSpan.FromMinutes(minutes),
                }, cancellationToken);
            }
            catch (StateConflictException) when (attempt < MaxAttempts)
            {
                // Read again.
            }
        }
    }

    /// <summary>
    /// After a rule is saved (spec §1.5): a time rule that became active (created, re-activated, or moved to another
    /// model or trigger group) starts its windows now; the index of its date field is built unless another active rule
    /// already keeps it current; then the job's settings follow.
    /// </summary>
    /// <returns>The rule's state when it became active now (its <c>last_run</c> is where its first window starts).</returns>
    public async Task<TimeRuleState?> SavedAsync(AutomationRule? previous, AutomationRule saved, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(saved);
        TimeRuleState? activated = null;
        var all = await rules.ListAsync(cancellationToken);
        var wasActive = previous is { Active: true } && Triggers.Time.Contains(previous.Trigger);
        if (saved.Active && TimeRuleSpec.For(saved) is { } spec)
        {
            var now = time.GetUtcNow().UtcDateTime;
            if (!wasActive || previous!.Model != saved.Model)
            {
                activated = await ActivateAsync(saved.Id, now, spec.Retroactive, cancellationToken);
            }

            var previousField = wasActive && previous!.Model == saved.Model ? TimeRuleSpec.For(previous)!.DateField : null;
            if (spec.DateField is { } field && field != previousField && !all.Any(r => r.Id != saved.Id && UsesIndex(r, saved.Model, field)))
            {
                await RequestBuildAsync(new DateIndexKey(saved.Model, field), now, cancellationToken);
            }
        }

        await ReconcileAsync(all, cancellationToken);
        return activated;
    }

    public async Task DeletedAsync(long ruleId, CancellationToken cancellationToken)
    {
        await states.DeleteAsync(ruleId, cancellationToken);
        await ReconcileAsync(null, cancellationToken);
    }

    /// <summary>Starts a rule's windows at <paramref name="at"/> (retroactive: where Odoo's would start).</summary>
    public async Task<TimeRuleState> ActivateAsync(long ruleId, DateTime at, bool retroactive, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var previous = await states.GetAsync(ruleId, cancellationToken);
            try
            {
                var state = await states.SaveAsync(TimeRuleState.Activated(ruleId, at, retroactive, previous), cancellationToken);
                if (mirror is not null && state.LastRun is not null)
                {
                    await mirror.SetLastRunAsync(ruleId, state.LastRun, cancellationToken);
                }

                return state;
            }
            catch (StateConflictException) when (attempt < MaxAttempts)
            {
                // The job saved it meanwhile: read again.
            }
        }
    }

    /// <summary>Marks an index for a (re)build that starts after <see cref="BuildDelay"/>.</summary>
    public async Task RequestBuildAsync(DateIndexKey key, DateTime now, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var current = await index.StatusAsync(key, cancellationToken);
            var requested = new IndexStatus { Ready = false, NotBefore = now + BuildDelay, ETag = current?.ETag };
            if (await index.TrySaveStatusAsync(key, requested, cancellationToken))
            {
                return;
            }
        }

        throw new StateConflictException($"The status of index {key}");
    }

    /// <summary>Whether <paramref name="rule"/> is an active time rule reading <paramref name="field"/> of <paramref name="model"/>.</summary>
    public static bool UsesIndex(AutomationRule rule, string model, string field) =>
        rule is { Active: true } && rule.Model == model && TimeRuleSpec.For(rule)?.DateField == field;

    /// <summary>What Odoo's cron update reacts to: <c>CRITICAL_FIELDS</c> and <c>RANGE_FIELDS</c> of every rule, and rules coming and going.</summary>
    private static string Fingerprint(IReadOnlyList<AutomationRule> all)
    {
        var text = new StringBuilder();
        foreach (var rule in all.OrderBy(r => r.Id))
        {
            text.Append(CultureInfo.InvariantCulture, $"{rule.Id}|{rule.Model}|{rule.Active}|{rule.Trigger}|{string.Join(",", rule.OnChangeFieldIds)}|")
                .Append(CultureInfo.InvariantCulture, $"{rule.TrgDateRange}|{rule.TrgDateRangeType};");
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }
}
