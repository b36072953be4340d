using System.Globalization;
using Automation.Core.Rules;
using Automation.Storage.Tables;

namespace Automation.Storage.Records;

/// <summary>
/// Rules in the <c>rules</c> table as their JSON (secrets included). Every change bumps a version entity; the cache of
/// active rules per model is kept while that version is unchanged, and the version is read again at most every
/// <see cref="VersionCheckInterval"/> (zero: on every lookup), so a rule change reaches the next event on every instance.
/// A rule change answers <see cref="ChangeDelay"/> after its version bump, so an event committed after the answer is
/// served by any version read that began up to that long before its commit; while events flow, a background read every
/// <see cref="RefreshInterval"/> keeps such a read ready, so events rarely wait for one and a busy instance reads the
/// version about 1 ÷ <see cref="RefreshInterval"/> times a second, however many events it handles.
/// </summary>
public sealed class TableRuleStore(TableClient table, IdAllocator ids, TimeProvider time) : IRuleStore, IDisposable
{
    public const string TableName = "rules";
    private const string Partition = "rule";
    private const string VersionPartition = "meta";
    private const string VersionRow = "version";
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Snapshot? _snapshot;

    public TimeSpan VersionCheckInterval { get; init; } = TimeSpan.Zero;

    /// <summary>While lookups keep coming, how old the last version read may get before a background one starts.</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// How long a rule save or delete waits after its version bump before it returns: every version read that begins
    /// after the bump sees the change, so a read up to this long before an event's commit is recent enough for it.
    /// Larger than the clock skew the engine allows for (25 ms) and than <see cref="RefreshInterval"/>.
    /// </summary>
    public TimeSpan ChangeDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    private int _refreshing;

    public async Task<AutomationRule?> GetAsync(long id, CancellationToken cancellationToken)
    {
        var entity = await table.GetEntityIfExistsAsync(Partition, RowKey(id), cancellationToken);
        return entity is null ? null : FromEntity(entity);
    }

    public async Task<IReadOnlyList<AutomationRule>> ListAsync(CancellationToken cancellationToken)
    {
        var rules = new List<AutomationRule>();
        await foreach (var entity in table.QueryAsync($"PartitionKey eq '{Partition}'", cancellationToken: cancellationToken))
        {
            rules.Add(FromEntity(entity));
        }

        return rules;
    }

    public async Task<IReadOnlyList<AutomationRule>> ActiveForModelAsync(string model, CancellationToken cancellationToken)
    {
        var snapshot = await CurrentAsync(null, cancellationToken);
        return snapshot.ByModel.GetValueOrDefault(model) ?? [];
    }

    public async Task<IReadOnlyList<AutomationRule>> ActiveForModelAsync(string model, DateTimeOffset seenAfter, CancellationToken cancellationToken)
    {
        var needed = seenAfter - ChangeDelay; // a change made before the event answered at least this much later than its bump
        var snapshot = _snapshot is { } held && held.CheckedAt > needed ? held : await CurrentAsync(needed, cancellationToken);
        if (time.GetUtcNow() - snapshot.CheckedAt > RefreshInterval && Interlocked.CompareExchange(ref _refreshing, 1, 0) == 0)
        {
            _ = RefreshAsync();
        }

        return snapshot.ByModel.GetValueOrDefault(model) ?? [];
    }

