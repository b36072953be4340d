using System.Globalization;
using System.Text.Json;
using Automation.Core.Rules;
using Automation.Storage.Tables;

namespace Automation.Storage.Records;

/// <summary>Runs in the <c>runs</c> table: partition = rule id, RowKey = <see cref="RuleRun.Key"/> (newest first).</summary>
public sealed class TableRunLog(TableClient table) : IRunLog
{
    public const string TableName = "runs";

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
            await table.AddEntityAsync(ToEntity(claimed), cancellationToken);
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
        return table.UpsertEntityAsync(ToEntity(run), TableUpdateMode.Replace, cancellationToken);
    }

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

    private static string Partition(long ruleId) => ruleId.ToString("D12", CultureInfo.InvariantCulture);

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
