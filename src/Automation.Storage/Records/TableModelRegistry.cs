using Automation.Core.Models;
using Automation.Storage.Tables;

namespace Automation.Storage.Records;

/// <summary>
/// Built-in models from code; admin-defined ones in the <c>models</c> table as their API JSON. Lookups are served
/// from a snapshot refreshed when older than <see cref="CacheFor"/> (and at once after a change made here), so a
/// change made on another instance is seen within that time.
/// </summary>
public sealed class TableModelRegistry(TableClient table, TimeProvider time) : IModelRegistry, IDisposable
{
    public const string TableName = "models";
    private const string Partition = "model";
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile Snapshot? _snapshot;

    public TimeSpan CacheFor { get; init; } = TimeSpan.FromSeconds(2);

    public async Task<ModelDefinition?> FindAsync(string name, CancellationToken cancellationToken) =>
        BuiltInModels.Find(name) ?? (await CurrentAsync(cancellationToken)).Custom.GetValueOrDefault(name);

    public async Task<IReadOnlyList<ModelDefinition>> ListAsync(CancellationToken cancellationToken) =>
        [.. BuiltInModels.All, .. (await CurrentAsync(cancellationToken)).Custom.Values.OrderBy(m => m.Name, StringComparer.Ordinal)];

    public async Task SaveAsync(ModelDefinition model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (BuiltInModels.IsBuiltIn(model.Name))
        {
            throw new InvalidOperationException($"'{model.Name}' is a built-in model and cannot be changed.");
        }

        var entity = new TableEntity(Partition, model.Name);
        ChunkedText.Write(entity, ModelJson.ToJson(model).ToJsonString());

        await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
        _snapshot = null;
    }

    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        var deleted = await table.DeleteEntityAsync(Partition, name, cancellationToken: cancellationToken);
        _snapshot = null;
        return deleted;
    }

    private async Task<Snapshot> CurrentAsync(CancellationToken cancellationToken)
    {
        var snapshot = _snapshot;
        if (snapshot is not null && time.GetUtcNow() - snapshot.TakenAt < CacheFor)
        {
            return snapshot;
        }

        await _refresh.WaitAsync(cancellationToken);
        try
        {
            snapshot = _snapshot;
            if (snapshot is not null && time.GetUtcNow() - snapshot.TakenAt < CacheFor)
            {
                return snapshot;
            }

            var custom = new Dictionary<string, ModelDefinition>(StringComparer.Ordinal);
            await foreach (var entity in table.QueryAsync($"PartitionKey eq '{Partition}'", cancellationToken: cancellationToken))
            {
                var parsed = ModelJson.Parse(System.Text.Json.Nodes.JsonNode.Parse(ChunkedText.Read(entity)), entity.RowKey);
                if (parsed.Model is { } model)
                {
                    custom[model.Name] = model;
                }
            }

            _snapshot = snapshot = new Snapshot(custom, time.GetUtcNow());
            return snapshot;
        }
        finally
        {
            _refresh.Release();
        }
    }

    public void Dispose() => _refresh.Dispose();

    private sealed record Snapshot(IReadOnlyDictionary<string, ModelDefinition> Custom, DateTimeOffset TakenAt);
}
