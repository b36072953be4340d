using System.Collections.Concurrent;
using System.Globalization;
using Automation.Core.Domains;
using Automation.Core.Models;
using Automation.Core.Records;
using Automation.Core.Rules;

namespace Automation.Core.Time;

/// <summary>Limits of a check (settings).</summary>
public sealed record TimeRuleJobOptions
{
    /// <summary>A check stops starting new work after this long; the next one resumes where it stopped.</summary>
    public TimeSpan Budget { get; init; } = TimeSpan.FromMinutes(4);

    /// <summary>How long the check's lease lasts before it must be renewed (a dead check's lease frees after this).</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Due records processed at once.</summary>
    public int Parallelism { get; init; } = 4;

    /// <summary>Index entries read per page; the window's progress is saved after each page.</summary>
    public int PageSize { get; init; } = 100;

    /// <summary>A manual run waits this long at most for an index build that may not start yet (<see cref="TimeRuleScheduler.BuildDelay"/>).</summary>
    public TimeSpan BuildWait { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Told of warnings and errors with the message Odoo logs (the host writes them to its log).</summary>
    public Action<string, Exception?>? Warning { get; init; }

    public Action<string, Exception?>? Error { get; init; }
}

/// <summary>What one rule's part of a check did.</summary>
public sealed record RuleCheck
{
    public required long RuleId { get; init; }

    public required string Name { get; init; }

    /// <summary>done, failed, busy, indexing, missing_date_field, incomplete.</summary>
    public required string Status { get; init; }

    public long Processed { get; init; }

    public long AlreadyDone { get; init; }

    public long Failed { get; init; }

    /// <summary>Index entries read (the selection's cost: it grows with the due records, not with the model).</summary>
    public long EntriesRead { get; init; }

    public long RecordsRead { get; init; }

    public string? Error { get; init; }

    public DateTime? LastRun { get; init; }

    public double DurationMs { get; init; }
}

/// <summary>What a check did: <c>done</c>, <c>failed</c> (a rule failed), <c>incomplete</c> (budget ran out), or not run.</summary>
public sealed record CheckResult
{
    public required string Status { get; init; }

    /// <summary>The check's one <c>now</c>: every window it starts ends there.</summary>
    public DateTime? Now { get; init; }

    public IReadOnlyList<RuleCheck> Rules { get; init; } = [];

