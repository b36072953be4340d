using Automation.Core.Events;
using Automation.Core.Models;
using Automation.Core.Rules;

namespace Automation.Core.Time;

/// <summary>
/// Keeps the trigger-date indexes current from change events (create, write, delete; queued or handled inline), for the
/// date fields the active time rules of the changed model read. Only a change of a trigger date costs storage: one read
/// and one transaction per index.
/// <para>
/// A change can reach the index after a run has already scanned the window it falls in (the event was handled late).
/// Odoo's run would have seen it when the change was committed before the run began, so the change is recorded as a
/// <em>late entry</em> for the rule, which the next run processes: when its execution moment lies in a window that began
/// after the commit (at or after <see cref="TimeRuleState.ReachableFrom"/>) and has been scanned already.
/// </para>
/// </summary>
public sealed class TriggerDateObserver(
    IRuleStore rules,
    IModelRegistry models,
    ITriggerDateIndex index,
    ITimeRuleStates states,
    CalendarSource calendars,
    TimeProvider time) : IChangeObserver
{
    /// <summary>
    /// How old this instance's view of the rules may be. An index build starts at least this long (plus a margin) after
    /// the rule that needs it was saved, so every change the build does not see is indexed here.
    /// </summary>
    public static readonly TimeSpan RuleViewAge = TimeSpan.FromSeconds(2);

    public async Task ObserveAsync(ChangeEvent change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (CalendarModels.IsCalendarModel(change.Model))
        {
            calendars.Invalidate();
        }

        var timeRules = (await rules.ActiveForModelAsync(change.Model, time.GetUtcNow() - RuleViewAge, cancellationToken))
            .Where(r => Triggers.Time.Contains(r.Trigger))
            .Select(r => (Rule: r, Spec: TimeRuleSpec.For(r)!))
            .Where(r => r.Spec.DateField is not null)
            .ToList();
        if (timeRules.Count == 0 || await models.FindAsync(change.Model, cancellationToken) is not { } model)
        {
            return;
        }

        IReadOnlyList<TimeRuleState>? known = null;
        foreach (var group in timeRules.GroupBy(r => r.Spec.DateField!, StringComparer.Ordinal))
        {
            if (TriggerDates.KindOf(model, group.Key) is not { } kind)
            {
                continue; // the field is gone: the job reports the rule (spec §3.2 step 3)
            }

            var before = change.Kind == ChangeKind.Create ? null : TriggerDates.Of(model, group.Key, change.Before);
            var after = change.Kind == ChangeKind.Unlink ? null : TriggerDates.Of(model, group.Key, change.After);
            if (before == after)
            {
                continue;
            }

            var key = new DateIndexKey(change.Model, group.Key);
            if (!await index.SetAsync(key, change.RecordId, after, change.Moment.Ticks, cancellationToken) || after is not { } value)
            {
                continue; // superseded by a newer change, or no date any more
            }

            // The index holds the change now; any window that begins from here on sees it. Those begun already did not.
            known ??= await states.ListAsync(cancellationToken);
            foreach (var (rule, spec) in group)
            {
                if (known.FirstOrDefault(s => s.RuleId == rule.Id) is not { } state)
                {
                    continue; // not started yet: its index build or first window sees the record
                }

                var from = state.ReachableFrom(change.Moment);
                var to = state.Scanned;
                if (to <= from)
                {
                    continue;
                }

                var calendar = spec.UsesCalendar ? await TryCalendarAsync(spec.CalendarId!.Value, cancellationToken) : null;
                if (spec.UsesCalendar && calendar is null)
                {
                    continue;
                }

                if (new TimeWindow(spec, kind, calendar).IsDue(value, from, to))
                {
                    await index.AddLateAsync(key, new LateEntry(rule.Id, spec.Config, value, change.RecordId), cancellationToken);
                }
            }
        }
    }

    private async Task<WorkingCalendar?> TryCalendarAsync(long id, CancellationToken cancellationToken)
    {
        try
        {
            return await calendars.CachedAsync(id, cancellationToken);
        }
        catch (CalendarException)
        {
            return null; // the job reports the rule's calendar problem
        }
    }
}
