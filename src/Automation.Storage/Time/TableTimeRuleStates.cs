using System.Globalization;
using Automation.Core.Time;
using Automation.Storage.Tables;
using Azure;

namespace Automation.Storage.Time;

/// <summary>
/// Time rule states (partition <c>rule</c>, RowKey the rule id D12), the scheduler (<c>scheduler/job</c>) and the check's
/// lease (<c>scheduler/lease</c>) in the <c>timerules</c> table. Instants are stored as ticks so window bounds compare
/// exactly; every save is guarded by the ETag it read.
/// </summary>
public sealed class TableTimeRuleStates(TableClient table) : ITimeRuleStates
{
    public const string TableName = "timerules";
    private const string RulePartition = "rule";
    private const string SchedulerPartition = "scheduler";
    private const string JobRow = "job";
    private const string LeaseRow = "lease";

    /// <summary>Characters of an error kept (a string property holds 32 K).</summary>
    private const int MaxErrorChars = 4_000;

    public async Task<IReadOnlyList<TimeRuleState>> ListAsync(CancellationToken cancellationToken)
    {
        var result = new List<TimeRuleState>();
        await foreach (var entity in table.QueryAsync($"PartitionKey eq '{RulePartition}'", cancellationToken: cancellationToken))
        {
            result.Add(ToState(entity));
        }

        return result;
    }

    public async Task<TimeRuleState?> GetAsync(long ruleId, CancellationToken cancellationToken)
    {
        var entity = await table.GetEntityIfExistsAsync(RulePartition, Row(ruleId), cancellationToken);
        return entity is null ? null : ToState(entity);
    }

    public async Task<TimeRuleState> SaveAsync(TimeRuleState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        var entity = new TableEntity(RulePartition, Row(state.RuleId))
        {
            ["LastRun"] = state.LastRun?.Ticks,
            ["ActivatedAt"] = state.ActivatedAt?.Ticks,
            ["WindowNow"] = state.WindowNow?.Ticks,
            ["WindowCursor"] = state.WindowCursor,
            ["WindowLateDone"] = state.WindowLateDone,
            ["WindowFailed"] = state.WindowFailed,
            ["Bounds"] = string.Join(",", state.Bounds.TakeLast(TimeRuleState.MaxBounds).Select(b => b.Ticks.ToString(CultureInfo.InvariantCulture))),
            ["Config"] = state.Config,
            ["Status"] = state.Status,
            ["Error"] = state.Error is { Length: > MaxErrorChars } e ? e[..MaxErrorChars] : state.Error,
            ["CheckedAt"] = state.CheckedAt?.Ticks,
            ["Processed"] = state.Processed,
        };
        var etag = await SaveGuardedAsync(entity, state.ETag, $"The state of time rule {state.RuleId}", cancellationToken);
        return state with { ETag = etag.ToString() };
    }

    public Task DeleteAsync(long ruleId, CancellationToken cancellationToken) =>
        table.DeleteEntityAsync(RulePartition, Row(ruleId), cancellationToken: cancellationToken);

    public async Task<SchedulerState> GetSchedulerAsync(CancellationToken cancellationToken)
    {
        var entity = await table.GetEntityIfExistsAsync(SchedulerPartition, JobRow, cancellationToken);
        return entity is null
            ? new SchedulerState()
            : new SchedulerState
            {
                Active = entity.GetBoolean("Active") ?? false,
                IntervalMinutes = entity.GetInt32("IntervalMinutes") ?? SchedulerInterval.MaximumMinutes,
                LastCheck = Instant(entity, "LastCheck"),
                NextCheck = Instant(entity, "NextCheck"),
                LastStatus = entity.GetString("LastStatus"),
                LastError = entity.GetString("LastError"),
                RulesFingerprint = entity.GetString("RulesFingerprint"),
                ETag = entity.ETag.ToString(),
            };
    }

    public async Task<SchedulerState> SaveSchedulerAsync(SchedulerState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        var entity = new TableEntity(SchedulerPartition, JobRow)
        {
            ["Active"] = state.Active,
            ["IntervalMinutes"] = state.IntervalMinutes,
            ["LastCheck"] = state.LastCheck?.Ticks,
            ["NextCheck"] = state.NextCheck?.Ticks,
            ["LastStatus"] = state.LastStatus,
            ["LastError"] = state.LastError is { Length: > MaxErrorChars } e ? e[..MaxErrorChars] : state.LastError,
            ["RulesFingerprint"] = state.RulesFingerprint,
        };
        var etag = await SaveGuardedAsync(entity, state.ETag, "The scheduler", cancellationToken);
        return state with { ETag = etag.ToString() };
    }