    /// <summary>A version read ahead of the events that will need it; failures are left to the next lookup.</summary>
    private async Task RefreshAsync()
    {
        try
        {
            await CurrentAsync(time.GetUtcNow(), CancellationToken.None);
        }
        catch (Exception e) when (StorageFailure.IsStorageFailure(e))
        {
            // The next event's lookup reads the version itself.
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }

    public async Task<AutomationRule> SaveAsync(AutomationRule rule, CancellationToken cancellationToken)
    {
        var stored = await StoreAsync(rule, cancellationToken);
        await ChangesVisibleAsync(cancellationToken);
        return stored;
    }

    public async Task<AutomationRule> StoreAsync(AutomationRule rule, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var stored = rule.Id > 0 ? rule : rule with { Id = await ids.NextAsync("base.automation", cancellationToken) };
        stored = await RuleJson.AssignActionIdsAsync(stored, c => ids.NextAsync("ir.actions.server", c), cancellationToken);
        var entity = new TableEntity(Partition, RowKey(stored.Id));
        ChunkedText.Write(entity, RuleJson.Serialize(stored));

        await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
        await BumpVersionAsync(cancellationToken);
        return stored;
    }

    public async Task<bool> DeleteAsync(long id, CancellationToken cancellationToken)
    {
        var deleted = await table.DeleteEntityAsync(Partition, RowKey(id), cancellationToken: cancellationToken);
        await BumpVersionAsync(cancellationToken);
        await ChangesVisibleAsync(cancellationToken);
        return deleted;
    }

    /// <summary>Changes whenever a rule is saved or deleted, on any instance: other caches of rules compare it.</summary>
    public async Task<string> StampAsync(CancellationToken cancellationToken) =>
        (await table.GetEntityIfExistsAsync(VersionPartition, VersionRow, cancellationToken))?.GetString("Stamp") ?? "";

    public void Dispose() => _gate.Dispose();

    private static string RowKey(long id) => id.ToString("D12", CultureInfo.InvariantCulture);

    /// <summary>A time rule's <c>last_run</c> (ticks), merged onto the entity by the time rules' check (Time/TableRuleLastRun).</summary>
    public const string LastRunProperty = "LastRun";

    private static AutomationRule FromEntity(TableEntity entity)
    {
        var rule = RuleJson.Deserialize(ChunkedText.Read(entity), long.Parse(entity.RowKey, CultureInfo.InvariantCulture));
        return entity.GetInt64(LastRunProperty) is { } lastRun ? rule with { LastRun = new DateTime(lastRun, DateTimeKind.Utc) } : rule;
    }

    public async Task ChangesVisibleAsync(CancellationToken cancellationToken)
    {
        var wait = new DateTimeOffset(Interlocked.Read(ref _visibleAt), TimeSpan.Zero) - time.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, cancellationToken);
        }
    }

    /// <summary>When the last version bump made here is seen by every event committed from then on (UTC ticks).</summary>
    private long _visibleAt;

    /// <summary>A new random version stamp: any instance that sees it differ from its snapshot reloads.</summary>
    private async Task BumpVersionAsync(CancellationToken cancellationToken)
    {
        await table.UpsertEntityAsync(new TableEntity(VersionPartition, VersionRow) { ["Stamp"] = Guid.NewGuid().ToString("N") },
            TableUpdateMode.Replace, cancellationToken);
        _snapshot = null;
        var visibleAt = (time.GetUtcNow() + ChangeDelay).UtcTicks;
        for (var seen = Interlocked.Read(ref _visibleAt); seen < visibleAt; seen = Interlocked.Read(ref _visibleAt))
        {
            if (Interlocked.CompareExchange(ref _visibleAt, visibleAt, seen) == seen)
            {
                break;
            }
        }
    }

    private async Task<Snapshot> CurrentAsync(DateTimeOffset? seenAfter, CancellationToken cancellationToken)
    {
        var snapshot = _snapshot;
        if (snapshot is not null && time.GetUtcNow() - snapshot.CheckedAt < VersionCheckInterval)
        {
            return snapshot;
        }

        // Lookups that arrive while another one reads the version wait for it, then use its answer only if that read
        // began after they arrived: it saw every rule change made before their event, so concurrent events share
        // one version read and a change still reaches the next event.
        var arrived = time.GetUtcNow();
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_snapshot is { } fresh && fresh.CheckedAt > (seenAfter is { } after && after < arrived ? after : arrived))
            {
                return fresh;
            }

            var started = time.GetUtcNow();
            var stamp = (await table.GetEntityIfExistsAsync(VersionPartition, VersionRow, cancellationToken))?.GetString("Stamp") ?? "";
            if (_snapshot is { } current && current.Stamp == stamp)
            {
                _snapshot = current with { CheckedAt = started };
                return _snapshot;
            }

            var byModel = (await ListAsync(cancellationToken))
                .Where(r => r.Active)
                .OrderBy(r => r.Id)
                .GroupBy(r => r.Model, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<AutomationRule>)g.ToList(), StringComparer.Ordinal);
            _snapshot = new Snapshot(stamp, byModel, started);
            return _snapshot;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <param name="CheckedAt">When the version read that confirmed this snapshot began.</param>
    private sealed record Snapshot(string Stamp, IReadOnlyDictionary<string, IReadOnlyList<AutomationRule>> ByModel, DateTimeOffset CheckedAt);
}
