using System.Globalization;
using System.Text.Json;
using Automation.Core.Rules;
using Automation.Storage.Tables;

namespace Automation.Storage.Records;

/// <summary>
/// Runs in the <c>runs</c> table: partition = rule id, RowKey = <see cref="RuleRun.Key"/> (newest first). Claims and saves
/// of one rule's runs that arrive while another is in flight leave together in one transaction (<see cref="GroupCommit"/>):
/// a busy rule's runs cost fewer storage requests than two each.
/// </summary>
public sealed class TableRunLog(TableClient table) : IRunLog, IAsyncDisposable
{
    public const string TableName = "runs";

    private readonly GroupCommit _commits = new(table);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public async Task<RuleRun?> FindAsync(long ruleId, string key, CancellationToken cancellationToken)
    {
        var entity = await table.GetEntityIfExistsAsync(Partition(ruleId), key, cancellationToken);
        return entity is null ? null : FromEntity(entity);
    }

    public async Task<RuleRun> ClaimAsync(RuleRun run, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var claimed = run with { Status = RuleRun.Running, LeaseUntil = DateTime.UtcNow + lease };
        try
        {
            await _commits.CommitAsync([new TableTransactionAction(TableTransactionActionType.Add, ToEntity(claimed))], cancellationToken);
            return claimed;
        }
        catch (Azure.RequestFailedException e) when (e.Status == 409)
        {
            // Someone claimed it before: finished, still running, or abandoned.
        }

        var entity = await table.GetEntityAsync(Partition(run.RuleId), run.Key, cancellationToken);
        var existing = FromEntity(entity);
        if (existing.Status != RuleRun.Running)
        {
            return existing;
        }

        if (existing.LeaseUntil > DateTime.UtcNow)
        {
            throw new RunBusyException(run.RuleId, run.Key);
        }

        var takeover = existing with { LeaseUntil = DateTime.UtcNow + lease };
        try
        {
            await table.UpdateEntityAsync(ToEntity(takeover), entity.ETag, TableUpdateMode.Replace, cancellationToken);
            return takeover;
        }
        catch (Azure.RequestFailedException e) when (e.Status == 412)
        {
            throw new RunBusyException(run.RuleId, run.Key);
        }
    }

    public Task SaveAsync(RuleRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        return _commits.CommitAsync([new TableTransactionAction(TableTransactionActionType.UpsertReplace, ToEntity(run))], cancellationToken);
    }

    public ValueTask DisposeAsync() => _commits.DisposeAsync();

    /// <summary>The entity a run is stored as (benchmarks seed the table with it).</summary>
    public static TableEntity EntityOf(RuleRun run) => ToEntity(run);

    private static TableEntity ToEntity(RuleRun run)
    {
        var outcomes = JsonSerializer.Serialize(run.Outcomes, Json);
        var entity = new TableEntity(Partition(run.RuleId), run.Key)
        {
            ["SourceId"] = run.SourceId,
            ["Model"] = run.Model,
            ["RecordIds"] = JsonSerializer.Serialize(run.RecordIds),
            ["Status"] = run.Status,
            ["ActionsDone"] = run.ActionsDone,
            ["Outcomes"] = outcomes.Length > 30_000 ? outcomes[..30_000] : outcomes,
            ["Error"] = run.Error is { Length: > 30_000 } e ? e[..30_000] : run.Error,
            ["ChainId"] = run.ChainId,
            ["StartedAt"] = new DateTimeOffset(DateTime.SpecifyKind(run.StartedAt, DateTimeKind.Utc)),
            ["FinishedAt"] = run.FinishedAt is { } f ? new DateTimeOffset(DateTime.SpecifyKind(f, DateTimeKind.Utc)) : null,
            ["LeaseUntil"] = run.LeaseUntil is { } l ? new DateTimeOffset(DateTime.SpecifyKind(l, DateTimeKind.Utc)) : null,
            ["Uid"] = run.Uid,
            ["Attempts"] = run.PreviousAttempts.Count == 0 ? null : JsonSerializer.Serialize(run.PreviousAttempts.TakeLast(MaxAttemptsKept), Json),
        };
        return entity;
    }