    public async Task<bool> TryAcquireAsync(string owner, DateTime now, DateTime until, CancellationToken cancellationToken)
    {
        var current = await table.GetEntityIfExistsAsync(SchedulerPartition, LeaseRow, cancellationToken);
        if (current is not null && current.GetString("Owner") != owner && Instant(current, "Until") > now)
        {
            return false;
        }

        try
        {
            await SaveGuardedAsync(Lease(owner, until), current?.ETag.ToString(), "The lease", cancellationToken);
            return true;
        }
        catch (StateConflictException)
        {
            return false; // another check took it first
        }
    }

    public async Task<bool> RenewAsync(string owner, DateTime until, CancellationToken cancellationToken)
    {
        var current = await table.GetEntityIfExistsAsync(SchedulerPartition, LeaseRow, cancellationToken);
        if (current is null || current.GetString("Owner") != owner)
        {
            return false;
        }

        try
        {
            await SaveGuardedAsync(Lease(owner, until), current.ETag.ToString(), "The lease", cancellationToken);
            return true;
        }
        catch (StateConflictException)
        {
            return false;
        }
    }

    public async Task ReleaseAsync(string owner, CancellationToken cancellationToken)
    {
        var current = await table.GetEntityIfExistsAsync(SchedulerPartition, LeaseRow, cancellationToken);
        if (current is not null && current.GetString("Owner") == owner)
        {
            try
            {
                await table.DeleteEntityAsync(SchedulerPartition, LeaseRow, current.ETag, cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                // Taken over meanwhile: not ours any more.
            }
        }
    }

    public async Task<(string Owner, DateTime Until)?> LeaseAsync(CancellationToken cancellationToken)
    {
        var current = await table.GetEntityIfExistsAsync(SchedulerPartition, LeaseRow, cancellationToken);
        return current is null ? null : (current.GetString("Owner") ?? "", Instant(current, "Until") ?? default);
    }

    private static TableEntity Lease(string owner, DateTime until) =>
        new(SchedulerPartition, LeaseRow) { ["Owner"] = owner, ["Until"] = until.Ticks };

    /// <summary>Inserts (no ETag) or replaces guarded by the ETag; a lost race is a <see cref="StateConflictException"/>.</summary>
    private async Task<ETag> SaveGuardedAsync(TableEntity entity, string? etag, string what, CancellationToken cancellationToken)
    {
        try
        {
            return etag is null
                ? await table.AddEntityAsync(entity, cancellationToken)
                : await table.UpdateEntityAsync(entity, new ETag(etag), TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412 or 404)
        {
            throw new StateConflictException(what);
        }
    }

    private static TimeRuleState ToState(TableEntity entity) => new()
    {
        RuleId = long.Parse(entity.RowKey, CultureInfo.InvariantCulture),
        LastRun = Instant(entity, "LastRun"),
        ActivatedAt = Instant(entity, "ActivatedAt"),
        WindowNow = Instant(entity, "WindowNow"),
        WindowCursor = entity.GetString("WindowCursor"),
        WindowLateDone = entity.GetBoolean("WindowLateDone") ?? false,
        WindowFailed = entity.GetBoolean("WindowFailed") ?? false,
        Bounds = (entity.GetString("Bounds") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(b => new DateTime(long.Parse(b, CultureInfo.InvariantCulture), DateTimeKind.Utc)).ToList(),
        Config = entity.GetString("Config"),
        Status = entity.GetString("Status"),
        Error = entity.GetString("Error"),
        CheckedAt = Instant(entity, "CheckedAt"),
        Processed = entity.GetInt64("Processed") ?? 0,
        ETag = entity.ETag.ToString(),
    };

    private static DateTime? Instant(TableEntity entity, string name) =>
        entity.GetInt64(name) is { } ticks ? new DateTime(ticks, DateTimeKind.Utc) : null;

    private static string Row(long ruleId) => ruleId.ToString("D12", CultureInfo.InvariantCulture);
}
