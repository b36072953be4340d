using Automation.Storage.Tables;
using Azure;

namespace Automation.Storage.Management;

/// <summary>An API key as stored: never the key itself, only its SHA-256 (ARCHITECTURE §4).</summary>
public sealed record StoredApiKey
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    /// <summary>SHA-256 of the whole key text (UTF-8).</summary>
    public required byte[] Hash { get; init; }

    public required IReadOnlyList<string> Scopes { get; init; }

    /// <summary>The user changes made with the key are made as (<c>uid</c> in code).</summary>
    public required long Uid { get; init; }

    public required DateTime CreatedAt { get; init; }

    /// <summary>The key id of whoever created it (<c>bootstrap</c> for the setting's key).</summary>
    public string? CreatedBy { get; init; }

    public DateTime? ExpiresAt { get; init; }

    public DateTime? RevokedAt { get; init; }

    public DateTime? LastUsedAt { get; init; }
}

/// <summary>
/// API keys in the <c>apikeys</c> table: one partition, RowKey = key id. The id is part of the key text, so checking a
/// presented key is one point read and a constant-time hash comparison.
/// </summary>
public sealed class ApiKeyStore(TableClient table)
{
    public const string TableName = "apikeys";

    private const string Partition = "key";

    public async Task AddAsync(StoredApiKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await table.AddEntityAsync(ToEntity(key), cancellationToken);
    }

    public async Task<StoredApiKey?> GetAsync(string id, CancellationToken cancellationToken) =>
        await table.GetEntityIfExistsAsync(Partition, id, cancellationToken) is { } entity ? FromEntity(entity) : null;

    public async Task<IReadOnlyList<StoredApiKey>> ListAsync(CancellationToken cancellationToken)
    {
        var keys = new List<StoredApiKey>();
        await foreach (var entity in table.QueryAsync($"PartitionKey eq '{Partition}'", cancellationToken: cancellationToken))
        {
            keys.Add(FromEntity(entity));
        }

        return keys;
    }

    /// <summary>Marks the key revoked (kept for the record). False when there is no such key.</summary>
    public async Task<StoredApiKey?> RevokeAsync(string id, DateTime at, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (await table.GetEntityIfExistsAsync(Partition, id, cancellationToken) is not { } entity)
            {
                return null;
            }

            var key = FromEntity(entity);
            if (key.RevokedAt is not null)
            {
                return key;
            }

            try
            {
                var revoked = key with { RevokedAt = at };
                await table.UpdateEntityAsync(ToEntity(revoked), entity.ETag, TableUpdateMode.Replace, cancellationToken);
                return revoked;
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                // Touched meanwhile (last use): read again.
            }
        }
    }

    /// <summary>Records a use; a merge of one property, so it never undoes a revocation.</summary>
    public Task TouchAsync(string id, DateTime at, CancellationToken cancellationToken) =>
        table.UpdateEntityAsync(new TableEntity(Partition, id) { ["LastUsedAt"] = Utc(at) }, ETag.All, TableUpdateMode.Merge, cancellationToken);

    private static TableEntity ToEntity(StoredApiKey key) => new(Partition, key.Id)
    {
        ["Name"] = key.Name,
        ["Hash"] = Convert.ToHexStringLower(key.Hash),
        ["Scopes"] = string.Join(' ', key.Scopes),
        ["Uid"] = key.Uid,
        ["CreatedAt"] = Utc(key.CreatedAt),
        ["CreatedBy"] = key.CreatedBy,
        ["ExpiresAt"] = key.ExpiresAt is { } e ? Utc(e) : null,
        ["RevokedAt"] = key.RevokedAt is { } r ? Utc(r) : null,
        ["LastUsedAt"] = key.LastUsedAt is { } u ? Utc(u) : null,
    };

    private static StoredApiKey FromEntity(TableEntity entity) => new()
    {
        Id = entity.RowKey,
        Name = entity.GetString("Name") ?? "",
        Hash = Convert.FromHexString(entity.GetString("Hash") ?? ""),
        Scopes = (entity.GetString("Scopes") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries),
        Uid = entity.GetInt64("Uid") ?? 1,
        CreatedAt = entity.GetDateTimeOffset("CreatedAt")?.UtcDateTime ?? default,
        CreatedBy = entity.GetString("CreatedBy"),
        ExpiresAt = entity.GetDateTimeOffset("ExpiresAt")?.UtcDateTime,
        RevokedAt = entity.GetDateTimeOffset("RevokedAt")?.UtcDateTime,
        LastUsedAt = entity.GetDateTimeOffset("LastUsedAt")?.UtcDateTime,
    };

    private static DateTimeOffset Utc(DateTime at) => new(DateTime.SpecifyKind(at, DateTimeKind.Utc));

    /// <summary>Ids are 12 lowercase hex digits.</summary>
    public static bool IsId(string? id) => id is { Length: 12 } && id.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));
}