    public async Task<IReadOnlyList<RuleRun>> ListAsync(long ruleId, int limit, CancellationToken cancellationToken)
    {
        await foreach (var page in table.QueryAsync($"PartitionKey eq '{Partition(ruleId)}'", Math.Clamp(limit, 1, 1000), cancellationToken: cancellationToken)
                           .AsPages(pageSizeHint: Math.Clamp(limit, 1, 1000)))
        {
            return page.Values.Select(FromEntity).ToList();
        }

        return [];
    }

    /// <summary>The partition of a rule's runs (rule id, 12 digits).</summary>
    public static string Partition(long ruleId) => ruleId.ToString("D12", CultureInfo.InvariantCulture);

    /// <summary>Replays kept in a run's history; older ones are dropped.</summary>
    public const int MaxAttemptsKept = 20;

    /// <summary>A page of runs, newest first, and where the next page starts (null: no more).</summary>
    public sealed record RunPage(IReadOnlyList<RuleRun> Runs, RunCursor? Next);

    /// <summary>
    /// Where a listing resumes: after a key (<c>RowKey gt</c>) or at one (<c>RowKey ge</c>, when a filtered scan stopped
    /// before the end of a partition). Keys order runs by time across rules, so one cursor serves every partition.
    /// </summary>
    public sealed record RunCursor(string Key, bool Inclusive);

