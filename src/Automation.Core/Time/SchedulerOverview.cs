using Automation.Core.Models;
using Automation.Core.Rules;

namespace Automation.Core.Time;

/// <summary>A time rule as an administrator sees it: where its windows stand and when its next record can fire.</summary>
public sealed record TimeRuleView
{
    public required AutomationRule Rule { get; init; }

    public DateTime? LastRun { get; init; }

    /// <summary>The earliest execution moment after <c>last_run</c> among the indexed records (apply-on domain not checked).</summary>
    public DateTime? NextDue { get; init; }

    /// <summary>The latest the next due record is processed: the first check after <see cref="NextDue"/>, plus one timer tick.</summary>
    public DateTime? FiresBy { get; init; }

    /// <summary>ready, building, or none (no date field to index).</summary>
    public required string Index { get; init; }

    public TimeRuleState? State { get; init; }
}

/// <summary>The scheduler with each active time rule (API.md <c>GET /api/admin/scheduler</c>).</summary>
public sealed record SchedulerView(SchedulerState Scheduler, TimeSpan Tick, IReadOnlyList<TimeRuleView> Rules)
{
    /// <summary>How late a due record can be processed: up to one interval until the next check, plus one timer tick.</summary>
    public TimeSpan MaxLateness => TimeSpan.FromMinutes(Scheduler.IntervalMinutes) + Tick;
}

/// <summary>Builds the <see cref="SchedulerView"/>: one state read, plus a short index scan per rule for its next due moment.</summary>
public sealed class SchedulerOverview(IRuleStore rules, IModelRegistry models, ITriggerDateIndex index, ITimeRuleStates states, CalendarSource calendars,
    TimeRuleScheduler scheduler, TimeProvider time)
{
    /// <summary>Index entries looked at per rule for the next due moment (month arithmetic can reorder a few dates).</summary>
    private const int Lookahead = 20;

    /// <summary>How far ahead the next due moment is looked for.</summary>
    private static readonly DateTime Horizon = new(9000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public async Task<SchedulerView> GetAsync(TimeSpan tick, CancellationToken cancellationToken)
    {
        var all = await rules.ListAsync(cancellationToken);
        var settings = await scheduler.ReconcileAsync(all, cancellationToken);
        var known = (await states.ListAsync(cancellationToken)).ToDictionary(s => s.RuleId);
        var views = new List<TimeRuleView>();
        foreach (var rule in all.Where(r => r.Active && Triggers.Time.Contains(r.Trigger)).OrderBy(r => r.Id))
        {
            var state = known.GetValueOrDefault(rule.Id);
            var spec = TimeRuleSpec.For(rule)!;
            var model = await models.FindAsync(rule.Model, cancellationToken);
            if (model is null || TriggerDates.KindOf(model, spec.DateField) is not { } kind)
            {
                views.Add(new TimeRuleView { Rule = rule, LastRun = state?.LastRun, Index = "none", State = state });
                continue;
            }

            var key = new DateIndexKey(rule.Model, spec.DateField!);
            var status = await index.StatusAsync(key, cancellationToken);
            DateTime? nextDue = null;
            if (status is { Ready: true } && state is not null)
            {
                nextDue = await NextDueAsync(spec, kind, key, state.From, cancellationToken);
            }

            views.Add(new TimeRuleView
            {
                Rule = rule,
                LastRun = state?.LastRun,
                NextDue = nextDue,
                FiresBy = nextDue is { } due ? FirstCheckAfter(settings, due) + tick : null,
                Index = status is { Ready: true } ? "ready" : "building",
                State = state,
            });
        }

        return new SchedulerView(settings, tick, views);
    }

    private async Task<DateTime?> NextDueAsync(TimeRuleSpec spec, DateKind kind, DateIndexKey key, DateTime from, CancellationToken cancellationToken)
    {
        WorkingCalendar? calendar = null;
        if (spec.UsesCalendar)
        {
            try
            {
                calendar = await calendars.CachedAsync(spec.CalendarId!.Value, cancellationToken);
            }
            catch (CalendarException)
            {
                return null;
            }
        }

        var window = new TimeWindow(spec, kind, calendar);
        if (window.Range(from, Horizon) is not { } range)
        {
            return null;
        }

        var entries = await index.ScanAsync(key, range.From, range.To, null, Lookahead, cancellationToken);
        return entries.Select(e => window.Moment(e.Value)).Where(m => m is not null && m >= from).Min();
    }

    /// <summary>The first scheduled check strictly after <paramref name="due"/> (checks run every interval from the next one).</summary>
    private DateTime FirstCheckAfter(SchedulerState settings, DateTime due)
    {
        var interval = TimeSpan.FromMinutes(settings.IntervalMinutes);
        var next = settings.NextCheck ?? time.GetUtcNow().UtcDateTime;
        return next > due ? next : next + interval * (Math.Floor((due - next) / interval) + 1);
    }
}