    public const string NotDue = "not_due";
    public const string Busy = "busy";
    public const string Done = "done";
    public const string FailedStatus = "failed";
    public const string Incomplete = "incomplete";
}

/// <summary>Mirrors a rule's <c>last_run</c> into the rule itself, so the rules API shows it (API.md rule JSON).</summary>
public interface IRuleLastRunMirror
{
    Task SetLastRunAsync(long ruleId, DateTime? lastRun, CancellationToken cancellationToken);
}

/// <summary>
/// "Automation Rules: check and execute" (spec §3.1–§3.4): for each active time rule in id order, the records whose
/// execution moment lies in [<c>last_run</c>, <c>now</c>) and that match the apply-on domain get the actions; one
/// <c>now</c> is captured per check. A rule's <c>last_run</c> becomes that <c>now</c> only once its window is processed to
/// the end and nothing failed; a failing rule keeps it (the window is retried next time, its completed records are not
/// repeated) and the other rules go on. The window's progress is saved after each page of the index, so a check that
/// stops (time budget, crash) is resumed by the next one with the same <c>now</c>. One check runs at a time (a lease).
/// </summary>
public sealed class TimeRuleJob(
    IRuleStore rules,
    IModelRegistry models,
    RecordService records,
    ITriggerDateIndex index,
    ITimeRuleStates states,
    CalendarSource calendars,
    TimeRuleRunner runner,
    TimeRuleScheduler scheduler,
    TimeProvider time,
    TimeRuleJobOptions options,
    IRuleLastRunMirror? mirror = null)
{
    private readonly RuleMatcher _matcher = new(models, time);

    /// <summary>Runs the check: when due (the timer), or now (<paramref name="manual"/>, "Run manually").</summary>
    public async Task<CheckResult> RunAsync(bool manual, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var all = await rules.ListAsync(cancellationToken);
        var settings = await scheduler.ReconcileAsync(all, cancellationToken);
        if (!manual && (!settings.Active || (settings.NextCheck is { } next && next > now)))
        {
            return new CheckResult { Status = CheckResult.NotDue };
        }

        var lease = new Lease(states, time, options.Lease, Guid.NewGuid().ToString("N"));
        if (!await states.TryAcquireAsync(lease.Owner, now, now + options.Lease, cancellationToken))
        {
            return new CheckResult { Status = CheckResult.Busy };
        }

        var budget = new Budget(time, time.GetUtcNow() + options.Budget);
        var results = new List<RuleCheck>();
        string? lastError = null;
        try
        {
            var known = (await states.ListAsync(cancellationToken)).ToDictionary(s => s.RuleId);
            var active = all.Where(r => r.Active && Triggers.Time.Contains(r.Trigger)).OrderBy(r => r.Id).ToList();
            foreach (var rule in active)
            {
                if (budget.Spent || !await lease.KeepAsync(cancellationToken))
                {
                    results.Add(new RuleCheck { RuleId = rule.Id, Name = rule.Name, Status = CheckResult.Incomplete });
                    continue;
                }

                var check = new RuleProgress(rule);
                try
                {
                    await CheckRuleAsync(rule, known.GetValueOrDefault(rule.Id), now, budget, lease, manual, check, cancellationToken);
                }
                catch (RuleChangedException)
                {
                    check.Status = CheckResult.Incomplete;
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is not OperationCanceledException)
                {
                    // spec §3.2 step 6: this rule keeps its last_run; the others go on.
                    check.Fail(e.Message);
                    options.Error?.Invoke($"Error in time-based automation rule `{rule.Name}`.", e);
                    await SaveOutcomeAsync(rule.Id, check, now, cancellationToken);
                }

                var result = check.ToResult();
                if (result.Status == CheckResult.FailedStatus)
                {
                    // Odoo's log line; the check is recorded as failed with the last one (spec §3.2 step 6).
                    lastError = $"Error in time-based automation rule `{rule.Name}`: {result.Error}";
                    options.Error?.Invoke(lastError, null);
                }

                results.Add(result);
            }

            await MarkUnusedIndexesAsync(all, cancellationToken);
            var status = results.Any(r => r.Status is CheckResult.FailedStatus or "busy") ? CheckResult.FailedStatus
                : results.Any(r => r.Status is CheckResult.Incomplete or "indexing") ? CheckResult.Incomplete
                : CheckResult.Done;
            await SaveCheckAsync(now, status, lastError ?? results.LastOrDefault(r => r.Error is not null)?.Error, cancellationToken);
            return new CheckResult { Status = status, Now = now, Rules = results };
        }
        finally
        {
            await lease.ReleaseAsync();
        }
    }

    private async Task CheckRuleAsync(AutomationRule rule, TimeRuleState? state, DateTime now, Budget budget, Lease lease, bool manual,
        RuleProgress check, CancellationToken cancellationToken)
    {
        var spec = TimeRuleSpec.For(rule)!;
        state ??= await scheduler.ActivateAsync(rule.Id, now, spec.Retroactive, cancellationToken); // first seen here (no API hook)
        var model = await models.FindAsync(rule.Model, cancellationToken);
        if (model is null || TriggerDates.KindOf(model, spec.DateField) is not { } kind)
        {
            // spec §3.2 step 3: nothing is selected, and the rule still counts as run.
            options.Warning?.Invoke($"Missing date trigger field in automation rule `{rule.Name}`", null);
            check.Status = "missing_date_field";
            check.Error = $"Missing date trigger field in automation rule `{rule.Name}`";
            await SaveAsync(state with
            {
                LastRun = now > state.From ? now : state.LastRun,
                WindowNow = null,
                WindowCursor = null,
                Bounds = Append(state.Bounds, now),
                Status = check.Status,
                Error = check.Error,
                CheckedAt = now,
                Processed = 0,
            }, rule.Id, check, cancellationToken);
            return;
        }

        var key = new DateIndexKey(rule.Model, spec.DateField!);
        if (!await EnsureIndexAsync(key, model, now, budget, manual, lease, cancellationToken))
        {
            check.Status = "indexing";
            await SaveOutcomeAsync(rule.Id, check, now, cancellationToken);
            return;
        }

        WorkingCalendar? calendar = null;
        if (spec.UsesCalendar)
        {
            try
            {
                calendar = await calendars.LoadAsync(spec.CalendarId!.Value, cancellationToken);
            }
            catch (CalendarException e)
            {
                check.Fail(e.Message);
                await SaveOutcomeAsync(rule.Id, check, now, cancellationToken);
                return;
            }
        }

        var window = new TimeWindow(spec, kind, calendar);
        var work = new RuleWork(rule, spec, model, key, window);
        while (true)
        {
            if (state.WindowNow is null)
            {
                if (now <= state.From)
                {
                    break; // activated at or after this check's now: nothing to do yet
                }

                // Recorded before the scan: a change indexed from here on is either seen by the scan or found late.
                state = await SaveAsync(state with
                {
                    WindowNow = now,
                    WindowCursor = null,
                    WindowLateDone = false,
                    WindowFailed = false,
                    Bounds = Append(state.Bounds, now),
                    Config = spec.Config,
                    Processed = 0,
                }, rule.Id, check, cancellationToken);
            }

            if (!state.WindowLateDone)
            {
                var failedLate = await ProcessLateAsync(work, state, check, cancellationToken);
                state = await SaveAsync(state with { WindowLateDone = true, WindowFailed = state.WindowFailed || failedLate }, rule.Id, check, cancellationToken);
            }

            var windowNow = state.WindowNow ?? now;
            if (window.Range(state.From, windowNow) is { } range)
            {
                while (true)
                {
                    if (budget.Spent || !await lease.KeepAsync(cancellationToken))
                    {
                        check.Status = CheckResult.Incomplete;
                        await SaveOutcomeAsync(rule.Id, check, now, cancellationToken);
                        return;
                    }

                    var page = await index.ScanAsync(key, range.From, range.To, state.WindowCursor, options.PageSize, cancellationToken);
                    check.EntriesRead += page.Count;
                    budget.Worked();
                    var due = page.Where(e => window.IsDue(e.Value, state.From, windowNow)).ToList();
                    var failed = await ProcessAsync(work, due, windowNow, check, cancellationToken);
                    if (page.Count > 0)
                    {
                        state = await SaveAsync(state with
                        {
                            WindowCursor = page[^1].Position,
                            WindowFailed = state.WindowFailed || failed,
                            Processed = state.Processed + due.Count,
                        }, rule.Id, check, cancellationToken);
                    }

                    if (page.Count < options.PageSize)
                    {
                        break;
                    }
                }
            }

            // The window is processed to the end. Odoo stores last_run only when nothing failed (spec §3.2 steps 5–6).
            var succeeded = !state.WindowFailed;
            state = await SaveAsync(state with
            {
                LastRun = succeeded ? windowNow : state.LastRun,
                WindowNow = null,
                WindowCursor = null,
                WindowLateDone = false,
                WindowFailed = false,
                Status = succeeded ? CheckResult.Done : check.Status == "busy" ? "busy" : CheckResult.FailedStatus,
                Error = succeeded ? null : check.Error,
                CheckedAt = now,
            }, rule.Id, check, cancellationToken);
            if (succeeded && mirror is not null)
            {
                await mirror.SetLastRunAsync(rule.Id, state.LastRun, cancellationToken);
            }

            if (!succeeded || windowNow >= now)
            {
                check.LastRun = state.LastRun;
                if (succeeded)
                {
                    check.Status = CheckResult.Done;
                }

                return;
            }

            // A window resumed from an earlier check ended before this check's now: go on with [its end, now).
        }

        check.LastRun = state.LastRun;
        check.Status = CheckResult.Done;
    }

    /// <summary>Records the index saw after their window was scanned (<see cref="TriggerDateObserver"/>).</summary>
    private async Task<bool> ProcessLateAsync(RuleWork work, TimeRuleState state, RuleProgress check, CancellationToken cancellationToken)
    {
        var failed = false;
        while (true)
        {
            var late = await index.LateAsync(work.Key, work.Rule.Id, options.PageSize, cancellationToken);
            var current = late.Where(e => e.Config == work.Spec.Config).ToList();
            var kept = 0;
            foreach (var entry in late.Except(current))
            {
                await index.RemoveLateAsync(work.Key, entry, cancellationToken); // the rule changed since: its windows decide now
            }

            var outcomes = await RunManyAsync(work, current.Select(e => (e.RecordId, e.Value)).ToList(), state.WindowNow!.Value, check, cancellationToken);
            foreach (var (entry, outcome) in current.Zip(outcomes))
            {
                if (outcome is TimeRunOutcome.Failed or TimeRunOutcome.Busy)
                {
                    failed = true;
                    kept++;
                }
                else
                {
                    await index.RemoveLateAsync(work.Key, entry, cancellationToken);
                }
            }

            if (late.Count < options.PageSize || kept == late.Count)
            {
                return failed;
            }
        }
    }

    private async Task<bool> ProcessAsync(RuleWork work, IReadOnlyList<IndexedDate> due, DateTime now, RuleProgress check, CancellationToken cancellationToken)
    {
        var outcomes = await RunManyAsync(work, due.Select(e => (e.RecordId, e.Value)).ToList(), now, check, cancellationToken);
        return outcomes.Any(o => o is TimeRunOutcome.Failed or TimeRunOutcome.Busy);
    }

    /// <summary>Verifies and runs each candidate, a few at a time; null outcome: not due after all (skipped).</summary>
    private async Task<TimeRunOutcome?[]> RunManyAsync(RuleWork work, List<(long RecordId, long Value)> candidates, DateTime now,
        RuleProgress check, CancellationToken cancellationToken)
    {
        var outcomes = new TimeRunOutcome?[candidates.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, candidates.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Parallelism), CancellationToken = cancellationToken },
            async (i, token) => outcomes[i] = await RunOneAsync(work, candidates[i].RecordId, candidates[i].Value, now, check, token));
        return outcomes;
    }

    private async Task<TimeRunOutcome?> RunOneAsync(RuleWork work, long recordId, long value, DateTime now, RuleProgress check,
        CancellationToken cancellationToken)
    {
        var record = await records.Store.FindAsync(work.Model, recordId, cancellationToken);
        RuleProgress.Count(ref check.RecordsReadCount);
        if (record is null || TriggerDates.Of(work.Model, work.Key.Field, record) != value)
        {
            return null; // deleted, or its date moved since it was indexed: its new date has its own entry
        }

        if (work.Model.HasActive && record["active"] is false)
        {
            return null; // archived records are not selected (the active filter of Odoo's search)
        }

        // The apply-on domain as the superuser (spec §2.1); a domain that no longer fits the model fails the rule.
        if (!await _matcher.AppliesAsync(work.Rule, work.Model, record, 1, new RecordStoreDomainSource(records.Store), cancellationToken))
        {
            return null;
        }

        var result = await runner.RunAsync(work.Rule, work.Spec, work.Model, record, value, now, cancellationToken);
        switch (result.Outcome)
        {
            case TimeRunOutcome.Done:
                RuleProgress.Count(ref check.ProcessedCount);
                break;
            case TimeRunOutcome.AlreadyDone:
                RuleProgress.Count(ref check.AlreadyDoneCount);
                break;
            case TimeRunOutcome.Failed:
                RuleProgress.Count(ref check.FailedCount);
                check.Fail(string.Create(CultureInfo.InvariantCulture, $"Record {recordId}: {result.Error}"));
                break;
            default:
                check.Busy(string.Create(CultureInfo.InvariantCulture, $"Record {recordId} is being processed elsewhere; the window is retried."));
                break;
        }

        return result.Outcome;
    }

    /// <summary>Builds the index if it is not ready, page by page within the budget; true when it is ready.</summary>
    private async Task<bool> EnsureIndexAsync(DateIndexKey key, ModelDefinition model, DateTime now, Budget budget, bool manual, Lease lease,
        CancellationToken cancellationToken)
    {
        var status = await index.StatusAsync(key, cancellationToken);
        if (status is { Ready: true })
        {
            return true;
        }

        if (status is null)
        {
            await scheduler.RequestBuildAsync(key, now, cancellationToken); // first seen here (no API hook)
            status = await index.StatusAsync(key, cancellationToken);
        }

        var wait = status!.NotBefore - time.GetUtcNow().UtcDateTime;
        if (wait > TimeSpan.Zero)
        {
            if (!manual || wait > options.BuildWait)
            {
                return false;
            }

            await Task.Delay(wait, time, cancellationToken);
        }

        while (true)
        {
            if (budget.Spent || !await lease.KeepAsync(cancellationToken))
            {
                return false;
            }

            budget.Worked();

            // Read before the page: a change committed after this is newer than what the page shows, and wins.
            var version = time.GetUtcNow().UtcTicks;
            var page = await records.Store.ListAsync(model, null, 1000, status.Continuation, cancellationToken);
            await index.MergeAsync(key, page.Records.Select(r => (r.Id, TriggerDates.Of(model, key.Field, r))).ToList(), version, cancellationToken);
            var next = status with
            {
                Continuation = page.NextCursor,
                Records = status.Records + page.Records.Count,
                Ready = page.NextCursor is null,
                ReadyAt = page.NextCursor is null ? time.GetUtcNow().UtcDateTime : null,
            };
            if (!await index.TrySaveStatusAsync(key, next, cancellationToken))
            {
                return false; // asked again meanwhile (a rule re-activated): the build restarts next time
            }

            status = (await index.StatusAsync(key, cancellationToken))!;
            if (status.Ready)
            {
                return true;
            }
        }
    }

    /// <summary>
    /// An index no active rule reads is not kept current any more: marked so, it is rebuilt before a rule uses it again.
    /// </summary>
    private async Task MarkUnusedIndexesAsync(IReadOnlyList<AutomationRule> all, CancellationToken cancellationToken)
    {
        foreach (var (key, status) in await index.StatusesAsync(cancellationToken))
        {
            if (status.Ready && !all.Any(r => TimeRuleScheduler.UsesIndex(r, key.Model, key.Field)))
            {
                await index.TrySaveStatusAsync(key, status with { Ready = false, NotBefore = time.GetUtcNow().UtcDateTime + TimeRuleScheduler.BuildDelay, Continuation = null, Records = 0 },
                    cancellationToken);
            }
        }
    }

    private async Task<TimeRuleState> SaveAsync(TimeRuleState state, long ruleId, RuleProgress check, CancellationToken cancellationToken)
    {
        try
        {
            return await states.SaveAsync(state, cancellationToken);
        }
        catch (StateConflictException)
        {
            // The rule was saved (re-activated, moved) while this check ran: its next check starts from the new state.
            check.Status = CheckResult.Incomplete;
            throw new RuleChangedException(ruleId);
        }
    }

    private async Task SaveOutcomeAsync(long ruleId, RuleProgress check, DateTime now, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (await states.GetAsync(ruleId, cancellationToken) is not { } state)
            {
                return;
            }

            try
            {
                await states.SaveAsync(state with { Status = check.Status, Error = check.Error, CheckedAt = now }, cancellationToken);
                return;
            }
            catch (StateConflictException)
            {
                // Read again.
            }
        }
    }

    private async Task SaveCheckAsync(DateTime now, string status, string? error, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var current = await states.GetSchedulerAsync(cancellationToken);
            var next = current.NextCheck ?? now;
            if (next <= now)
            {
                var interval = TimeSpan.FromMinutes(current.IntervalMinutes);
                next += interval * (Math.Floor((now - next) / interval) + 1);
            }

            try
            {
                await states.SaveSchedulerAsync(current with { LastCheck = now, NextCheck = next, LastStatus = status, LastError = error }, cancellationToken);
                return;
            }
            catch (StateConflictException)
            {
                // A rule change updated it meanwhile: read again.
            }
        }
    }

    private static List<DateTime> Append(IReadOnlyList<DateTime> bounds, DateTime bound) =>
        [.. bounds.Append(bound).Distinct().Order().TakeLast(TimeRuleState.MaxBounds)];

    private sealed record RuleWork(AutomationRule Rule, TimeRuleSpec Spec, ModelDefinition Model, DateIndexKey Key, TimeWindow Window);

    /// <summary>A rule's state changed under the check (the rule was saved): stop this rule for now.</summary>
    private sealed class RuleChangedException(long ruleId)
        : Exception(string.Create(CultureInfo.InvariantCulture, $"Rule {ruleId} was changed during the check; it is checked again next time."));

    /// <summary>Counts of one rule's check, updated by concurrent record runs.</summary>
    private sealed class RuleProgress(AutomationRule rule)
    {
        private readonly Lock _gate = new();
        private readonly long _started = System.Diagnostics.Stopwatch.GetTimestamp();

        public long ProcessedCount;
        public long AlreadyDoneCount;
        public long FailedCount;
        public long RecordsReadCount;

        public long EntriesRead { get; set; }

        public string Status { get; set; } = CheckResult.Done;

        public string? Error { get; set; }

        public DateTime? LastRun { get; set; }

        public static void Count(ref long counter) => Interlocked.Increment(ref counter);

        public void Fail(string error)
        {
            lock (_gate)
            {
                Status = CheckResult.FailedStatus;
                Error ??= error;
            }
        }

        public void Busy(string error)
        {
            lock (_gate)
            {
                if (Status != CheckResult.FailedStatus)
                {
                    Status = "busy";
                }

                Error ??= error;
            }
        }

        public RuleCheck ToResult() => new()
        {
            RuleId = rule.Id,
            Name = rule.Name,
            Status = Status,
            Processed = Interlocked.Read(ref ProcessedCount),
            AlreadyDone = Interlocked.Read(ref AlreadyDoneCount),
            Failed = Interlocked.Read(ref FailedCount),
            EntriesRead = EntriesRead,
            RecordsRead = Interlocked.Read(ref RecordsReadCount),
            Error = Error,
            LastRun = LastRun,
            DurationMs = System.Diagnostics.Stopwatch.GetElapsedTime(_started).TotalMilliseconds,
        };
    }

    /// <summary>
    /// The check's time budget. It is spent once the deadline has passed and some work was done: every check makes progress
    /// (one page of an index build or of a window at least), however small the budget.
    /// </summary>
    private sealed class Budget(TimeProvider time, DateTimeOffset deadline)
    {
        private bool _worked;

        public bool Spent => _worked && time.GetUtcNow() > deadline;

        public void Worked() => _worked = true;
    }

    /// <summary>The check's lease, renewed when a third of it has passed.</summary>
    private sealed class Lease(ITimeRuleStates states, TimeProvider time, TimeSpan duration, string owner)
    {
        private DateTimeOffset _renewed = time.GetUtcNow();
        private bool _lost;

        public string Owner => owner;

        public async Task<bool> KeepAsync(CancellationToken cancellationToken)
        {
            if (_lost)
            {
                return false;
            }

            var now = time.GetUtcNow();
            if (now - _renewed < duration / 3)
            {
                return true;
            }

            _lost = !await states.RenewAsync(owner, now.UtcDateTime + duration, cancellationToken);
            _renewed = now;
            return !_lost;
        }

        public async Task ReleaseAsync()
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await states.ReleaseAsync(owner, timeout.Token);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // It expires on its own.
            }
        }
    }
}