    /// <summary>
    /// Runs newest first: of one rule (a prefix scan of its partition) or of several (one scan per rule, merged by key).
    /// With a status, the service filters; a scan reads at most <paramref name="maxPagesPerRule"/> pages of a partition
    /// per call, and the cursor says where to go on.
    /// </summary>
    public async Task<RunPage> QueryAsync(IReadOnlyCollection<long> ruleIds, string? status, int limit, RunCursor? after, CancellationToken cancellationToken,
        int maxPagesPerRule = 10)
    {
        ArgumentNullException.ThrowIfNull(ruleIds);
        limit = Math.Clamp(limit, 1, 1000);
        var scans = new List<(List<RuleRun> Runs, string? StoppedAt)>();
        using var gate = new SemaphoreSlim(8);
        var tasks = ruleIds.Distinct().Select(async ruleId =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                return await ScanAsync(ruleId, status, limit, after, maxPagesPerRule, cancellationToken);
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        foreach (var task in tasks)
        {
            scans.Add(await task);
        }

        // A partition whose scan stopped early may still hold matching runs from where it stopped on: nothing at or past
        // that key can be returned yet from any partition.
        var boundary = scans.Where(s => s.StoppedAt is not null).Select(s => s.StoppedAt!).Min(StringComparer.Ordinal);
        var merged = scans.SelectMany(s => s.Runs)
            .Where(r => boundary is null || string.CompareOrdinal(r.Key, boundary) < 0)
            .OrderBy(r => r.Key, StringComparer.Ordinal)
            .ThenBy(r => r.RuleId)
            .Take(limit)
            .ToList();
        RunCursor? next = merged.Count == limit ? new RunCursor(merged[^1].Key, false)
            : boundary is not null ? new RunCursor(boundary, true)
            : null;
        return new RunPage(merged, next);
    }

    private async Task<(List<RuleRun> Runs, string? StoppedAt)> ScanAsync(long ruleId, string? status, int limit, RunCursor? after, int maxPages,
        CancellationToken cancellationToken)
    {
        var filter = $"PartitionKey eq '{Partition(ruleId)}'";
        if (after is not null)
        {
            filter += $" and RowKey {(after.Inclusive ? "ge" : "gt")} {TableKeys.Quote(after.Key)}";
        }

        if (status is not null)
        {
            filter += $" and Status eq {TableKeys.Quote(status)}";
        }

        var runs = new List<RuleRun>();
        var pages = 0;
        await foreach (var page in table.QueryAsync(filter, limit, cancellationToken: cancellationToken).AsPages(pageSizeHint: limit))
        {
            runs.AddRange(page.Values.Select(FromEntity));
            if (runs.Count >= limit || page.ContinuationToken is null)
            {
                break;
            }

            if (++pages >= maxPages)
            {
                // Stopped mid-partition: the continuation names the next key to read.
                var nextRow = page.ContinuationToken.Split('\n') is [_, var row, ..] && row.Length > 0 ? row : null;
                return (runs, nextRow); // null: the partition ends here
            }
        }

        return (runs, null);
    }

    /// <summary>
    /// Reopens a failed run (or one left running by a processor that died) for a replay: status running with its claim
    /// lapsed, so the replay's claim takes it over; the outcome of the action that failed is dropped and how the run had
    /// ended goes to its history. ETag-guarded: of two replays at once, one gets null.
    /// </summary>
    public async Task<RuleRun?> ReopenAsync(long ruleId, string key, DateTime now, string? by, CancellationToken cancellationToken)
    {
        if (await table.GetEntityIfExistsAsync(Partition(ruleId), key, cancellationToken) is not { } entity)
        {
            return null;
        }

        var run = FromEntity(entity);
        if (!IsReplayable(run, now))
        {
            return null;
        }

        var reopened = run with
        {
            Status = RuleRun.Running,
            Error = null,
            FinishedAt = null,
            LeaseUntil = now,
            Outcomes = run.Outcomes.Take(run.ActionsDone).ToList(),
            PreviousAttempts = [.. run.PreviousAttempts, new RunAttempt(run.FinishedAt, run.Status, run.Error, run.ActionsDone, now, by)],
        };
        try
        {
            await table.UpdateEntityAsync(ToEntity(reopened), entity.ETag, TableUpdateMode.Replace, cancellationToken);
            return reopened;
        }
        catch (Azure.RequestFailedException e) when (e.Status is 412 or 404)
        {
            return null;
        }
    }

    /// <summary>Failed, or running with its claim lapsed (its processor died and no delivery is left to take it over).</summary>
    public static bool IsReplayable(RuleRun run, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.Status == RuleRun.Failed || (run.Status == RuleRun.Running && run.LeaseUntil < now);
    }

    private static RuleRun FromEntity(TableEntity entity) => new()
    {
        RuleId = long.Parse(entity.PartitionKey, CultureInfo.InvariantCulture),
        Key = entity.RowKey,
        SourceId = entity.GetString("SourceId") ?? "",
        Model = entity.GetString("Model") ?? "",
        RecordIds = JsonSerializer.Deserialize<long[]>(entity.GetString("RecordIds") ?? "[]") ?? [],
        Status = entity.GetString("Status") ?? RuleRun.Running,
        ActionsDone = entity.GetInt32("ActionsDone") ?? 0,
        Outcomes = TryOutcomes(entity.GetString("Outcomes")),
        Error = entity.GetString("Error"),
        ChainId = entity.GetString("ChainId"),
        StartedAt = entity.GetDateTimeOffset("StartedAt")?.UtcDateTime ?? default,
        FinishedAt = entity.GetDateTimeOffset("FinishedAt")?.UtcDateTime,
        LeaseUntil = entity.GetDateTimeOffset("LeaseUntil")?.UtcDateTime,
        Uid = entity.GetInt64("Uid"),
        PreviousAttempts = entity.GetString("Attempts") is { } attempts ? JsonSerializer.Deserialize<RunAttempt[]>(attempts, Json) ?? [] : [],
    };

    private static ActionOutcome[] TryOutcomes(string? json)
    {
        try
        {
            return JsonSerializer.Deserialize<ActionOutcome[]>(json ?? "[]", Json) ?? [];
        }
        catch (JsonException)
        {
            return []; // truncated when enormous; the status and error still tell the story
        }
    }
}
